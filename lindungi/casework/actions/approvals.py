"""Actions on approvals: a worker asks, a supervisor decides (the plan or the closure)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.models import User
from lindungi.cases.access import Need, check
from lindungi.cases.actions import (
    _event,
    _log,
    _require_edit,
)
from lindungi.cases.models import Case, Status
from lindungi.cases.timeline import EventKind
from lindungi.casework.actions.common import _supervisors, _text
from lindungi.casework.models import (
    Approval,
    Closure,
    ServicePlan,
)
from lindungi.notifications.models import Kind, notify

# The timeline tells the plan's approval from the closure's.
ASKED: dict[str, EventKind] = {
    Approval.Subject.PLAN: EventKind.PLAN_APPROVAL_REQUESTED,
    Approval.Subject.CLOSURE: EventKind.CLOSURE_REQUESTED,
}
DECIDED: dict[tuple[str, str], EventKind] = {
    (Approval.Subject.PLAN, Approval.Decision.APPROVED): EventKind.PLAN_APPROVED,
    (Approval.Subject.PLAN, Approval.Decision.REJECTED): EventKind.PLAN_REJECTED,
    (Approval.Subject.CLOSURE, Approval.Decision.APPROVED): EventKind.CLOSURE_APPROVED,
    (Approval.Subject.CLOSURE, Approval.Decision.REJECTED): EventKind.CLOSURE_REJECTED,
}


@transaction.atomic
def request_approval(
    actor: User,
    case: Case,
    subject: str,
    comment: str | None = "",
    *,
    request: HttpRequest | None = None,
) -> Approval:
    _require_edit(actor, case)
    if subject == Approval.Subject.PLAN:
        plan = ServicePlan.objects.select_for_update().filter(case=case).first()
        if plan is None or not case.services.exists():
            raise ValidationError(
                _("Write the plan and add its services before asking for approval.")
            )
        ServicePlan.objects.filter(pk=plan.pk).update(status=ServicePlan.Status.PENDING)
    try:
        with transaction.atomic():
            approval = Approval.objects.create(
                case=case,
                subject=subject,
                requested_by=actor,
                request_comment=_text(comment, "comment"),
            )
    except IntegrityError:
        raise ValidationError(
            _("A request for this is already waiting for a supervisor.")
        ) from None
    notify(_supervisors(case.unit_id, exclude=actor), Kind.APPROVAL_REQUESTED, case)
    _log(request, actor, "approval.request", approval, case, ASKED[subject])
    return approval


@transaction.atomic
def decide_approval(
    actor: User,
    approval: Approval,
    decision: str,
    comment: str | None = "",
    *,
    request: HttpRequest | None = None,
) -> Approval:
    """A supervisor of the case's unit decides; never the person who asked."""
    approval = Approval.objects.select_for_update().get(pk=approval.pk)
    case = approval.case
    if approval.requested_by_id == actor.pk:
        raise PermissionDenied(_("You cannot approve your own request."))
    check(actor, case, Need.SUPERVISE)
    if approval.decided_at is not None:
        raise ValidationError(_("This request was already decided."))
    if (approval.subject, decision) not in DECIDED:
        raise ValidationError({"decision": _("Approve or reject.")})
    comment = _text(comment, "comment", required=decision == Approval.Decision.REJECTED)
    approval.decision = decision
    approval.decided_by = actor
    approval.decided_at = timezone.now()
    approval.decision_comment = comment
    approval.save()
    approved = decision == Approval.Decision.APPROVED
    if approval.subject == Approval.Subject.PLAN:
        ServicePlan.objects.filter(case=case).update(
            status=ServicePlan.Status.APPROVED if approved else ServicePlan.Status.REJECTED
        )
        if approved and case.status in (Status.OPEN, Status.ASSESSMENT, Status.PLANNING):
            Case.objects.filter(pk=case.pk).update(status=Status.SERVICES, version=case.version + 1)
    elif approved:
        Case.objects.filter(pk=case.pk).update(
            status=Status.CLOSED, closed_at=approval.decided_at, version=case.version + 1
        )
    notify([approval.requested_by], Kind.APPROVAL_DECIDED, case)
    _log(request, actor, "approval.decide", approval, case, DECIDED[approval.subject, decision])
    if approved and approval.subject == Approval.Subject.CLOSURE:
        reason = Closure.objects.filter(approval=approval).values_list("reason", flat=True)
        _event(case, actor, EventKind.CLOSED, reason=reason.first() or "")
    return approval
