"""The supervisor's indicators on the statistics dashboard (issue 16): the unit's caseload,
its cases with an overdue deadline, approvals waiting, the share of the deadlines due in
the period that were met, the rapid response unit's times (medians: a few long waits would
pull a mean far from the usual answer) and the partners' answers to referrals.

Numbers that name nobody, each read by a count, one grouped query or, for the medians and
deadlines, the times of the unit's rows of the period (a few hundred: live, unlike the
city's figures, which come from the rollups), each narrowed by the access module: the
caseload, overdue cases, approvals and deadlines with ``Need.COUNT`` (the unit's real load,
restricted cases included, as on the supervisor's overview); dispatches and
referrals by their own rules (``add_rule``), with ``Need.VIEW``: the rapid response unit's
supervisor sees its unit's dispatches, a service unit's supervisor those sent to its cases.
"""

from datetime import datetime, time
from statistics import median

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.cases.access import Need
from lindungi.cases.models import Case, Status
from lindungi.casework.deadlines import end_of_day, follow_up_due
from lindungi.casework.models import Approval, PlannedService, PoliceReport, ServiceStatus
from lindungi.casework.overdue import overdue_items
from lindungi.referrals.models import Referral, ReferralStatus
from lindungi.response.models import Dispatch, DispatchStatus
from lindungi.stats.course import with_course
from lindungi.stats.head import share

ANSWERED = (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.DONE)


def _period(filters):
    zone = timezone.get_current_timezone()
    start = datetime.combine(filters.start, time.min, tzinfo=zone)
    end = datetime.combine(filters.end, time.max, tzinfo=zone)
    return start, end


def _minutes(seconds):
    """The median of ``seconds`` (None left out) in minutes, or None of none."""
    known = [s for s in seconds if s is not None]
    return round(median(known) / 60, 1) if known else None


def _met(deadlines, now):
    """(met, due): of (due at, done at or None), those whose time came (done, or due before
    ``now``) and those of them done by their due time. One not yet due and not done is
    neither."""
    due = [(d, done) for d, done in deadlines if done is not None or d < now]
    return sum(1 for d, done in due if done is not None and done <= d), len(due)


def _caseload(user, units):
    cases = Case.objects.restrict(user, Need.COUNT).filter(unit_id__in=units)
    active = cases.exclude(status=Status.CLOSED)
    items, _more = overdue_items(active)
    waiting = Approval.objects.restrict(user, Need.COUNT).filter(
        decided_at__isnull=True, case__unit_id__in=units
    )
    return [
        (_("Active cases"), active.count()),
        (_("Cases with an overdue deadline"), len({item.case.pk for item in items})),
        (_("Approvals waiting"), waiting.count()),
    ]


def _police_reports(user, units, start, end):
    reports = PoliceReport.objects.restrict(user, Need.COUNT).filter(
        case__unit_id__in=units, due_at__range=(start, end)
    )
    # Not reported, with a reason, is the deadline done (casework.deadlines): the reason is
    # encrypted, so it is read here, on the unit's few reports of the period.
    for report in reports.only("due_at", "reported_at", "not_reported_reason"):
        done = report.reported_at or (report.due_at if report.not_reported_reason else None)
        yield report.due_at, done


def _services(user, units, start, end):
    services = PlannedService.objects.restrict(user, Need.COUNT).filter(
        case__unit_id__in=units, due_on__range=(start.date(), end.date())
    )
    for due_on, status, done_on in services.values_list("due_on", "status", "done_on"):
        given = status == ServiceStatus.DONE and done_on is not None
        yield end_of_day(due_on), end_of_day(done_on) if given else None


def _first_contacts(user, units, start, end):
    cases = Case.objects.restrict(user, Need.COUNT).filter(
        unit_id__in=units, opened_at__range=(start, end)
    )
    for case in with_course(cases).only("opened_at", "priority"):
        due = follow_up_due(case.priority, case.opened_at)
        if due is not None:
            yield due, case.first_note_at


def _deadlines(user, units, start, end):
    now = timezone.now()
    kinds = [
        (_("First contact within the follow-up deadline (%)"), _first_contacts),
        (_("Police reports within 3×24 hours (%)"), _police_reports),
        (_("Services given by their due date (%)"), _services),
    ]
    rows, met_all, due_all = [], 0, 0
    for label, deadlines in kinds:
        met, due = _met(deadlines(user, units, start, end), now)
        rows.append((label, share(met, due)))
        met_all, due_all = met_all + met, due_all + due
    return [
        (_("Deadlines due in the period"), due_all),
        (_("Met"), met_all),
        (_("Deadlines met (%)"), share(met_all, due_all)),
        *rows,
    ]


def _dispatches(user, units, start, end):
    dispatches = Dispatch.objects.restrict(user, Need.VIEW).filter(
        Q(unit_id__in=units) | Q(case__unit_id__in=units), requested_at__range=(start, end)
    )
    rows = list(
        dispatches.values_list(
            "status", "seconds_to_acknowledge", "seconds_to_en_route", "seconds_to_on_scene"
        )
    )
    times = list(zip(*[row[1:] for row in rows], strict=True)) or [(), (), ()]
    return [
        (_("Dispatches"), len(rows)),
        (_("Cancelled"), sum(1 for row in rows if row[0] == DispatchStatus.CANCELLED)),
        (_("Minutes to acknowledge (median)"), _minutes(times[0])),
        (_("Minutes to set out (median)"), _minutes(times[1])),
        (_("Minutes to arrive on scene (median)"), _minutes(times[2])),
    ]


def _referrals(user, units, start, end):
    referrals = Referral.objects.restrict(user, Need.VIEW).filter(
        case__unit_id__in=units, sent_at__range=(start, end)
    )
    figures = referrals.aggregate(
        n=Count("pk"),
        answered=Count("pk", filter=Q(status__in=ANSWERED)),
        declined=Count("pk", filter=Q(status=ReferralStatus.DECLINED)),
        waiting=Count("pk", filter=Q(status=ReferralStatus.SENT)),
        expired=Count("pk", filter=Q(status=ReferralStatus.EXPIRED)),
    )
    times = list(referrals.values_list("sent_at", "answered_at", "accept_by"))
    in_time, due = _met(((by, answered) for _sent, answered, by in times), timezone.now())
    hours = [(answered - sent).total_seconds() / 3600 for sent, answered, _by in times if answered]
    return [
        (_("Referrals sent"), figures["n"]),
        (_("Accepted"), figures["answered"]),
        (_("Declined"), figures["declined"]),
        (_("Waiting for an answer"), figures["waiting"]),
        (_("Expired without an answer"), figures["expired"]),
        (_("Hours to an answer (median)"), round(median(hours), 1) if hours else None),
        (_("Answered in the time asked (%)"), share(in_time, due)),
    ]


def indicators(user, units, filters):
    """[(caption, [(label, value)])] for the supervisor of ``units`` over ``filters``'
    period; the caseload is as it stands now."""
    start, end = _period(filters)
    return [
        (_("Caseload now"), _caseload(user, units)),
        (_("Deadlines in the period"), _deadlines(user, units, start, end)),
        (_("Rapid response in the period"), _dispatches(user, units, start, end)),
        (_("Referrals in the period"), _referrals(user, units, start, end)),
    ]
