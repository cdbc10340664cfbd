"""What each row of the caseload shows, read with the row and worked out once a page.

The template only prints what is here: labels, dates and names worked out per page in
Python cost less than the same lookups and filters run fifty times in the template.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from html import escape
from operator import itemgetter

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from lindungi.cases import classification
from lindungi.cases.caseload_deadlines import attach_deadlines
from lindungi.cases.models import Assignment, Case, Client, ClientRole, Incident, Priority, Status
from lindungi.cases.queries.survivors import WG_FIELDS, first_incident_day
from lindungi.cases.vocabulary import VulnerableGroup
from lindungi.core.compiled import compiled
from lindungi.core.json_rows import json_rows
from lindungi.places.models import Region


@dataclass(frozen=True)
class ListedSurvivor:
    """What a caseload row needs of a survivor: no name, nothing encrypted."""

    sex: str
    birth_date: date | None
    age_estimate: int | None
    kelurahan_id: str | None
    wg: dict
    first_incident_day: date | None

    def vulnerable_groups(self, on):
        age = classification.age_on(self.birth_date, on) if self.birth_date else self.age_estimate
        return classification.vulnerable_groups(self.sex, age, self.wg)


# What a row shows of its survivors (never the names: the list shows the survivor code,
# docs/architecture.md, rule 3) and of its workers, read with the row (json_rows); the first fields
# put them in the order they were added.
SURVIVOR_ROW_FIELDS = ["created_at", "sex", "birth_date", "age_estimate", "kelurahan", *WG_FIELDS]
WORKER_ROW_FIELDS = ["assigned_at", "id", "user__display_name"]

# Compiled once (lindungi.core.compiled): building and compiling them on every request
# took a fifth of the caseload's time.
ROW_DETAILS = compiled(
    Case,
    {
        # The place of the first incident that has one (in the incidents' own order): all that
        # ``case_kota`` needs of them, since any kelurahan lies in a kota.
        "incident_place": Subquery(
            Incident.objects.filter(case=OuterRef("pk"), kelurahan__isnull=False).values(
                "kelurahan_id"
            )[:1]
        ),
        "survivor_rows": json_rows(
            Client.objects.filter(case=OuterRef("pk"), role=ClientRole.SURVIVOR),
            "case",
            *SURVIVOR_ROW_FIELDS,
            first_incident_day(),
        ),
        "worker_rows": json_rows(
            Assignment.objects.filter(case=OuterRef("pk")), "case", *WORKER_ROW_FIELDS
        ),
    },
)


def _row_details(case):
    """Survivors and workers of a row, from what ``page_of`` read with it."""
    case.survivors = [
        ListedSurvivor(
            sex,
            date.fromisoformat(birth_date) if birth_date else None,
            estimate,
            kelurahan,
            dict(zip(WG_FIELDS, answers, strict=True)),
            date.fromisoformat(first_day) if first_day else None,
        )
        for _added, sex, birth_date, estimate, kelurahan, *answers, first_day in sorted(
            case.survivor_rows or (), key=itemgetter(0)
        )
    ]
    case.worker_list = [
        name for _at, _id, name in sorted(case.worker_rows or (), key=itemgetter(0, 1))
    ]
    case.incident_places = [case.incident_place] if case.incident_place else []


def kota_code(kelurahan_code):
    """The kota/kabupaten a region code lies in: Kemendagri codes nest ("31.74.01.1001")."""
    if not kelurahan_code:
        return None
    parts = kelurahan_code.split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 else None


def case_kota(case):
    """Where the survivor lives, or else where it happened."""
    places = [s.kelurahan_id for s in case.survivors] + case.incident_places
    for place in places:
        code = kota_code(place)
        if code:
            return code
    return None


def survivor_groups(survivors, opened_on):
    """The groups of a case's survivors, each by her age at her first incident."""
    groups = set()
    for survivor in survivors:
        day = classification.groups_day([survivor.first_incident_day], opened_on)
        groups |= survivor.vulnerable_groups(day)
    return [g for g in VulnerableGroup if g in groups]


def describe_rows(page, kota_names):
    """What each row shows, worked out once here rather than per row in the template.

    ``get_status_display`` hashes every (lazily translated) label of the list on each call,
    and the date filter translates the month's name each time: together a fifth of the
    caseload's time at 50 rows. Here each label is translated once per page.
    """
    attach_deadlines(page.rows)  # the next deadline and overdue ones: no query
    months = {number: str(name).title() for number, name in MONTHS_3.items()}
    statuses = {value: str(label) for value, label in Status.choices}
    priorities = {value: str(label) for value, label in Priority.choices}
    groups = {group: str(group.label) for group in VulnerableGroup}
    # One reverse() for the page: each costs as much as the rest of a row's work.
    sample_id = str(uuid.UUID(int=0))
    detail_url = reverse("cases:detail", args=[sample_id])
    zone = timezone.get_current_timezone()  # once: each lookup is a context-local read
    overdue_labels = {}  # by number overdue: one translation per number, not per row
    for case in page.rows:
        _row_details(case)
        opened = case.opened_at.astimezone(zone)
        case.groups = survivor_groups(case.survivors, opened.date())
        case.kota = case_kota(case)
        case.status_label = statuses.get(case.status, case.status)
        case.priority_label = priorities.get(case.priority, case.priority)
        case.group_names = ", ".join(groups[group] for group in case.groups)
        case.worker_names = ", ".join(case.worker_list)
        case.url = detail_url.replace(sample_id, str(case.pk))
        # What the date filter gives for "c" and "j M Y", without a translation per row.
        case.opened_iso = opened.isoformat()
        case.opened_label = f"{opened.day} {months[opened.month]} {opened.year}"
        if case.next_deadline:
            _label_deadline(case, months, zone)
        if case.overdue:
            case.overdue_label = _overdue_label(len(case.overdue), overdue_labels)
    _name_kotas(page, kota_names)
    # Not escaped, as the template's {% translate %} of a literal is not: the translators' text.
    restricted_tag = RESTRICTED.format(gettext("Restricted"))
    page.lines = [row_html(case, restricted_tag) for case in page.rows]


# What a cell shows when it has nothing to show.
NOTHING = "—"


# A row of the caseload's table, as the template printed it when it wrote the cells one by
# one (the whitespace included), each value escaped as the template escapes it.
ROW = (
    "\n      <tr>\n"
    '        <th scope="row"><a href="{url}">{survivor_code}</a>{restricted}</th>\n'
    "        <td>{status_label}</td>\n"
    '        <td><span class="priority priority-{priority}">{priority_label}</span></td>\n'
    "        <td>{group_names}</td>\n"
    "        <td>{kota_name}</td>\n"
    '        <td><time datetime="{opened_iso}">{opened_label}</time></td>\n'
    "        <td>{deadline}</td>\n"
    "        <td>{worker_names}</td>\n"
    "      </tr>\n    "
)
RESTRICTED = ' <span class="tag restricted">{}</span>'
DEADLINE = '<time datetime="{}">{}</time>{}'
OVERDUE = ' <strong class="overdue">{}</strong>'


def row_html(case, restricted_tag):
    """The table row of ``case`` (``restricted_tag``: the restricted mark, made once a
    page). Printed by the template, value by value, a row took 33 microseconds of CPU
    against 7 here (``format_html``: 19), fifty rows a page. Every value is a plain string
    (labels, codes, names, dates as text) and goes through ``escape``, what the template
    and ``format_html`` do to a string (``html.escape``), without their checks for lazy and
    safe values on each of the six hundred values of a page."""
    deadline = NOTHING
    if case.next_deadline:
        overdue = OVERDUE.format(escape(case.overdue_label)) if case.overdue else ""
        deadline = DEADLINE.format(escape(case.deadline_iso), escape(case.deadline_label), overdue)
    return mark_safe(  # noqa: S308 - every value escaped above or here
        ROW.format(
            url=escape(case.url),
            survivor_code=escape(case.survivor_code),
            restricted=restricted_tag if case.restricted else "",
            status_label=escape(case.status_label),
            priority=escape(case.priority),
            priority_label=escape(case.priority_label),
            group_names=escape(case.group_names or NOTHING),
            kota_name=escape(case.kota_name or NOTHING),
            opened_iso=escape(case.opened_iso),
            opened_label=escape(case.opened_label),
            deadline=deadline,
            worker_names=escape(case.worker_names or NOTHING),
        )
    )


def _label_deadline(case, months, zone):
    """What the date filter gives for "c" and "j M Y, H:i T" (T: the zone's abbreviation,
    e.g. WIB) for the case's next deadline, without a translation per row."""
    due = case.next_deadline.due_at.astimezone(zone)
    case.deadline_iso = due.isoformat()
    case.deadline_label = f"{due.day} {months[due.month]} {due.year}, {due:%H:%M} {due.tzname()}"


def _overdue_label(count, known):
    """ "3 overdue", translated once per number on a page (``known``: those done so far)."""
    if count not in known:
        known[count] = ngettext("%(counter)s overdue", "%(counter)s overdue", count) % {
            "counter": count
        }
    return known[count]


def _name_kotas(page, kota_names):
    """Each row's kota by name: from ``kota_names`` when the caller had them, the others
    looked up in one query."""
    page.kota_names = {
        code: kota_names[code] for case in page.rows if (code := case.kota) in kota_names
    }
    codes = {case.kota for case in page.rows if case.kota and case.kota not in kota_names}
    if codes:
        page.kota_names.update(Region.objects.filter(code__in=codes).values_list("code", "name"))
    for case in page.rows:
        case.kota_name = page.kota_names.get(case.kota, case.kota)
