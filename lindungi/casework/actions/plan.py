"""Actions on the service plan and its services."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.models import User
from lindungi.cases.actions import (
    Data,
    _filled,
    _log,
    _only,
    _require_edit,
    _save_version,
)
from lindungi.cases.models import Case
from lindungi.cases.timeline import EventKind
from lindungi.casework.actions.common import _require_open, _text
from lindungi.casework.models import (
    Approval,
    PlannedService,
    ServicePlan,
    ServiceStatus,
    ServiceType,
)
from lindungi.core.dates import check_past_facts, check_plans


@transaction.atomic
def save_plan(
    actor: User,
    case: Case,
    version: int | None,
    goals: str | None,
    *,
    request: HttpRequest | None = None,
) -> ServicePlan:
    """Create or change the plan's goals. A changed approved plan goes back to draft."""
    _require_edit(actor, case)
    goals = _text(goals, "goals")
    plan, created = ServicePlan.objects.get_or_create(case=case, defaults={"goals": goals})
    if created:
        _log(request, actor, "plan.create", plan, case, EventKind.PLAN_CREATED, ["goals"])
        return plan
    _require_open(case)
    plan, changed = _save_version(ServicePlan, plan, version, {"goals": goals})
    if changed and plan.status != ServicePlan.Status.DRAFT:
        ServicePlan.objects.filter(pk=plan.pk).update(status=ServicePlan.Status.DRAFT)
        plan.status = ServicePlan.Status.DRAFT
        # A request waiting for approval described the old plan: withdraw it, so nobody
        # approves words the survivor no longer agreed to.
        Approval.objects.filter(
            case=case, subject=Approval.Subject.PLAN, decided_at__isnull=True
        ).update(decision=Approval.Decision.WITHDRAWN, decided_by=actor, decided_at=timezone.now())
    if changed:
        _log(request, actor, "plan.update", plan, case, EventKind.PLAN_UPDATED, changed)
    return plan


SERVICE_FIELDS = {
    "type",
    "provider_unit",
    "provider_name",
    "due_on",
    "status",
    "outcome",
    "done_on",
}


def _validate_service(service: PlannedService) -> None:
    if service.type not in ServiceType.values:
        raise ValidationError({"type": _("Choose a service.")})
    if not service.provider_unit_id and not (service.provider_name or "").strip():
        raise ValidationError({"provider_name": _("Name who provides the service.")})
    check_past_facts(done_on=service.done_on)
    check_plans(due_on=service.due_on)
    service.outcome = _text(service.outcome, "outcome")


@transaction.atomic
def add_service(
    actor: User, case: Case, data: Data, *, request: HttpRequest | None = None
) -> PlannedService:
    _require_edit(actor, case)
    _require_open(case)
    _only(data, SERVICE_FIELDS)
    service = PlannedService(case=case, **data)
    _validate_service(service)
    service.full_clean()
    service.save()
    _log(
        request,
        actor,
        "service.create",
        service,
        case,
        EventKind.SERVICE_ADDED,
        _filled(data),
        service=service.type,
    )
    return service


@transaction.atomic
def update_service(
    actor: User,
    service: PlannedService,
    version: int,
    changes: Data,
    *,
    request: HttpRequest | None = None,
) -> PlannedService:
    _require_edit(actor, service.case)
    _require_open(service.case)
    _only(changes, SERVICE_FIELDS)
    service, changed = _save_version(PlannedService, service, version, changes, _validate_service)
    if changed:
        # A service marked done is said so: the case file tells what the survivor received.
        done = "status" in changed and service.status == ServiceStatus.DONE
        _log(
            request,
            actor,
            "service.update",
            service,
            service.case,
            EventKind.SERVICE_DONE if done else EventKind.SERVICE_UPDATED,
            changed,
            service=service.type,
        )
    return service
