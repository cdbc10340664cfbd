"""Finding cases for lists: filters, search and pages that stay fast at 100,000 cases.

The caller passes a queryset that is already ``Case.objects.restrict(user)``: nothing
here widens what a user may see. Pages go by keyset (the last row's sort key), not by
offset, so the hundredth page costs what the first does. There is no total: counting the
visible cases means reading all of them (a supervisor of a large unit sees tens of
thousands), which cost as much as the page itself in measurements at 100,000 cases.
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter, itemgetter

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear, TruncDate
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lindungi.accounts.models import User
from lindungi.accounts.roles import Role
from lindungi.cases import case_page, classification
from lindungi.cases.access import reach_without_assignment
from lindungi.cases.caseload_deadlines import (
    DEADLINE_FACT_FIELDS,
    attach_deadlines,
    with_deadline_facts,
)
from lindungi.cases.models import (
    Assignment,
    Case,
    CaseEvent,
    Client,
    ClientRole,
    Incident,
    Perpetrator,
    Priority,
    Status,
)
from lindungi.cases.timeline_lines import describe
from lindungi.cases.vocabulary import (
    WG_DOMAINS,
    Accommodation,
    ContextFlag,
    Difficulty,
    GbvType,
    ReportingDelay,
    Sex,
    TpksForm,
    ViolenceType,
    VulnerableGroup,
)
from lindungi.core.compiled import compiled
from lindungi.core.json_rows import json_rows
from lindungi.places.models import Region, RegionLevel
from lindungi.places.names import place_labels

PAGE_SIZE = 50

ACTIVE = "active"  # every status but closed: what a caseload means by default
ALL = "all"


# --- Sorting and keyset pages ------------------------------------------------------------


def _rank(field_name, choices):
    """The position of a code in its list (workflow order, high before low) as a number."""
    whens = [models.When(**{field_name: value}, then=i) for i, value in enumerate(choices.values)]
    return models.Case(*whens, default=len(whens), output_field=models.IntegerField())


@dataclass(frozen=True)
class Sort:
    label: str
    rank: object = None  # an expression sorted ascending before the opening time
    newest_first: bool = True

    def keys(self):
        """(field, descending) pairs: the order, and the keyset that pages through it."""
        keys = [("sort_rank", False)] if self.rank is not None else []
        return [*keys, ("opened_at", self.newest_first), ("id", self.newest_first)]


SORTS = {
    "newest": Sort(_("Newest first")),
    "oldest": Sort(_("Oldest first"), newest_first=False),
    "priority": Sort(_("Priority (high first)"), rank=_rank("priority", Priority)),
    "status": Sort(_("Status (workflow order)"), rank=_rank("status", Status)),
}
DEFAULT_SORT = "newest"

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def encode_cursor(values):
    """A row's sort key as a short URL-safe token: ids and times only, nothing personal."""
    parts = []
    for value in values:
        if isinstance(value, datetime):
            parts.append(str((value - EPOCH) // timedelta(microseconds=1)))
        elif isinstance(value, uuid.UUID):
            parts.append(value.hex)
        else:
            parts.append(str(value))
    return ".".join(parts)


def decode_cursor(token, sort):
    """The values of ``encode_cursor``, or ``None`` for anything malformed (first page)."""
    parts = (token or "").split(".")
    keys = sort.keys()
    if len(parts) != len(keys):
        return None
    try:
        values = [int(p) for p in parts[:-2]]
        values.append(EPOCH + timedelta(microseconds=int(parts[-2])))
        values.append(uuid.UUID(hex=parts[-1]))
    except (ValueError, OverflowError):
        return None
    return values


def _beyond(keys, values):
    """Rows that come after ``values`` in the order of ``keys``.

    The first key also gets a plain bound (``opened_at <= t``), so that the database
    starts its index scan at the cursor instead of walking every newer row first.
    """
    after = None
    equal = Q()
    for (name, descending), value in zip(keys, values, strict=True):
        step = equal & Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
        after = step if after is None else after | step
        equal &= Q(**{name: value})
    first, descending = keys[0]
    return Q(**{f"{first}__{'lte' if descending else 'gte'}": values[0]}) & after


def _order(keys):
    return [f"-{name}" if descending else name for name, descending in keys]


@dataclass
class CasePage:
    rows: list
    next_cursor: str | None = None
    previous_cursor: str | None = None
    kota_names: dict = field(default_factory=dict)

    @property
    def is_only_page(self):
        """All the matching cases are on this page, so their number is known."""
        return self.next_cursor is None and self.previous_cursor is None


# What a row shows and its deadlines need: the other columns (times of every change, the
# restriction's reason) would only be converted for nothing, fifty times a page.
LISTED_FIELDS = ["survivor_code", "status", "priority", "restricted", "opened_at", "closed_at"]


def page_of(
    queryset, sort_key, *, after=None, before=None, size=PAGE_SIZE, kota_names=None, owner=None
):
    """One page of ``queryset`` in the order of ``SORTS[sort_key]``.

    ``after`` / ``before`` are cursors from a previous page. The rows come with what the
    list shows already loaded (a fixed number of queries whatever the page size).
    ``kota_names`` (code: name), when the caller has them, spares looking those up.
    ``owner``: the user whose own caseload this is (``queryset`` is what they may see), so
    that the list can be driven from their assignments (``own_parts``).
    """
    sort = SORTS.get(sort_key) or SORTS[DEFAULT_SORT]
    keys = sort.keys()
    # What the deadlines need (attach_deadlines) and what each row shows of its survivors,
    # workers and first incident come with the rows: the page is one query.
    queryset = with_deadline_facts(queryset.only(*LISTED_FIELDS, *DEADLINE_FACT_FIELDS))
    queryset = queryset.annotate(**ROW_DETAILS)
    if sort.rank is not None:
        queryset = queryset.annotate(sort_rank=sort.rank)
    cursor, backwards = _cursor(after, before, sort)
    order = [(name, not descending) for name, descending in keys] if backwards else keys
    parts = [(queryset, "opened_at")]
    if owner is not None:
        # Also for the priority and status sorts, which no index serves: sorting a worker's
        # own cases beats sorting all of their unit's (45 ms against 107 at 100,000 cases).
        parts = own_parts(queryset, owner)
    rows = merged_rows(parts, order, size + 1, cursor=cursor)
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    page = CasePage(rows=rows)
    if rows:
        _link_neighbours(
            page, keys, came_from_cursor=cursor is not None, more=more, backwards=backwards
        )
    _decorate(page, kota_names or {})
    return page


def _cursor(after, before, sort):
    """(the cursor a page starts from, whether it goes backwards from it): ``after`` first,
    else ``before``, else none (the first page)."""
    cursor = decode_cursor(after, sort)
    if cursor is not None:
        return cursor, False
    cursor = decode_cursor(before, sort)
    return cursor, cursor is not None


def _link_neighbours(page, keys, *, came_from_cursor, more, backwards):
    """The cursors to the pages before and after ``page`` (which has rows), where there are
    such pages."""
    first = encode_cursor([getattr(page.rows[0], name) for name, _d in keys])
    last = encode_cursor([getattr(page.rows[-1], name) for name, _d in keys])
    # Going forwards there is a page behind us whenever we came from a cursor; going
    # backwards there is one ahead. The other side is known from the extra row.
    page.previous_cursor = first if (more if backwards else came_from_cursor) else None
    page.next_cursor = last if (came_from_cursor if backwards else more) else None


def merged_rows(parts, order, limit, *, cursor=None, offset=0):
    """Rows ``offset`` to ``offset + limit`` of the union of ``parts`` (``own_parts``) in
    ``order`` ([(field, descending)], ``opened_at`` read from each part's own field), after
    ``cursor`` if given. Each part is read in the same order; their first rows, merged, are
    the first rows of the whole."""
    # One part is sliced in the database; several are read from their start and merged.
    start, stop = (offset, offset + limit) if len(parts) == 1 else (0, offset + limit)
    rows = []
    for part, opened in parts:
        named = [(opened if name == "opened_at" else name, desc) for name, desc in order]
        chunk = part.order_by(*_order(named))
        if cursor is not None:
            chunk = chunk.filter(_beyond(named, cursor))
        rows.extend(chunk[start:stop])
    if len(parts) > 1:
        for name, descending in reversed(order):
            rows.sort(key=attrgetter(name), reverse=descending)
        rows = rows[offset : offset + limit]
    return rows


# --- What each row of the list shows -----------------------------------------------------

WG_FIELDS = [f"wg_{domain}" for domain, _label in WG_DOMAINS]


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


def _day_number(day):
    """A date as the number yyyymmdd. Between two of them, ``later - earlier`` is below
    ``n * 10_000`` exactly when fewer than ``n`` whole years lie between the dates, 29
    February included: the rule of ``classification.age_on``, in SQL that SQLite and
    PostgreSQL both run (their date arithmetic differs on 29 February)."""
    return ExtractYear(day) * 10_000 + ExtractMonth(day) * 100 + ExtractDay(day)


def first_incident_day(as_number=False):
    """SQL, on a Client: the day of her first incident (each counted on its date, or the day
    it was reported), as a date or a yyyymmdd number (``_day_number``); NULL for none."""
    day = Coalesce("occurred_on", "reported_on")
    first = (
        Incident.objects.filter(survivor=OuterRef("pk"))
        .annotate(day=_day_number(day) if as_number else day)
        .order_by("day")
        .values("day")[:1]
    )
    return Subquery(first, output_field=models.IntegerField() if as_number else models.DateField())


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


def _decorate(page, kota_names):
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


# How long a province's list of kota/kabupaten is kept (seconds). Regions change only when
# an administrator loads a new release of them (``load-regions``), a rare event after which
# the filter may offer the old list for this long.
KOTA_CHOICES_SECONDS = 600


def kota_choices(province_code):
    """The kota/kabupaten of a province, for the filter."""
    if not province_code:
        return []
    key = f"cases.kota_choices.{province_code}"
    choices = cache.get(key)
    if choices is None:
        choices = list(
            Region.objects.filter(
                level=RegionLevel.REGENCY_CITY, code__startswith=f"{province_code}."
            ).values_list("code", "name")
        )
        cache.set(key, choices, KOTA_CHOICES_SECONDS)
    return choices


# --- Filters -----------------------------------------------------------------------------


def own_parts(queryset, user):
    """``queryset`` (cases ``user`` may see) as parts whose union it is, each with the
    field that gives its opening time, for ``page_of`` to page through and merge.

    A supervisor's list walks the unit's cases newest first and stops after a page, since
    nearly every case is theirs. A case worker sees only their share (about one case in
    twenty at a centre with twenty workers): walking the unit's cases to find theirs read
    a thousand cases for a page of fifty at 100,000 cases. Their assigned cases are walked
    instead, in the order of the opening time copied onto each assignment
    (``Assignment.case_opened_at``). What else they may see (named on a restricted case,
    or a break-glass grant, without an assignment) is a handful of cases, looked up by id.
    Nothing here widens ``queryset``: each part is a filter of it.
    """
    if any(m.role == Role.SUPERVISOR for m in user.memberships.all()):
        return [(queryset, "opened_at")]
    # An alias, not an annotation: it orders and bounds the walk, and is not read back.
    assigned = queryset.filter(assignments__user=user).alias(
        assigned_opened_at=F("assignments__case_opened_at")
    )
    parts = [(assigned, "assigned_opened_at")]
    ids = _unassigned_reach(user)
    if ids:
        parts.append((queryset.filter(pk__in=ids), "opened_at"))
    return parts


# How long the ids of a case worker's cases outside their assignments are kept (seconds).
# They only add rows that ``restrict`` still filters: a stale list can show a new such
# case up to this much later on the list (never one the user may not see), and spares a
# query on every page of a worker paging and filtering through their list.
UNASSIGNED_REACH_SECONDS = 60


def _unassigned_reach(user):
    """Cases ``user`` is named on or broke the glass for without being assigned to them
    (asked of the access module): for a case worker, almost always none."""
    key = f"cases.unassigned_reach.{user.pk}"
    ids = cache.get(key)
    if ids is None:
        ids = reach_without_assignment(user)
        cache.set(key, ids, UNASSIGNED_REACH_SECONDS)
    return ids


def _groups_day_number():
    """SQL, on a Client: ``classification.groups_day`` as a yyyymmdd number."""
    opened = _day_number(TruncDate("case__opened_at"))  # in the deployment's time zone
    return Coalesce(first_incident_day(as_number=True), opened)


def _aged(lookup, years):
    """A Client filter: her age on her groups day ``lookup`` (LessThan, ...) ``years``,
    from the date of birth, or else the estimate (an age, not a date: taken as it is)."""
    span = _groups_day_number() - _day_number(F("birth_date"))
    born = Q(birth_date__isnull=False) & Q(lookup(span, years * 10_000))
    estimated = Q(birth_date__isnull=True) & Q(**{f"age_estimate__{lookup.lookup_name}": years})
    return born | estimated


def group_condition(group):
    """A Client filter for one vulnerable group, the same rule as classification's, by her
    age on the day of her first incident (``classification.groups_day``)."""
    if group == VulnerableGroup.CHILD:
        return _aged(LessThan, classification.CHILD_UNDER)
    if group == VulnerableGroup.OLDER_PERSON:
        return _aged(GreaterThanOrEqual, classification.OLDER_FROM)
    if group == VulnerableGroup.WOMAN:
        return Q(sex=Sex.FEMALE) & _aged(GreaterThanOrEqual, classification.CHILD_UNDER)
    if group == VulnerableGroup.DISABILITY:
        severe = [Difficulty.A_LOT, Difficulty.CANNOT]
        condition = Q()
        for name in WG_FIELDS:
            condition |= Q(**{f"{name}__in": severe})
        return condition
    raise ValueError(group)


def filter_cases(queryset, *, status=ACTIVE, priority="", group="", kota=""):
    """Narrow a visible-cases queryset by the caseload's filters (codes already checked)."""
    if status == ACTIVE:
        queryset = queryset.exclude(status=Status.CLOSED)
    elif status in Status.values:
        queryset = queryset.filter(status=status)
    if priority in Priority.values:
        queryset = queryset.filter(priority=priority)
    if group in VulnerableGroup.values or kota:
        survivors = Client.objects.filter(case=OuterRef("pk"), role=ClientRole.SURVIVOR)
    if group in VulnerableGroup.values:
        queryset = queryset.filter(Exists(survivors.filter(group_condition(group))))
    if kota:
        inside = {"kelurahan__code__startswith": f"{kota}."}
        queryset = queryset.filter(
            Exists(survivors.filter(**inside))
            | Exists(Incident.objects.filter(case=OuterRef("pk"), **inside))
        )
    return queryset


# --- Search ------------------------------------------------------------------------------


class SearchBy(models.TextChoices):
    CODE = "code", _("Survivor code or case reference")
    NAME = "name", _("Name")
    PHONE = "phone", _("Phone number")
    NIK = "nik", _("NIK")


# Searching by these finds people, so only roles that may see names may use them.
PERSONAL = {SearchBy.NAME, SearchBy.PHONE, SearchBy.NIK}


# Up to this many matching cases, a search's list is driven from their ids (search_cases).
SEARCH_DRIVE_LIMIT = 500


def search_cases(queryset, by, term):
    """Cases of ``queryset`` matching ``term``; ValidationError for a malformed phone/NIK.

    Names, phone numbers and NIKs are found through their blind indexes, never by
    decrypting anything.
    """
    term = term.strip()
    if by == SearchBy.CODE:
        try:
            return queryset.filter(pk=uuid.UUID(term))
        except ValueError:
            code = term.upper().replace(" ", "")
            if not code.startswith("S-"):
                code = f"S-{code}"
            return queryset.filter(survivor_code=code)
    finders = {
        SearchBy.NAME: Client.objects.search_name,
        SearchBy.PHONE: Client.objects.with_phone,
        SearchBy.NIK: Client.objects.with_nik,
    }
    if by not in finders:
        raise ValidationError(_("Choose what to search by."))
    matching = finders[by](term).values("case_id")
    # A search usually matches a handful of cases: listed by their ids, the database looks
    # them up by primary key instead of walking the caseload in its order and testing each
    # case against the blind-index subquery (2 ms at 100,000 cases, growing with them).
    ids = list(
        matching.order_by().values_list("case_id", flat=True).distinct()[: SEARCH_DRIVE_LIMIT + 1]
    )
    if len(ids) > SEARCH_DRIVE_LIMIT:
        return queryset.filter(pk__in=matching)
    return queryset.filter(pk__in=ids)


# --- The case page -----------------------------------------------------------------------


def load_case_page(case):
    """Everything the case page shows, in a fixed number of queries.

    Clients are loaded whole (the page may show names to those allowed); incidents with
    their perpetrators; the timeline with the people who acted.
    """
    _load_parts(case)
    assignments = sorted(case.assignments.all(), key=attrgetter("assigned_at", "id"))
    clients = _describe_clients(case)
    _describe_incidents(case.incident_list, clients)
    events = _timeline(case, assignments)
    return {
        "events": events,
        "workers": [a.user for a in assignments],
        **case_page.extra_context(case, events),
    }


def _load_parts(case):
    """The case's clients, incidents with their perpetrators, timeline and assignments, in
    their models' orders, and where people live and incidents happened, in words."""
    # Read without ORDER BY and put in order here: for a query with an ordering Django
    # compares every selected column (with these joins, about eighty) while compiling it,
    # which cost more than running the five queries; each holds a few rows.
    prefetch_related_objects(
        [case],
        Prefetch(
            "clients",
            queryset=Client.objects.order_by(),
            to_attr="client_list",
        ),
        Prefetch(
            "incidents",
            queryset=Incident.objects.order_by().prefetch_related(
                Prefetch(
                    "perpetrators",
                    queryset=Perpetrator.objects.order_by(),
                    to_attr="perpetrator_list",
                )
            ),
            to_attr="incident_list",
        ),
        Prefetch("events", queryset=CaseEvent.objects.select_related("actor").order_by()),
        Prefetch("assignments", queryset=Assignment.objects.select_related("user").order_by()),
    )
    # The models' own orderings; an incident without a date comes after the dated ones.
    case.client_list.sort(key=attrgetter("created_at"))
    case.incident_list.sort(
        key=lambda i: (i.occurred_on is None, i.occurred_on or date.min, i.created_at)
    )
    for incident in case.incident_list:
        incident.perpetrator_list.sort(key=attrgetter("created_at"))
    # Where people live and incidents happened, in words ("Kelurahan, Kecamatan, Kota").
    places = place_labels(p.kelurahan_id for p in [*case.client_list, *case.incident_list])
    for part in [*case.client_list, *case.incident_list]:
        part.place = places.get(part.kelurahan_id)


def _describe_clients(case):
    """What the page shows of each client (groups, age, label, needs); returns them by id."""
    today = timezone.localdate()
    opened_on = timezone.localdate(case.opened_at)
    incident_days = {}
    for incident in case.incident_list:
        day = incident.occurred_on or incident.reported_on
        incident_days.setdefault(incident.survivor_id, []).append(day)
    labels = {}
    survivors = 0
    for client in case.client_list:
        day = classification.groups_day(incident_days.get(client.pk, []), opened_on)
        client.groups = [g for g in VulnerableGroup if g in client.vulnerable_groups(day)]
        client.age = client.age_on(today)
        if client.role == ClientRole.SURVIVOR:
            survivors += 1
            client.label = _("Survivor %(number)s") % {"number": survivors}
        else:
            client.label = client.get_role_display()
        client.accommodation_labels = labels_of(Accommodation, client.accommodations)
        client.wg = [
            (label, labels_of(Difficulty, [getattr(client, f"wg_{domain}")])[0])
            for domain, label in WG_DOMAINS
            if getattr(client, f"wg_{domain}")
        ]
        labels[client.pk] = client
    return labels


def _describe_incidents(incidents, clients):
    """What the page shows of each incident: its survivor (from ``clients``, by id) and its
    classifications in words."""
    for incident in incidents:
        # From the clients already loaded: no query, and no second decryption.
        incident.survivor_client = clients.get(incident.survivor_id)
        incident.gbv_label = labels_of(GbvType, [incident.gbv_type])[0] if incident.gbv_type else ""
        incident.violence_labels = labels_of(ViolenceType, incident.violence_types)
        incident.tpks_labels = labels_of(TpksForm, incident.tpks_forms)
        incident.flag_labels = labels_of(ContextFlag, incident.context_flags)
        incident.delay_label = (
            labels_of(ReportingDelay, [incident.reporting_delay])[0]
            if incident.reporting_delay
            else ""
        )


def _timeline(case, assignments):
    """The case's events in order, each described with the people it names (those already
    loaded, the others in one query)."""
    people = {a.user_id: a.user for a in assignments}
    events = sorted(case.events.all(), key=attrgetter("at", "id"))
    for event in events:
        if event.actor_id:
            people[event.actor_id] = event.actor
    wanted = {
        e.detail.get("user") for e in events if isinstance(e.detail, dict) and e.detail.get("user")
    }
    missing = {pk for pk in wanted if _as_uuid(pk) not in people}
    if missing:
        people.update(User.objects.filter(pk__in=missing).in_bulk())
    describe(events, {str(pk): user for pk, user in people.items()})
    return events


def labels_of(choices, values):
    """Display labels of stored codes; a code no longer on the list shows as itself."""
    known = dict(choices.choices)
    return [known.get(value, value) for value in values or []]


def _as_uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
