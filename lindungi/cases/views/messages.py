"""Messages to the survivor from her case (``/kasus/<id>/pesan/``): what was sent, held
or refused and why, and the form that sends one through ``send_to_survivor``.

The texts are case content: the page needs the right to read it, and showing it is
audited. Sending needs the right to edit the case.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lindungi.audit.events import record
from lindungi.cases.access import Need, get_case_for
from lindungi.cases.forms import CaseForm
from lindungi.cases.models import SurvivorMessage
from lindungi.cases.safe_messages import MAX_LENGTH, NEUTRAL_TEXT
from lindungi.cases.survivor_messages import send_to_survivor
from lindungi.cases.views.edits import _add as add_once
from lindungi.core.htmx import render_page
from lindungi.notifications.outbound import Channel, Refusal, State


class MessageForm(CaseForm):
    sections = ((None, ("channel", "text")),)

    channel = forms.ChoiceField(
        label=gettext_lazy("Send by"), choices=Channel.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Keep it neutral: whoever holds her phone may read it. It is sent only on a way "
            "and at a time she marked safe."
        ),
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["text"].initial = str(NEUTRAL_TEXT)


def outcome(message):
    """What became of a message, in words for the sender."""
    if message.state == State.REFUSED:
        return _("Refused: %(reason)s") % {"reason": Refusal(message.refusal).label}
    if message.state == State.HELD:
        when = formats.date_format(timezone.localtime(message.hold_until), "DATETIME_FORMAT")
        return _("Held until %(when)s, when she said it is safe.") % {"when": when}
    return _("Queued: it will be sent now.")


def told(request, message, url):
    """Tell the sender what became of ``message`` (a refusal as a warning); then ``url``."""
    show = messages.warning if message.state == State.REFUSED else messages.success
    show(request, outcome(message))
    return url


@login_required
@require_http_methods(["GET", "POST"])
def survivor_messages(request, case_id):
    need = Need.EDIT if request.method == "POST" else Need.CONTENT
    access = get_case_for(request.user, case_id, need, request=request)
    case = access.case
    form = MessageForm(request.POST if request.method == "POST" else None)
    rows = (
        SurvivorMessage.objects.restrict(request.user, Need.CONTENT)
        .filter(case=case)
        .select_related("message", "sent_by")
    )
    context = {"case": case, "access": access, "rows": rows, "form": form}
    if request.method == "POST":

        def create():
            sent = send_to_survivor(
                request.user,
                case,
                form.cleaned_data["channel"],
                form.cleaned_data["text"],
                request=request,
            )
            return told(request, sent.message, reverse("cases:messages", args=[case.pk]))

        return add_once(request, form, create, "cases/messages.html", context)
    record("survivormessage.list", request=request, obj=case)
    return render_page(request, "cases/messages.html", context)


urlpatterns = [path("<uuid:case_id>/pesan/", survivor_messages, name="messages")]
