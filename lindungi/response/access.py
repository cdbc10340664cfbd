"""Who sees and acts on a dispatch: the dispatch's rule, which joins the access module
(``cases/access.py``) at start-up, so that ``Dispatch.objects.restrict(user, need)`` is the
one way a dispatch is read (docs/architecture.md, "Layers" and rule 2).

A dispatch is seen by:
- those who may ``need`` its case (the case's own rule, unchanged);
- before a case exists, those who may see its report (``intake/access.py``): the intake
  officers and supervisors who asked for it; to act on it, those who triage the report;
- its crew (the people on call when it was asked for), while it is open and for
  ``RESPONSE_VISIBLE_AFTER_HOURS`` after it ended, then never again. This is a limited
  grant: the dispatch only, never its case or its report;
- the supervisors of its rapid response unit.

A dispatch out of reach answers 404 like an id that does not exist, and the attempt is
audited, as for a case.
"""

import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.accounts.roles import Role, UnitType
from lindungi.cases import access as case_access
from lindungi.cases.access import AnyUser, Condition, Need
from lindungi.intake.access import Need as ReportNeed
from lindungi.intake.models import Report
from lindungi.response.models import OPEN, Dispatch, DispatchMember

# What the crew may do with their dispatch: read its view and record its steps.
CREW_NEEDS = {Need.VIEW, Need.CONTENT, Need.EDIT}
# What seeing a dispatch's report gives, before a case exists.
REPORT_NEEDS = {
    Need.VIEW: ReportNeed.VIEW,
    Need.CONTENT: ReportNeed.VIEW,
    Need.EDIT: ReportNeed.TRIAGE,
    Need.SUPERVISE: ReportNeed.TRIAGE,
}
NEVER = Q(pk__in=[])


def supervised_units(user: AnyUser) -> list[uuid.UUID]:
    """The rapid response units ``user`` supervises."""
    if not user.is_authenticated or not user.is_active:
        return []
    return [
        m.unit_id
        for m in user.memberships.select_related("unit")
        if m.role == Role.SUPERVISOR and m.unit.type == UnitType.RAPID_RESPONSE
    ]


def crew_window() -> timedelta:
    return timedelta(hours=settings.RESPONSE_VISIBLE_AFTER_HOURS)


def _crew(user: User) -> Q:
    mine = DispatchMember.objects.filter(user=user).values("dispatch")
    recent = Q(status__in=OPEN) | Q(ended_at__gt=timezone.now() - crew_window())
    return Q(pk__in=mine) & recent


def dispatch_rule(user: AnyUser, need: Need, through_case: Callable[[Need], Condition]) -> Q:
    """The condition on dispatch rows for ``user`` and ``need`` (see the module's docstring)."""
    if not isinstance(user, User) or not user.is_active:
        return NEVER
    rule = Q(through_case(need))
    if need in REPORT_NEEDS:
        reports = Report.objects.restrict(user, REPORT_NEEDS[need]).values("pk")
        rule |= Q(case__isnull=True, report__in=reports)
    if need in CREW_NEEDS:
        rule |= _crew(user)
    supervised = supervised_units(user)
    if supervised and need in REPORT_NEEDS:
        rule |= Q(unit_id__in=supervised)
    return rule


def attach() -> None:
    """Hand the rule down to the access module (``ResponseConfig.ready``)."""
    case_access.add_rule(Dispatch, dispatch_rule)


def may(user: AnyUser, dispatch: Dispatch, need: Need) -> bool:
    return Dispatch.objects.restrict(user, need).filter(pk=dispatch.pk).exists()


def get_dispatch_for(
    user: AnyUser,
    dispatch_id: object,
    need: Need = Need.VIEW,
    *,
    request: HttpRequest | None = None,
) -> Dispatch:
    """The dispatch, if ``user`` may ``need`` it; otherwise 404, and the attempt audited."""
    return case_access.get_part_for(user, Dispatch, dispatch_id, need, request=request)
