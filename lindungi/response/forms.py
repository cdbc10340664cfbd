"""The rapid response forms: they check and translate what the browser sends; the writes
are ``lindungi.response.actions`` and ``roster``. Times are typed in the deployment's zone."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.models import Unit, User
from lindungi.accounts.roles import UnitType
from lindungi.cases.forms import RELOAD, CaseForm, kelurahan_field, radios
from lindungi.casework.forms.notes import local_datetime
from lindungi.core.widgets import HtmlInputsForm
from lindungi.intake.access import case_units
from lindungi.response.models import STEPS, CrewRole, Dispatch, Shift, ShiftAssignment

TEXT = 4000
RELOADING = {"required": RELOAD, "invalid": RELOAD, "invalid_choice": RELOAD, "min_value": RELOAD}


def response_units():
    return Unit.objects.filter(type=UnitType.RAPID_RESPONSE, is_active=True)


def _text(label, help_text="", required=True, rows=3):
    return forms.CharField(
        label=label,
        max_length=TEXT,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class DispatchRequestForm(CaseForm):
    """Only what the team needs: where, the danger, who is there, how to approach."""

    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("Rapid response unit"), empty_label=None
    )
    location = _text(_("Where the team must go"), _("Address, landmarks, floor or room."))
    danger = _text(_("The danger"), _("What is happening now: weapon, threats, injuries."))
    who_is_there = _text(_("Who is there"), required=False)
    children_present = forms.BooleanField(label=_("Children are there"), required=False)
    accommodation = forms.CharField(
        label=_("Disability or other accommodation needed"), max_length=500, required=False
    )
    safe_approach = _text(
        _("Safe way to approach and contact"),
        _("For example: do not call, the perpetrator checks her phone; come to the back door."),
        required=False,
    )
    sections = (
        (
            None,
            [
                "unit",
                "location",
                "kelurahan",
                "danger",
                "who_is_there",
                "children_present",
                "accommodation",
                "safe_approach",
            ],
        ),
    )

    def __init__(self, data=None, *, province="31", kelurahan=None, **kwargs):
        self.province = province
        self.kelurahan = kelurahan
        super().__init__(data, **kwargs)

    def add_fields(self):
        self.fields["unit"].queryset = response_units()
        self.fields["kelurahan"] = kelurahan_field(self.province, self.kelurahan)
        self.fields["kelurahan"].required = False


class StepForm(HtmlInputsForm):
    """The next step of a dispatch, now or at the time it happened."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, error_messages=RELOADING)
    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in STEPS[1:]],
        widget=forms.HiddenInput,
        error_messages=RELOADING,
    )
    at = local_datetime(_("When (leave empty for now)"), up_to_today=True, required=False)
    taken_to = radios(Dispatch, "taken_to", required=False)


class CancelForm(HtmlInputsForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, error_messages=RELOADING)
    reason = forms.CharField(label=_("Why is the dispatch cancelled?"), max_length=2000)


class VisitForm(CaseForm):
    """The visit's short report."""

    found = _text(_("What the team found"), rows=4)
    taken_to = radios(Dispatch, "taken_to")
    risk_now = radios(Dispatch, "risk_now")
    sections = ((None, ["found", "taken_to", "risk_now", "open_in"]),)

    def __init__(self, data=None, *, user, **kwargs):
        self.user = user
        super().__init__(data, **kwargs)

    def add_fields(self):
        if self.record is not None and self.record.case_id is None:
            self.fields["open_in"] = forms.ModelChoiceField(
                queryset=case_units(self.user),
                required=False,
                label=_("Open a case in"),
                help_text=_(
                    "No case exists yet: this visit opens one. Left empty, it opens in the "
                    "service centre covering the place, whose supervisors assign it."
                ),
            )

    def initial_from(self, record):
        return {name: getattr(record, name) for name in ("found", "taken_to", "risk_now")}

    def changes(self):
        return {name: self.cleaned_data[name] for name in ("found", "taken_to", "risk_now")}


# --- The roster ------------------------------------------------------------------------


class PlanForm(HtmlInputsForm):
    days = forms.IntegerField(label=_("Days ahead"), min_value=1, max_value=31, initial=7)


class AssignForm(HtmlInputsForm):
    shift = forms.ModelChoiceField(queryset=Shift.objects.none(), label=_("Shift"))
    user = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Person"))
    role = forms.ChoiceField(choices=CrewRole.choices, label=_("Role"))

    def __init__(self, data=None, *, shifts, people, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["shift"].queryset = shifts
        self.fields["user"].queryset = people


class SwapForm(HtmlInputsForm):
    assignment = forms.ModelChoiceField(
        queryset=ShiftAssignment.objects.none(), widget=forms.HiddenInput, error_messages=RELOADING
    )
    user = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Swap with"))

    def __init__(self, data=None, *, assignments, people, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["assignment"].queryset = assignments
        self.fields["user"].queryset = people


class LeaveForm(HtmlInputsForm):
    assignment = forms.ModelChoiceField(
        queryset=ShiftAssignment.objects.none(), widget=forms.HiddenInput, error_messages=RELOADING
    )
    on_leave = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, assignments, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["assignment"].queryset = assignments
