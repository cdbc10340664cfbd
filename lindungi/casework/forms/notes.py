"""Forms of case notes, tasks, the UU TPKS police report and the sanction track.

Like ``cases.forms``, they only check and translate what the browser sends; the writes are
``lindungi.casework.actions``. Times are typed and shown in the deployment's zone
(Asia/Jakarta): Django reads a naive date and time in the current zone.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.models import User
from lindungi.cases.access import CASE_ROLES
from lindungi.cases.forms import RELOAD, CaseForm, model_field, past_date, radios
from lindungi.casework.models import CaseNote, SanctionTrack
from lindungi.core.dates import validate_past_fact, validate_plan
from lindungi.core.widgets import DATETIME_LOCAL_FORMAT, DateTimeLocalInput, HtmlInputsForm

NOTE_MAX = 20_000


def local_datetime(label, *, up_to_today=False, **kwargs):
    """A date and time typed in the deployment's zone, with the browser's own picker."""
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_LOCAL_FORMAT, "%Y-%m-%d %H:%M"],
        widget=DateTimeLocalInput(up_to_today=up_to_today),
        **kwargs,
    )


class NoteForm(CaseForm):
    """A new note; with ``corrects`` set it is the correction of an older one."""

    body = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Stored encrypted. A note cannot be changed later, only corrected."),
    )
    corrects = forms.ModelChoiceField(
        queryset=CaseNote.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        label=_("Corrects"),
        error_messages={"invalid_choice": RELOAD},
    )
    sections = ((None, ["body"]),)

    def __init__(self, data=None, *, case, **kwargs):
        self.case = case
        super().__init__(data, **kwargs)

    def add_fields(self):
        self.fields["corrects"].queryset = CaseNote.objects.filter(case=self.case)


class TaskForm(CaseForm):
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Assigned to"))
    title = forms.CharField(
        label=_("Task"),
        max_length=300,
        help_text=_("What is to be done. Stored encrypted."),
    )
    due_at = local_datetime(
        _("Due"), help_text=_("Date and time, Jakarta time."), validators=[validate_plan]
    )
    sections = ((None, ["title", "assignee", "due_at"]),)

    def __init__(self, data=None, *, case, **kwargs):
        self.case = case
        super().__init__(data, **kwargs)

    def add_fields(self):
        # The case's unit: its case workers and supervisors.
        self.fields["assignee"].queryset = (
            User.objects.filter(
                is_active=True,
                memberships__unit_id=self.case.unit_id,
                memberships__role__in=CASE_ROLES,
            )
            .distinct()
            .order_by("display_name")
        )
        self.fields["assignee"].label_from_instance = lambda user: user.display_name


class TaskDoneForm(forms.Form):
    """Mark one task of the case done; the version refuses a mark on a changed task."""

    task = forms.UUIDField(widget=forms.HiddenInput, error_messages={"required": RELOAD})
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, error_messages={"required": RELOAD}
    )


class PoliceReportForm(HtmlInputsForm):
    reported_at = local_datetime(
        _("Reported to the police on"),
        up_to_today=True,
        required=False,
        help_text=_("Date and time, Jakarta time."),
        validators=[validate_past_fact],
    )
    police_reference = forms.CharField(
        label=_("Police reference"),
        required=False,
        max_length=100,
        help_text=_("The number of the police report (laporan polisi), e.g. LP/B/123/XI/2026."),
    )
    not_reported_reason = forms.CharField(
        label=_("Why it was not reported"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when it was not reported. Stored encrypted."),
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        reason = (data.get("not_reported_reason") or "").strip()
        if data.get("reported_at") is None and not reason:
            self.add_error(
                "not_reported_reason",
                _("Give the date of the report to the police, or why it was not made."),
            )
        elif data.get("reported_at") is not None and reason:
            self.add_error(
                "not_reported_reason",
                _("It was reported: leave the reason for not reporting empty."),
            )
        return data


class SanctionForm(CaseForm):
    agency = model_field(SanctionTrack, "agency")
    notified_on = past_date(_("Agency notified on"))
    notified_how = model_field(
        SanctionTrack,
        "notified_how",
        help_text=_("For example: a letter, a meeting, an e-mail to the personnel office."),
    )
    decision = radios(SanctionTrack, "decision")
    decided_on = past_date(_("Decided on"))
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Stored encrypted."),
    )
    concluded = model_field(
        SanctionTrack,
        "concluded",
        help_text=_("The track is over: it stays on the case as history."),
    )

    sections = (
        (_("Notification"), ["agency", "notified_on", "notified_how"]),
        (_("The agency's decision"), ["decision", "decided_on", "notes", "concluded"]),
    )
