"""Closing a case and reopening it.

A closure is a request: it waits for a supervisor's approval (``cases:approval``) and takes
effect only then. Closing deletes nothing. A closed case is reopened with a reason; both
stay in the case's history (``Closure`` rows, kind close or reopen).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lindungi.audit.events import record_read
from lindungi.cases.access import Need, get_case_for
from lindungi.cases.models import Status
from lindungi.cases.views.edits import _add, _posted
from lindungi.casework import actions as work
from lindungi.casework.forms.work import ClosureForm, ReopenForm
from lindungi.casework.models import OPEN_SERVICE_STATUSES, Closure


def _detail(case):
    return reverse("cases:detail", args=[case.pk])


@login_required
@require_http_methods(["GET", "POST"])
def close_case(request, case_id):
    """The closure request form, or where the case stands: waiting for approval, closed."""
    access = get_case_for(request.user, case_id, Need.EDIT, request=request)
    case = access.case
    if request.method != "POST":
        record_read(request, case)  # the page shows the closing summaries
    open_services = list(
        case.services.filter(status__in=OPEN_SERVICE_STATUSES).select_related("provider_unit")
    )
    form = ClosureForm(_posted(request), open_services=bool(open_services))

    def create():
        data = form.cleaned_data
        work.request_closure(
            request.user,
            case,
            data["reason"],
            data["summary"],
            open_services_reason=data.get("open_services_reason", ""),
            request=request,
        )
        messages.success(request, _("The closure is waiting for a supervisor's approval."))
        return _detail(case)

    pending = (
        case.closures.filter(kind=Closure.Kind.CLOSE, approval__decided_at__isnull=True)
        .select_related("approval", "by")
        .first()
    )
    context = {
        "case": case,
        "closed": case.status == Status.CLOSED,
        "pending": pending,
        "open_services": open_services,
        "history": case.closures.select_related("approval", "by"),
        "access": access,
    }
    return _add(request, form, create, "casework/closure.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def reopen_case(request, case_id):
    access = get_case_for(request.user, case_id, Need.EDIT, request=request)
    case = access.case
    form = ReopenForm(_posted(request))

    def create():
        work.reopen_case(request.user, case, form.cleaned_data["reason"], request=request)
        messages.success(request, _("The case was reopened."))
        return _detail(case)

    context = {"case": case, "access": access, "closed": case.status == Status.CLOSED}
    return _add(request, form, create, "casework/reopen.html", context)


urlpatterns = [
    path("<uuid:case_id>/penutupan/", close_case, name="close_case"),
    path("<uuid:case_id>/buka-kembali/", reopen_case, name="reopen_case"),
]
