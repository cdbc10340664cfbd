"""Who may see and act on an intake report: the one place that decides (docs/architecture.md,
rule 2, for reports as ``cases/access.py`` is for cases).

Every view, API route, command and action that reads or writes a report asks here:
``Report.objects.restrict(user, need)`` narrows a queryset in SQL, ``get_report_for`` fetches
one report or answers 404 exactly like an id that does not exist (the refusal audited), and
``check`` is the actions' own test, so an action is as safe called from a command or the API
as from a page.

The rules, by role and unit. An intake officer or supervisor (``INTAKE_ROLES``) of a unit:
- drafts: goes on with the drafts of that unit and sends them (``DRAFT``);
- sent reports: triages those waiting for the unit (``TRIAGE``): received there and not
  handed over, or handed over to it; a report without a unit (the public form, the API)
  waits for every 112 centre and every service centre (``UNITLESS_QUEUES``), since either
  may be the first to answer, until one hands it to a service centre, which then acts on
  it alone;
- reads (``VIEW``) its drafts, the sent reports it triages, and those it received and
  handed over.
Whoever may see a report's case (``cases/access.py``) may also read the report, without the
names unless the case shows them (``shows_identity``).

A person with several memberships acts in one per request: pages pass ``membership`` (the
request's), which narrows the intake rules to it; without one (actions, commands) every
membership of the user counts, never more than the user could reach by switching.
"""

import uuid
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from lindungi.accounts.models import Membership, Unit, User
from lindungi.accounts.roles import Role, UnitType
from lindungi.audit.events import record
from lindungi.cases.access import AnyUser
from lindungi.cases.access import Need as CaseNeed
from lindungi.cases.models import Case
from lindungi.intake.models import Report, ReportQuerySet, ReportStatus

INTAKE_ROLES = {Role.INTAKE_OFFICER, Role.SUPERVISOR}
# The units that answer reports arriving without one (online form, integrations).
UNITLESS_QUEUES = {UnitType.CALL_CENTRE_112, UnitType.UPTD_PPA}
# The roles that open cases (``cases.actions.open_case`` asks the same).
CASE_OPENING_ROLES = {Role.CASE_WORKER, Role.SUPERVISOR}


class Need(StrEnum):
    VIEW = "view"
    DRAFT = "draft"
    TRIAGE = "triage"


def intake_unit(membership: Membership | None) -> Unit | None:
    """The unit a membership takes and triages reports for, or None for other roles."""
    if membership is None or membership.role not in INTAKE_ROLES:
        return None
    return membership.unit


def intake_units(user: AnyUser, membership: Membership | None = None) -> list[Unit]:
    """The units where ``user`` takes and triages reports (narrowed to ``membership``)."""
    if not user.is_authenticated or not user.is_active:
        return []
    if membership is not None:
        unit = intake_unit(membership) if membership.user_id == user.pk else None
        return [unit] if unit is not None else []
    ids = [m.unit_id for m in user.memberships.all() if m.role in INTAKE_ROLES]
    return list(Unit.objects.filter(pk__in=ids))


def may_take_reports(user: AnyUser, unit: Unit | None) -> bool:
    """Whether ``user`` may start a report for ``unit`` (an intake role there)."""
    return unit is not None and unit.pk in {u.pk for u in intake_units(user)}


def _sent() -> Q:
    return ~Q(status=ReportStatus.DRAFT)


def _triaged_by(units: list[Unit]) -> Q:
    ids = [unit.pk for unit in units]
    scope = Q(handed_to__in=ids) | Q(handed_to__isnull=True, unit__in=ids)
    if any(unit.type in UNITLESS_QUEUES for unit in units):
        scope |= Q(handed_to__isnull=True, unit__isnull=True)
    return _sent() & scope


def _intake(units: list[Unit], need: Need) -> Q:
    """The intake rules for ``need``, for the officers of ``units``."""
    ids = [unit.pk for unit in units]
    drafts = Q(status=ReportStatus.DRAFT, unit__in=ids)
    if need == Need.DRAFT:
        return drafts
    if need == Need.TRIAGE:
        return _triaged_by(units)
    return drafts | _triaged_by(units) | (_sent() & Q(unit__in=ids))


def scope(user: AnyUser, need: Need, membership: Membership | None = None) -> Q:
    """The rule for ``need`` as a filter on reports (see the module's docstring)."""
    rule = _intake(intake_units(user, membership), need)
    if need == Need.VIEW:
        rule |= Q(case__in=Case.objects.restrict(user).values("pk"))
    return rule


def restrict(
    queryset: QuerySet[Report],
    user: AnyUser,
    need: Need = Need.VIEW,
    membership: Membership | None = None,
) -> QuerySet[Report]:
    """``queryset`` narrowed to the reports ``user`` may ``need``, in SQL."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    return queryset.filter(scope(user, need, membership))


def attach() -> None:
    """Make ``restrict`` the method of the reports' queryset (``IntakeConfig.ready``)."""
    # Attached at start-up so that the models need not import the access module.
    ReportQuerySet.restrict = restrict  # type: ignore[method-assign]


def may(user: AnyUser, report: Report, need: Need, membership: Membership | None = None) -> bool:
    """Whether ``user`` may ``need`` ``report``: the same rule, asked of one row."""
    return Report.objects.restrict(user, need, membership).filter(pk=report.pk).exists()


def check(user: AnyUser, report: Report, need: Need) -> None:
    """The actions' test: PermissionDenied unless ``user`` may ``need`` ``report``.

    Not audited: inside the action's transaction the row would roll back with it. The door
    the caller came through (``get_report_for``) has audited any refusal already.
    """
    if not may(user, report, need):
        raise PermissionDenied


def shows_identity(user: AnyUser, report: Report, membership: Membership | None = None) -> bool:
    """Names, contact details and the story: for the intake officers the report is with,
    and, read through its case, for those the case page shows them to."""
    own = _intake(intake_units(user, membership), Need.VIEW)
    if Report.objects.filter(own, pk=report.pk).exists():
        return True
    cases = Case.objects.restrict(user, CaseNeed.CONTENT)
    return report.case_id is not None and cases.filter(pk=report.case_id).exists()


def case_units(user: User) -> QuerySet[Unit]:
    """Service centres where ``user`` may open a case from a report."""
    ids = [m.unit_id for m in user.memberships.all() if m.role in CASE_OPENING_ROLES]
    return Unit.objects.filter(pk__in=ids, type=UnitType.UPTD_PPA, is_active=True)


def _parse(report_id: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(report_id))
    except ValueError:
        return None


def get_report_for(
    user: AnyUser, report_id: object, need: Need = Need.VIEW, *, request: HttpRequest | None = None
) -> Report:
    """The report, if ``user`` may ``need`` it; otherwise 404, and the attempt is audited.

    With a request, the intake rules follow the membership it acts in.
    """
    pk = _parse(report_id)
    reports = Report.objects.restrict(user, need, getattr(request, "membership", None))
    found = list(reports.filter(pk=pk).order_by()[:1]) if pk else []
    if found:
        return found[0]
    record(
        "case.denied",  # the one code for refused access to case-bound data
        request=request,
        actor=user if user.is_authenticated else None,
        object_type="intake.report",
        object_id=str(pk) if pk else "",
        fields=[str(need)],
    )
    raise Http404
