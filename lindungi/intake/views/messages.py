"""Messages to the reporter from the report (``/laporan/triase/<id>/pesan/``): what was
sent, held or refused and why, and the form that sends one through ``send_to_reporter``,
the same form and wording as the messages to the survivor of a case.

For those who may see the report and read its contact details (``may_message``); anyone
else gets 404, audited, as for an id that does not exist.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from lindungi.audit.events import record
from lindungi.cases.views.edits import _add as add_once
from lindungi.cases.views.messages import MessageForm, told
from lindungi.core.htmx import render_page
from lindungi.intake.access import get_report_for
from lindungi.intake.reporter_messages import may_message, send_to_reporter

TEMPLATE = "intake/reporter_messages.html"


@login_required
@require_http_methods(["GET", "POST"])
def reporter_messages(request, report_id):
    report = get_report_for(request.user, report_id, request=request)
    if not may_message(request.user, report, request.membership):
        raise Http404
    form = MessageForm(request.POST if request.method == "POST" else None)
    rows = report.messages.select_related("message", "sent_by")
    context = {"report": report, "rows": rows, "form": form}
    if request.method == "POST":

        def create():
            sent = send_to_reporter(
                request.user,
                report,
                form.cleaned_data["channel"],
                form.cleaned_data["text"],
                request=request,
            )
            return told(request, sent.message, reverse("intake:messages", args=[report.pk]))

        return add_once(request, form, create, TEMPLATE, context)
    record("reportermessage.list", request=request, obj=report)
    return render_page(request, TEMPLATE, context)


urlpatterns = [path("triase/<uuid:report_id>/pesan/", reporter_messages, name="messages")]
