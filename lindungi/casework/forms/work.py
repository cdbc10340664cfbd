"""Forms of case work: assessments, the service plan and its services, approvals, closure
and reopening.

Like ``cases.forms`` they only check and translate what the browser sends; every write goes
through ``lindungi.casework.actions``. New records carry a form token and edits a
version (``CaseForm``), so a double submission and a stale edit are recognised.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.models import Unit
from lindungi.accounts.roles import UnitType
from lindungi.cases.forms import YES, YES_NO, CaseForm, model_field, past_date, radios
from lindungi.cases.models import Priority
from lindungi.casework.models import (
    NEED_DOMAINS,
    RISK_FACTORS,
    Approval,
    ClosureReason,
    NeedLevel,
    PlannedService,
    ServicePlan,
)
from lindungi.core.dates import validate_plan
from lindungi.core.widgets import DateInput

TEXT_MAX = 20_000


def text_area(label, *, required=False, rows=4, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


# --- Assessments -------------------------------------------------------------------------


class NeedsAssessmentForm(CaseForm):
    """A level of need for each biopsychosocial area; an area left empty was not assessed."""

    summary = text_area(_("Summary"), rows=5, help_text=_("Stored encrypted."))

    sections = (
        (_("Level of need in each area"), [f"need_{name}" for name, _label in NEED_DOMAINS]),
        (None, ["summary"]),
    )

    def add_fields(self):
        for name, label in NEED_DOMAINS:
            self.fields[f"need_{name}"] = forms.ChoiceField(
                label=label, choices=NeedLevel.choices, required=False, widget=forms.RadioSelect
            )

    def clean(self):
        data = super().clean()
        if not any(data.get(f"need_{name}") for name, _label in NEED_DOMAINS):
            raise forms.ValidationError(_("Choose a level for at least one area."))
        return data

    def answers(self):
        return {
            name: self.cleaned_data[f"need_{name}"]
            for name, _label in NEED_DOMAINS
            if self.cleaned_data[f"need_{name}"]
        }


class RiskAssessmentForm(CaseForm):
    """The structured checklist: every question answered yes or no."""

    summary = text_area(_("Summary"), rows=5, help_text=_("Stored encrypted."))
    override_level = forms.ChoiceField(
        label=_("Set the level yourself"),
        required=False,
        choices=[("", _("No: use the level the checklist gives")), *Priority.choices],
        widget=forms.RadioSelect,
        help_text=_(
            "The level sets the case priority. Choose a level only when your professional "
            "judgement differs from the checklist, and say why."
        ),
    )
    override_reason = text_area(_("Why this level"), rows=3)

    sections = (
        (_("Risk checklist"), [f"risk_{name}" for name, _label in RISK_FACTORS]),
        (None, ["summary"]),
        (_("Level"), ["override_level", "override_reason"]),
    )

    def add_fields(self):
        for name, label in RISK_FACTORS:
            self.fields[f"risk_{name}"] = forms.ChoiceField(
                label=label, choices=YES_NO, widget=forms.RadioSelect
            )

    def clean(self):
        data = super().clean()
        if data.get("override_level") and not (data.get("override_reason") or "").strip():
            self.add_error("override_reason", _("Say why you set the level yourself."))
        return data

    def answers(self):
        return {name: self.cleaned_data[f"risk_{name}"] == YES for name, _label in RISK_FACTORS}


# --- The plan and its services -----------------------------------------------------------


class PlanForm(CaseForm):
    goals = text_area(
        _("The survivor's goals, in their words"),
        rows=6,
        help_text=_("Write what the survivor says they want. Stored encrypted."),
    )
    sections = ((None, ["goals"]),)


def provider_units():
    """The directory of units that can provide a service (not the call centre or the
    administration)."""
    return Unit.objects.filter(is_active=True).exclude(
        type__in=[UnitType.CALL_CENTRE_112, UnitType.ADMINISTRATION]
    )


class ServiceForm(CaseForm):
    type = model_field(PlannedService, "type")
    provider_unit = forms.ModelChoiceField(
        label=_("Provider: a unit in the directory"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Not in the directory"),
    )
    provider_name = model_field(
        PlannedService,
        "provider_name",
        label=_("Provider: another agency"),
        help_text=_("Only when the provider is not in the directory: the agency's name."),
    )
    due_on = forms.DateField(label=_("Due"), widget=DateInput, validators=[validate_plan])
    status = radios(PlannedService, "status")
    outcome = text_area(_("Outcome"), rows=3, help_text=_("Stored encrypted."))
    done_on = past_date(_("Date given"))

    sections = (
        (None, ["type"]),
        (_("Provider"), ["provider_unit", "provider_name"]),
        (None, ["due_on", "status", "outcome", "done_on"]),
    )

    def add_fields(self):
        units = provider_units()
        if self.record is not None and self.record.provider_unit_id:
            units = units | Unit.objects.filter(pk=self.record.provider_unit_id)
        self.fields["provider_unit"].queryset = units.order_by("name")

    def clean(self):
        data = super().clean()
        unit, name = data.get("provider_unit"), (data.get("provider_name") or "").strip()
        if unit and name:
            self.add_error("provider_name", _("Choose a unit or name an agency, not both."))
        elif not unit and not name and "provider_unit" not in self.errors:
            self.add_error("provider_unit", _("Choose a unit or name an agency."))
        return data


# --- Approvals ---------------------------------------------------------------------------


class ApprovalRequestForm(forms.Form):
    comment = text_area(_("Comment for the supervisor"), rows=2)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Approval.Decision.choices, widget=forms.RadioSelect
    )
    comment = text_area(
        _("Comment"), rows=3, help_text=_("Required when you reject: say what must change.")
    )

    def clean(self):
        data = super().clean()
        rejected = data.get("decision") == Approval.Decision.REJECTED
        if rejected and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say why you reject this request."))
        return data


# --- Closure and reopening ---------------------------------------------------------------


class ClosureForm(CaseForm):
    reason = forms.ChoiceField(
        label=_("Why the case closes"), choices=ClosureReason.choices, widget=forms.RadioSelect
    )
    summary = text_area(_("Closing summary"), required=True, rows=6)
    open_services_reason = text_area(
        _("Why services are still open"),
        rows=3,
        help_text=_("Some services of the plan are not done, declined or unavailable yet."),
    )
    sections = ((None, ["reason", "summary", "open_services_reason"]),)

    def __init__(self, *args, open_services=False, **kwargs):
        self.open_services = open_services
        super().__init__(*args, **kwargs)

    def add_fields(self):
        if self.open_services:
            self.fields["open_services_reason"].required = True
        else:
            del self.fields["open_services_reason"]


class ReopenForm(CaseForm):
    reason = text_area(_("Why the case is reopened"), required=True, rows=4)
    sections = ((None, ["reason"]),)


def plan_status_note(plan):
    """What the plan's status means for the person editing it."""
    if plan is None or plan.status == ServicePlan.Status.DRAFT:
        return _("When the plan and its services are ready, ask a supervisor to approve it.")
    if plan.status == ServicePlan.Status.REJECTED:
        return _("A supervisor returned the plan: change it, then ask for approval again.")
    return _(
        "Changing the goals of a plan that is approved or waiting for approval returns it "
        "to draft: it then needs a supervisor's approval again."
    )
