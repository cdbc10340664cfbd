"""The course of a counted case: what the head of service's quality indicators read (issue
16), as more rollup keys of the case (``counts.case_keys``), so that the city's figures are
sums of rollups like every other count, and the rollup equals a recount by construction.

On the case's opening day (the cohort of cases opened in the period), measure ``cases``:

| dimension | value | when |
|---|---|---|
| contact_h | hours from the opening to the first contact (a case note) | once contacted |
| contact_sla | met / late / waiting: the follow-up deadline of its priority | priority with one |
| police_sla | met / late / waiting: the police report within 3×24 hours (UU TPKS) | with one due |
| assess_h | hours from the opening to the first assessment | once assessed |
| plan_h | hours from the opening to the service plan | once planned |
| plan | yes / no | always |
| served | each service given (SIMFONI code), and ``any`` for at least one | once given |

Measure ``closures`` (the closing day): ``reason``, the approved closure's reason. Measure
``services`` (the day given): ``on_time``, met when given by its due date, else late.

Hours are exact below three days and whole days after (the day's first hour), up to a year:
medians and 90th percentiles read from them (``quality``) are exact to the hour where the
deadlines are (24 and 72 hours), to the day beyond. The system sets no deadline for the
assessment or the plan, so only their times are shown. A case not yet contacted counts as
``waiting`` until it is (a police report too), so a share of deadlines met for the last
few days is a floor. A police report not made, with a reason, meets its deadline, as in
``casework.deadlines``.
"""

from django.db.models import DateTimeField, F, Min, OuterRef, Subquery

from lindungi.casework.deadlines import follow_up_hours
from lindungi.casework.models import Assessment, CaseNote, Closure, ServiceStatus

EXACT_HOURS = 72
LONGEST_HOURS = 366 * 24
ANY = "any"
GOALS_MET = "needs_met"


def hours_value(start, end):
    """The bucket of the time from ``start`` to ``end``, as the rollup's value: whole hours
    below ``EXACT_HOURS``, then the start of the day, capped at a year."""
    hours = max(0, int((end - start).total_seconds() // 3600))
    if hours >= EXACT_HOURS:
        hours = min(hours // 24 * 24, LONGEST_HOURS)
    return str(hours)


def _first(model):
    first = (
        model.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(first=Min("created_at"))
        .values("first")
    )
    return Subquery(first, output_field=DateTimeField())


def with_course(queryset):
    """Cases with the times and the closure reason ``case_keys`` reads, in the same query."""
    closure = Closure.objects.filter(case=OuterRef("pk"), kind=Closure.Kind.CLOSE).order_by(
        "-created_at"
    )
    return queryset.annotate(
        first_note_at=_first(CaseNote),
        first_assessment_at=_first(Assessment),
        plan_at=F("plan__created_at"),
        police_due=F("police_report__due_at"),
        police_at=F("police_report__reported_at"),
        # Encrypted: read (and decrypted) only for the cases with a report due.
        police_reason=F("police_report__not_reported_reason"),
        closure_reason=Subquery(closure.values("reason")[:1]),
    )


def _contact(case):
    hours = follow_up_hours(case.priority)
    contacted = case.first_note_at
    if contacted is not None:
        yield "contact_h", hours_value(case.opened_at, contacted)
    if hours is not None:
        if contacted is None:
            yield "contact_sla", "waiting"
        else:
            within = (contacted - case.opened_at).total_seconds() <= hours * 3600
            yield "contact_sla", "met" if within else "late"


def _police(case):
    if case.police_due is None:
        return
    if case.police_at is not None:
        yield "police_sla", "met" if case.police_at <= case.police_due else "late"
    else:
        yield "police_sla", "met" if case.police_reason else "waiting"


def opening_pairs(case, services):
    """(dimension, value) of the case's course, counted on its opening day. ``services``:
    the SIMFONI codes of the services given."""
    yield from _contact(case)
    yield from _police(case)
    if case.first_assessment_at is not None:
        yield "assess_h", hours_value(case.opened_at, case.first_assessment_at)
    if case.plan_at is not None:
        yield "plan_h", hours_value(case.opened_at, case.plan_at)
    yield "plan", "yes" if case.plan_at is not None else "no"
    for code in sorted(set(services)):
        yield "served", code
    if services:
        yield "served", ANY


def closure_pairs(case):
    yield "total", ""
    yield "reason", case.closure_reason or "unknown"


def given(service):
    return service.status == ServiceStatus.DONE and service.done_on is not None


def on_time(service):
    return "met" if service.done_on <= service.due_on else "late"
