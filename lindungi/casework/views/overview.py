"""The supervisor's overview of the active unit, in a fixed number of queries.

Numbers and lists follow the access module: a number (cases by status and priority,
caseload per worker, sanction tracks open, break-glass uses to review) is narrowed with
``Need.COUNT`` and counts every case of the unit, restricted ones included — a count names
nobody and a supervisor must see the unit's real load. A list shows a case (its survivor
code, a link) only to those who may see it (``Need.VIEW``): restricted cases only to their
named users.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from lindungi.accounts.models import User
from lindungi.accounts.roles import Role
from lindungi.cases.access import Need
from lindungi.cases.models import BreakGlass, Case, Priority, Status
from lindungi.casework import overview_parts
from lindungi.casework.models import Approval, SanctionTrack
from lindungi.casework.overdue import OVERDUE_SHOWN, unit_overdue
from lindungi.core.htmx import render_page


def supervised_unit(request):
    """The active unit, when the user acts in it as a supervisor; otherwise 403."""
    membership = getattr(request, "membership", None)
    if membership is None or membership.role != Role.SUPERVISOR:
        raise PermissionDenied
    return membership.unit


def _open_counts(user, unit):
    """Open cases by status and by priority, from one grouped query."""
    rows = (
        Case.objects.restrict(user, Need.COUNT)
        .filter(unit=unit)
        .exclude(status=Status.CLOSED)
        .order_by()
        .values_list("status", "priority")
        .annotate(n=Count("id"))
    )
    by_status = dict.fromkeys(Status.values, 0)
    by_priority = dict.fromkeys(Priority.values, 0)
    for status, priority, n in rows:
        by_status[status] = by_status.get(status, 0) + n
        by_priority[priority] = by_priority.get(priority, 0) + n
    labels_s, labels_p = dict(Status.choices), dict(Priority.choices)
    return (
        [(labels_s.get(k, k), n) for k, n in by_status.items() if k != Status.CLOSED],
        [(labels_p.get(k, k), n) for k, n in by_priority.items()],
        sum(by_status.values()),
    )


def _caseload_per_worker(unit):
    """Open cases assigned to each case worker of the unit (restricted ones counted)."""
    open_statuses = [s for s in Status.values if s != Status.CLOSED]
    open_here = Q(
        case_assignments__case__unit=unit, case_assignments__case__status__in=open_statuses
    )
    return list(
        User.objects.filter(
            memberships__unit=unit, memberships__role=Role.CASE_WORKER, is_active=True
        )
        .annotate(open_cases=Count("case_assignments", filter=open_here, distinct=True))
        .order_by("-open_cases", "display_name")
        .only("id", "display_name")
    )


@login_required
@require_GET
def overview(request):
    unit = supervised_unit(request)
    user = request.user
    by_status, by_priority, open_total = _open_counts(user, unit)
    overdue, more_overdue = unit_overdue(user, unit, timezone.now())
    approvals = list(
        Approval.objects.restrict(user)
        .filter(decided_at__isnull=True, case__unit=unit)
        .select_related("case", "requested_by")
        .only("id", "subject", "created_at", "case__survivor_code", "requested_by__display_name")
        .order_by("created_at")
    )
    tracks = Q(case__unit=unit, concluded=False)
    open_tracks = list(
        SanctionTrack.objects.restrict(user)
        .filter(tracks)
        .select_related("case")
        .only("id", "agency", "decision", "notified_on", "case__survivor_code")
        .order_by("created_at")
    )
    return render_page(
        request,
        "casework/overview.html",
        {
            "unit": unit,
            "open_total": open_total,
            "by_status": by_status,
            "by_priority": by_priority,
            "overdue": overdue,
            "more_overdue": more_overdue,
            "overdue_shown": OVERDUE_SHOWN,
            "approvals": approvals,
            "break_glass_pending": BreakGlass.objects.restrict(user, Need.REVIEW)
            .filter(unit=unit, reviewed_at__isnull=True)
            .count(),
            "open_tracks": open_tracks,
            "hidden_tracks": SanctionTrack.objects.restrict(user, Need.COUNT).filter(tracks).count()
            - len(open_tracks),
            "workers": _caseload_per_worker(unit),
            **overview_parts.extra_context(user, unit, timezone.now()),
        },
    )


urlpatterns = [path("ikhtisar/", overview, name="overview")]
