"""Deadlines for lists of cases, and the overdue ones per unit, in a bounded number of queries.

The deadlines themselves are computed by ``lindungi.casework.deadlines.case_deadlines``; this
module only loads what it needs for many cases at once. Finding the overdue ones is done in
the database first (a case qualifies when its police report, a service or its follow-up is
late), then each candidate's deadlines are computed and the late ones kept: the database
narrows, Python decides, so the rule lives in one place.

A police report "not made, with a reason" cannot be told apart in SQL (the reason is
encrypted), so such a case may be a candidate that Python then drops.
"""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from operator import attrgetter

from django.db import transaction
from django.db.models import DateTimeField, Exists, F, Max, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from lindungi.cases.access import supervisors_of
from lindungi.cases.models import Case, Priority, Status
from lindungi.casework.deadlines import case_deadlines, follow_up_hours
from lindungi.casework.models import (
    OPEN_SERVICE_STATUSES,
    CaseNote,
    PlannedService,
    PoliceReport,
)
from lindungi.core.compiled import compiled
from lindungi.core.json_rows import json_rows
from lindungi.notifications.models import Kind, Notification, OverdueAlert, notify_each

# How many cases with overdue deadlines one page lists; the oldest come first.
OVERDUE_SHOWN = 200
# How many cases the alert job handles per transaction.
ALERT_BATCH = 500


@dataclass(frozen=True)
class OverdueItem:
    case: Case
    deadline: object  # lindungi.casework.deadlines.Deadline


# --- Deadlines of a page of cases --------------------------------------------------------


def _last_notes(case_ids):
    rows = (
        CaseNote.objects.filter(case_id__in=case_ids)
        .values("case_id")
        .annotate(last=Max("created_at"))
        .values_list("case_id", "last")
    )
    return dict(rows)


# Only what case_deadlines reads of a police report: the other encrypted fields (the police
# reference) would be decrypted for nothing.
REPORT_FIELDS = ["due_at", "reported_at", "not_reported_reason"]
# The same, for ``only()`` on a case queryset that joins the report (``with_deadline_facts``).
DEADLINE_FACT_FIELDS = [f"police_report__{name}" for name in REPORT_FIELDS]


# What case_deadlines reads of a service.
SERVICE_FIELDS = ["type", "due_on", "status"]


def with_deadline_facts(queryset):
    """Cases with their last note's time, their police report and their open services read
    in the same query, so that ``attach_deadlines`` needs no query of its own (each query
    costs more in the ORM than in the database). With ``only()``, add
    ``DEADLINE_FACT_FIELDS``."""
    return queryset.annotate(**DEADLINE_FACTS).select_related("police_report")


def _has_facts(case):
    return hasattr(case, "open_service_rows") and Case.police_report.is_cached(case)


def _services_from_rows(case):
    """The open services of a case from ``with_deadline_facts``, due first."""
    services = [
        PlannedService(
            id=uuid.UUID(pk), case_id=case.pk, type=kind, due_on=date.fromisoformat(due), status=st
        )
        for pk, kind, due, st in case.open_service_rows or ()
    ]
    return sorted(services, key=attrgetter("due_on"))


def attach_deadlines(cases, now=None):
    """Set ``deadlines``, ``next_deadline`` (the earliest not done) and ``overdue`` (the late
    ones) on each case, in three queries whatever the number of cases, or none when they
    come from ``with_deadline_facts``."""
    now = now or timezone.now()
    cases = list(cases)
    ids = [case.pk for case in cases]
    if not ids:
        return cases
    if all(_has_facts(case) for case in cases):
        for case in cases:
            # (A missing report raises RelatedObjectDoesNotExist, an AttributeError.)
            report = getattr(case, "police_report", None)
            services = _services_from_rows(case)
            _set_deadlines(
                case, now, last_note_at=case.last_note_at, services=services, police_report=report
            )
        return cases
    last_notes = _last_notes(ids)
    reports = PoliceReport.objects.filter(case_id__in=ids).only("case_id", *REPORT_FIELDS)
    reports = {r.case_id: r for r in reports}
    services = {}
    for service in (
        PlannedService.objects.filter(case_id__in=ids, status__in=OPEN_SERVICE_STATUSES)
        .only("case_id", *SERVICE_FIELDS)
        .order_by("due_on")
    ):
        services.setdefault(service.case_id, []).append(service)
    for case in cases:
        _set_deadlines(
            case,
            now,
            last_note_at=last_notes.get(case.pk),
            services=services.get(case.pk, ()),
            police_report=reports.get(case.pk),
        )
    return cases


def _set_deadlines(case, now, **loaded):
    case.deadlines = case_deadlines(case, **loaded)
    pending = [d for d in case.deadlines if not d.done]
    case.next_deadline = pending[0] if pending else None
    case.overdue = [d for d in pending if d.overdue(now)]


# --- Overdue cases -----------------------------------------------------------------------


def _last_note_at():
    last_note = (
        CaseNote.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(last=Max("created_at"))
        .values("last")
    )
    return Subquery(last_note, output_field=DateTimeField())


# Compiled once (lindungi.core.compiled): they go with every list of cases.
DEADLINE_FACTS = compiled(
    Case,
    {
        "last_note_at": _last_note_at(),
        "open_service_rows": json_rows(
            PlannedService.objects.filter(case=OuterRef("pk"), status__in=OPEN_SERVICE_STATUSES),
            "case",
            "id",
            *SERVICE_FIELDS,
        ),
    },
)


def overdue_cases(queryset, now=None):
    """The open cases of ``queryset`` that have (or may have) an overdue deadline, with
    ``last_note_at`` annotated and their police report joined. Narrow ``queryset`` (a unit,
    ``restrict``) before calling."""
    now = now or timezone.now()
    late = Exists(
        PoliceReport.objects.filter(case=OuterRef("pk"), reported_at__isnull=True, due_at__lt=now)
    ) | Exists(
        PlannedService.objects.filter(
            case=OuterRef("pk"),
            status__in=OPEN_SERVICE_STATUSES,
            due_on__lt=timezone.localdate(now),
        )
    )
    for priority in Priority.values:
        hours = follow_up_hours(priority)
        if hours is not None:
            late |= Q(priority=priority, last_contact__lt=now - timedelta(hours=hours))
    return (
        queryset.exclude(status=Status.CLOSED)
        .filter(closed_at__isnull=True)
        .annotate(last_note_at=_last_note_at())
        .annotate(last_contact=Coalesce(F("last_note_at"), F("opened_at")))
        .filter(late)
    )


def overdue_items(queryset, now=None, limit=None):
    """(items, more): every overdue deadline of the cases of ``queryset``, most overdue
    first, in two queries. With ``limit``, at most that many cases are read (the oldest
    first) and ``more`` says whether there were others."""
    now = now or timezone.now()
    cases = (
        overdue_cases(queryset, now)
        .select_related("police_report")
        .prefetch_related(
            Prefetch(
                "services",
                queryset=PlannedService.objects.filter(status__in=OPEN_SERVICE_STATUSES),
                to_attr="open_services",
            )
        )
        .order_by("opened_at", "id")
    )
    if limit is not None:
        cases = list(cases[: limit + 1])
        more = len(cases) > limit
        cases = cases[:limit]
    else:
        cases, more = list(cases), False
    items = []
    for case in cases:
        _set_deadlines(
            case,
            now,
            last_note_at=case.last_note_at,
            services=case.open_services,
            police_report=getattr(case, "police_report", None),
        )
        items.extend(OverdueItem(case, deadline) for deadline in case.overdue)
    items.sort(key=lambda item: item.deadline.due_at)
    return items, more


def unit_overdue(user, unit, now=None, limit=OVERDUE_SHOWN):
    """The overdue deadlines of ``unit``'s open cases that ``user`` may see: restricted cases
    only for their named users, like every list."""
    return overdue_items(Case.objects.restrict(user).filter(unit=unit), now, limit)


# --- The alert job -----------------------------------------------------------------------


@transaction.atomic
def _alert_batch(items):
    """Claim the batch's items with unique inserts, then notify for those this run won.

    ``ignore_conflicts`` skips items another worker (or an earlier run) already claimed;
    the rows this run inserted carry its ``run`` token, so one more query finds them.
    """
    run = uuid.uuid4()
    by_key = {(i.deadline.kind, i.deadline.object_id, i.deadline.due_at): i for i in items}
    OverdueAlert.objects.bulk_create(
        [
            OverdueAlert(kind=kind, object_id=object_id, due_at=due_at, case=item.case, run=run)
            for (kind, object_id, due_at), item in by_key.items()
        ],
        ignore_conflicts=True,
    )
    won = OverdueAlert.objects.filter(run=run).values_list("kind", "object_id", "due_at")
    claimed = [by_key[key] for key in won if key in by_key]
    if not claimed:
        return 0
    # The supervisors of the case's unit; of a restricted case, only those named on it.
    supervisors = supervisors_of([item.case for item in claimed])
    alerts = [
        Notification(user_id=user_id, kind=Kind.DEADLINE_OVERDUE, case=item.case)
        for item in claimed
        for user_id in supervisors[item.case.pk]
    ]
    notify_each(alerts)
    return len(claimed)


def alert_overdue(now=None):
    """Alert the supervisors once for every deadline that has passed and was not alerted
    before. Safe to run from several workers at once. Returns how many items were new."""
    now = now or timezone.now()
    candidates = overdue_cases(Case.objects.all(), now).order_by("pk").values_list("pk", flat=True)
    new = 0
    last = None
    while True:
        batch = candidates.filter(pk__gt=last) if last is not None else candidates
        ids = list(batch[:ALERT_BATCH])
        if not ids:
            return new
        last = ids[-1]
        items, _more = overdue_items(Case.objects.filter(pk__in=ids), now)
        if items:
            new += _alert_batch(items)
