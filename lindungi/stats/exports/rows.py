"""The row-level export for the service's own use: one row per survivor of each case the
requester may export (the access module's ``row_export_needs``, asked through ``restrict``),
de-identified by default: her survivor code, age band at her first incident, sex, kota and
kecamatan, the case's dates and status, her incidents' types, the services given. Her name
only when asked for and allowed, and then the file is only ever written encrypted
(``row_exports``).

Every case the requester supervises is in it, not only those statistics count: it is the
service's record of its own work, not a statistic.

Memory stays constant whatever the number of rows: three queries read survivors,
incidents and services in the same order (by case), each in chunks (``iterator``), and
the rows are joined as they come.
"""

from collections.abc import Callable, Iterator
from itertools import groupby

from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.cases import classification
from lindungi.cases.access import row_export_needs
from lindungi.cases.models import Client, ClientRole, Incident
from lindungi.casework.models import PlannedService, ServiceStatus

CHUNK = 2000
SEPARATOR = "; "


def header(names):
    """The columns' labels, in the language in force."""
    return [
        _("Survivor code"),
        *([_("Name")] if names else []),
        _("Sex"),
        _("Age at the incident"),
        _("Kota"),
        _("Kecamatan"),
        _("Case status"),
        _("Opened"),
        _("Closed"),
        _("Date of the first incident"),
        _("Date reported"),
        _("Incidents"),
        _("GBVIMS type"),
        _("SIMFONI violence type"),
        _("Services given"),
    ]


# The column names the audit row lists (names, never values).
FIELDS = [
    "survivor_code", "sex", "age_band", "kota", "kecamatan", "status", "opened_on",
    "closed_on", "first_incident_on", "first_reported_on", "incidents", "gbv_types",
    "violence_types", "services",
]  # fmt: skip


def fields(names):
    return [*FIELDS, "name"] if names else FIELDS


def _narrowed(model, user, names):
    """``model``'s rows on the cases the export may hold, each need narrowing in turn."""
    first, *more = row_export_needs(names)
    queryset = model.objects.restrict(user, first)
    for need in more:
        queryset = queryset.restrict(user, need)
    return queryset


def survivors(user, names):
    """The survivors the export holds (for its row count and its first stream)."""
    return _narrowed(Client, user, names).filter(role=ClientRole.SURVIVOR)


def _streams(user, names):
    columns = ["case_id", "pk", "case__survivor_code", "case__status", "case__opened_at"]
    columns += ["case__closed_at", "sex", "birth_date", "age_estimate", "kelurahan_id"]
    people = survivors(user, names).order_by("case_id", "created_at", "pk")
    people = people.values_list(*columns, *(["name"] if names else []))
    incidents = _narrowed(Incident, user, names).order_by("case_id", "pk")
    incidents = incidents.values_list(
        "case_id", "survivor_id", "occurred_on", "reported_on", "gbv_type", "violence_types",
        "kelurahan_id",
    )  # fmt: skip
    services = _narrowed(PlannedService, user, names).filter(status=ServiceStatus.DONE)
    services = services.order_by("case_id", "type").values_list("case_id", "type")
    return [q.iterator(chunk_size=CHUNK) for q in (people, incidents, services)]


def _by_case(rows):
    return groupby(rows, key=lambda row: row[0])


class _Follow:
    """Rows of another stream grouped by case, taken as the survivors' stream reaches their
    case (every stream is ordered by case id, so each is read once, forwards)."""

    def __init__(self, rows):
        self.groups = _by_case(rows)
        self.head = next(self.groups, None)

    def take(self, case_id):
        while self.head is not None and self.head[0] < case_id:
            self.head = next(self.groups, None)
        if self.head is None or self.head[0] != case_id:
            return []
        rows = list(self.head[1])
        self.head = next(self.groups, None)
        return rows


def _day(moment):
    return timezone.localdate(moment).isoformat() if moment else ""


def _joined(values):
    return SEPARATOR.join(sorted({value for value in values if value}))


def _age_band(born, estimate, day):
    """Her SIMFONI age band on the day of her first incident ("" when unknown)."""
    if day is None:
        return ""
    age = classification.age_on(born, day) if born else estimate
    return str(classification.simfoni_age_band(age) or "")


def _row(person, incidents, services, names):
    _case, _pk, code, status, opened, closed, sex, born, estimate, home, *name = person
    # Incident rows: case, survivor, occurred, reported, GBVIMS type, violence, kelurahan.
    mine = sorted(incidents, key=lambda i: i[2] or i[3])
    first = mine[0] if mine else (None, None, None, None, None, None, None)
    place = first[6] or home or ""
    return [
        code,
        *name,
        sex,
        _age_band(born, estimate, first[2] or first[3]),
        place[:5],
        place[:8],
        status,
        _day(opened),
        _day(closed),
        first[2].isoformat() if first[2] else "",
        first[3].isoformat() if first[3] else "",
        len(mine),
        _joined(i[4] for i in mine),
        _joined(v for i in mine for v in (i[5] or ())),
        services,
    ]


def rows(user, names) -> Iterator[list]:
    """The export's rows, as they are read."""
    people, incidents, services = _streams(user, names)
    follow_incidents, follow_services = _Follow(incidents), _Follow(services)
    for case_id, group in _by_case(people):
        by_survivor: dict = {}
        for incident in follow_incidents.take(case_id):
            by_survivor.setdefault(incident[1], []).append(incident)
        given = _joined(service[1] for service in follow_services.take(case_id))
        for number, person in enumerate(group, 1):
            row = _row(person, by_survivor.get(person[1], ()), given, names)
            row[0] = f"{row[0]}/{number}"
            yield row


def counted(source, every, report: Callable[[int], None]):
    """``source``'s rows, calling ``report(n)`` after every ``every`` rows and at the end."""
    n = 0
    for n, row in enumerate(source, 1):
        yield row
        if n % every == 0:
            report(n)
    report(n)
