"""The supervisor's indicators on the statistics dashboard (issue 16): the unit's caseload,
its cases with an overdue deadline, approvals waiting, the rapid response unit's times and
the partners' answers to referrals in the period chosen.

Numbers that name nobody, each read by a count or one grouped query, each narrowed by the
access module: the caseload, overdue cases and approvals with ``Need.COUNT`` (the unit's
real load, restricted cases included, as on the supervisor's overview); dispatches and
referrals by their own rules (``add_rule``), with ``Need.VIEW``: the rapid response unit's
supervisor sees its unit's dispatches, a service unit's supervisor those sent to its cases.
"""

from datetime import datetime, time

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.cases.access import Need
from lindungi.cases.models import Case, Status
from lindungi.casework.models import Approval
from lindungi.casework.overdue import overdue_items
from lindungi.referrals.models import Referral, ReferralStatus
from lindungi.response.models import Dispatch, DispatchStatus

ANSWERED = (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.DONE)


def _period(filters):
    zone = timezone.get_current_timezone()
    start = datetime.combine(filters.start, time.min, tzinfo=zone)
    end = datetime.combine(filters.end, time.max, tzinfo=zone)
    return start, end


def _minutes(seconds):
    return None if seconds is None else round(seconds / 60, 1)


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


def _dispatches(user, units, start, end):
    dispatches = Dispatch.objects.restrict(user, Need.VIEW).filter(
        Q(unit_id__in=units) | Q(case__unit_id__in=units), requested_at__range=(start, end)
    )
    figures = dispatches.aggregate(
        n=Count("pk"),
        cancelled=Count("pk", filter=Q(status=DispatchStatus.CANCELLED)),
        acknowledge=Avg("seconds_to_acknowledge"),
        en_route=Avg("seconds_to_en_route"),
        on_scene=Avg("seconds_to_on_scene"),
    )
    return [
        (_("Dispatches"), figures["n"]),
        (_("Cancelled"), figures["cancelled"]),
        (_("Minutes to acknowledge (mean)"), _minutes(figures["acknowledge"])),
        (_("Minutes to set out (mean)"), _minutes(figures["en_route"])),
        (_("Minutes to arrive on scene (mean)"), _minutes(figures["on_scene"])),
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
    return [
        (_("Referrals sent"), figures["n"]),
        (_("Accepted"), figures["answered"]),
        (_("Declined"), figures["declined"]),
        (_("Waiting for an answer"), figures["waiting"]),
        (_("Expired without an answer"), figures["expired"]),
    ]


def indicators(user, units, filters):
    """[(caption, [(label, value)])] for the supervisor of ``units`` over ``filters``'
    period; the caseload is as it stands now."""
    start, end = _period(filters)
    return [
        (_("Caseload now"), _caseload(user, units)),
        (_("Rapid response in the period"), _dispatches(user, units, start, end)),
        (_("Referrals in the period"), _referrals(user, units, start, end)),
    ]
