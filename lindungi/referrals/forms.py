"""The referrals forms: they check and translate what the browser sends; every write goes
through ``lindungi.referrals.actions``. None has an "overridden" field: the send action
alone decides an override, from the consent records and the deployment's settings."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.models import Unit
from lindungi.accounts.roles import UnitType
from lindungi.cases.forms import RELOAD, CaseForm, radios
from lindungi.cases.models import Client, Consent, DataCategory
from lindungi.casework.forms.notes import local_datetime
from lindungi.casework.models import ServiceType
from lindungi.core.dates import past_date, validate_past_fact, validate_plan
from lindungi.core.widgets import DateInput, HtmlInputsForm
from lindungi.referrals import sharing
from lindungi.referrals.models import Referral, SharedField

TEXT = 4000
RELOADING = {"required": RELOAD, "invalid": RELOAD, "min_value": RELOAD}


def partner_units():
    return Unit.objects.filter(type=UnitType.PARTNER_AGENCY, is_active=True)


def _text(label, *, required=False, rows=3, help_text=""):
    return forms.CharField(
        label=label,
        max_length=TEXT,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _checkboxes(label, choices, **kwargs):
    return forms.MultipleChoiceField(
        label=label, choices=choices, widget=forms.CheckboxSelectMultiple, **kwargs
    )


class _OfCase(CaseForm):
    """A new record on a case: the person it is about is one of the case's clients."""

    client = forms.ModelChoiceField(queryset=Client.objects.none(), label=_("About"))

    def __init__(self, data=None, *, clients, **kwargs):
        self.clients = clients
        super().__init__(data, **kwargs)

    def add_fields(self):
        self.fields["client"].queryset = self.clients
        self.fields["client"].label_from_instance = lambda c: c.name or c.get_role_display()
        self.fields["client"].empty_label = None


class ConsentForm(_OfCase):
    purpose = radios(Consent, "purpose")
    recipient = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        label=_("To the organisation"),
        required=False,
        help_text=_(
            "For a referral: the organisation she agreed to; or leave it empty and choose "
            "a kind of service."
        ),
    )
    recipient_kind = forms.ChoiceField(
        label=_("Or to any organisation giving"),
        choices=[("", "—"), *ServiceType.choices],
        required=False,
    )
    categories = _checkboxes(
        _("The data she agreed to share"), DataCategory.choices, required=False
    )
    given_by = radios(Consent, "given_by")
    given_by_name = forms.CharField(
        label=_("Name of who gave it (not the survivor)"), max_length=200, required=False
    )
    child_view = _text(_("The child's own view, in her words"))
    how = radios(Consent, "how")
    given_at = local_datetime(
        _("Given at"),
        up_to_today=True,
        required=False,
        initial=timezone.now,
        help_text=_("Date and time, Jakarta time; empty: now."),
        validators=[validate_past_fact],
    )
    valid_until = forms.DateField(
        label=_("Valid until (empty: until she withdraws it)"),
        required=False,
        widget=DateInput,
        validators=[validate_plan],
    )
    sections = (
        (None, ["client", "purpose", "recipient", "recipient_kind", "categories"]),
        (None, ["given_by", "given_by_name", "child_view", "how", "given_at", "valid_until"]),
    )

    def add_fields(self):
        super().add_fields()
        self.fields["recipient"].queryset = partner_units()


class ReferralForm(_OfCase):
    provider = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("To the organisation"))
    service = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    purpose = _text(_("What for"), required=True)
    fields = _checkboxes(
        _("What the partner may see"),
        SharedField.choices,
        required=False,
        help_text=_(
            "Ticked: what this service needs. Share only what she agreed to; the survivor "
            "code always goes."
        ),
    )
    handover_note = _text(
        _("Warm hand-over note"),
        help_text=_("Encrypted; the partner sees it only while the referral is open."),
    )
    override_reason = _text(
        _("Emergency: why it cannot wait for her consent"),
        help_text=_(
            "Only where the deployment allows it, for your role and this service. The "
            "referral then goes to the supervisors' review."
        ),
    )
    sections = (
        (None, ["client", "provider", "service", "purpose", "fields", "handover_note"]),
        (None, ["override_reason"]),
    )

    def __init__(self, data=None, *, service="", provider=None, **kwargs):
        self.service = service if service in ServiceType.values else ServiceType.HEALTH
        self.provider = provider
        super().__init__(data, **kwargs)

    def add_fields(self):
        super().add_fields()
        self.fields["provider"].queryset = partner_units()
        self.initial.setdefault("service", self.service)
        self.initial.setdefault("fields", sharing.defaults(self.service))
        if self.provider is not None:
            self.initial.setdefault("provider", self.provider)


class VersionForm(HtmlInputsForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, error_messages=RELOADING)


class DeclineForm(VersionForm):
    reason = forms.CharField(label=_("Why do you decline?"), max_length=TEXT)


class ProgressForm(VersionForm):
    progress = _text(_("Progress"), required=True)


class OutcomeForm(VersionForm):
    outcome = _text(_("Outcome"), required=True, help_text=_("What was done, e.g. the visum."))
    outcome_on = past_date(_("Given on"))
    outcome_reference = forms.CharField(
        label=_("Reference (e.g. police report number)"),
        max_length=Referral._meta.get_field("outcome_reference").max_length,
        required=False,
    )


class ReviewForm(VersionForm):
    note = _text(_("Review note"))
