"""Staff intake pages: the intake form (``staff``) and the triage queue (``triage``).

Who sees which report:
- drafts: the officers of the unit that started them (resumable from "my drafts");
- received reports: the intake officers and supervisors of the receiving unit, and of
  the service centre a report was handed over to (which then acts on it alone: the
  receiving unit keeps reading it);
- reports without a unit (the public form and the API): every 112 centre and every
  service centre (UPTD PPA), since either may be the first to answer; the first action
  taken wins, the other officers are told. Handing such a report over moves it to that
  service centre's queue alone.
Anything else answers 404, like an id that does not exist.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from lindungi.accounts.roles import UnitType
from lindungi.intake.actions import INTAKE_ROLES
from lindungi.intake.models import Report, ReportStatus

# The units that answer reports arriving without one (online form, integrations).
UNITLESS_QUEUES = {UnitType.CALL_CENTRE_112, UnitType.UPTD_PPA}


def intake_view(view):
    """Log-in and role check: the active membership is an intake officer's or a
    supervisor's. Sets ``request.unit`` to the unit the officer acts for."""

    @login_required
    @wraps(view)
    def checked(request, *args, **kwargs):
        membership = getattr(request, "membership", None)
        if membership is None or membership.role not in INTAKE_ROLES:
            raise PermissionDenied
        request.unit = membership.unit
        return view(request, *args, **kwargs)

    return checked


def _acting(unit):
    scope = Q(handed_to=unit) | Q(handed_to__isnull=True, unit=unit)
    if unit.type in UNITLESS_QUEUES:
        scope |= Q(handed_to__isnull=True, unit__isnull=True)
    return scope


def received_reports(unit):
    """Sent reports the officers of ``unit`` may read (see the module's docstring)."""
    return Report.objects.exclude(status=ReportStatus.DRAFT).filter(_acting(unit) | Q(unit=unit))


def acts_on(unit, report):
    """Whether ``unit``'s officers triage ``report`` (rather than only read it)."""
    return received_reports(unit).filter(_acting(unit), pk=report.pk).exists()


def queue(unit):
    """The triage queue: reports waiting for ``unit``, the most pressing first."""
    return (
        received_reports(unit)
        .filter(_acting(unit), status=ReportStatus.RECEIVED)
        .order_by("due_at", "received_at")
    )


def drafts(unit):
    return Report.objects.filter(status=ReportStatus.DRAFT, unit=unit)


def get_or_404(queryset, report_id):
    report = queryset.filter(pk=report_id).first()
    if report is None:
        raise Http404
    return report
