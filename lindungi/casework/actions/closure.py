"""Actions on closure and reopening."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from lindungi.accounts.models import User
from lindungi.cases.actions import (
    _log,
    _require_edit,
)
from lindungi.cases.models import Case, Status
from lindungi.cases.timeline import EventKind
from lindungi.casework.actions.approvals import request_approval
from lindungi.casework.actions.common import (
    _text,
)
from lindungi.casework.models import (
    OPEN_SERVICE_STATUSES,
    Approval,
    Closure,
    ClosureReason,
)


@transaction.atomic
def request_closure(
    actor: User,
    case: Case,
    reason: str,
    summary: str | None,
    *,
    open_services_reason: str | None = "",
    request: HttpRequest | None = None,
) -> Closure:
    """Ask to close: a reason, a closing summary, and why any services are still open."""
    _require_edit(actor, case)
    if case.status == Status.CLOSED:
        raise ValidationError(_("The case is already closed."))
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": _("Choose why the case closes.")})
    summary = _text(summary, "summary", required=True)
    open_services_reason = _text(open_services_reason, "open_services_reason")
    if case.services.filter(status__in=OPEN_SERVICE_STATUSES).exists() and not open_services_reason:
        raise ValidationError(
            {
                "open_services_reason": _(
                    "Some services are still open: say why the case closes now."
                )
            }
        )
    approval = request_approval(actor, case, Approval.Subject.CLOSURE, request=request)
    return Closure.objects.create(
        case=case,
        reason=reason,
        summary=summary,
        open_services_reason=open_services_reason,
        approval=approval,
        by=actor,
    )


@transaction.atomic
def reopen_case(
    actor: User, case: Case, reason: str | None, *, request: HttpRequest | None = None
) -> Closure:
    _require_edit(actor, case)
    # The case as it is now, locked: two reopenings at once must not both pass the check
    # on a copy read before either wrote.
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != Status.CLOSED:
        raise ValidationError(_("Only a closed case can be reopened."))
    closure = Closure.objects.create(
        case=case,
        kind=Closure.Kind.REOPEN,
        summary=_text(reason, "summary", required=True),
        by=actor,
    )
    Case.objects.filter(pk=case.pk).update(
        status=Status.REOPENED, closed_at=None, version=case.version + 1
    )
    _log(request, actor, "case.reopen", closure, case, EventKind.REOPENED, ["status"])
    return closure
