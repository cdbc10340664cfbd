"""The case's safe-contact form: the same questions as at intake, on the case's record."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lindungi.cases.safe_contact import SafeChannel
from lindungi.intake.contact_forms import SafeContactFields, checked_phone
from lindungi.intake.forms import TristateField

RELOAD = _("This form is out of date. Reload the page and try again.")


class CaseContactForm(SafeContactFields):
    contact_phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False, widget=forms.TextInput({"type": "tel"})
    )
    contact_email = forms.EmailField(label=_("Email"), max_length=254, required=False)
    safe_channels = forms.MultipleChoiceField(
        label=_("Safe ways to contact"),
        choices=SafeChannel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    safe_times = forms.CharField(
        label=_("Other notes on safe times"), max_length=200, required=False
    )
    code_word = forms.CharField(label=_("Code word"), max_length=100, required=False)
    voicemail_safe = TristateField(label=_("Is a voicemail safe?"))
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, error_messages={"required": RELOAD}
    )

    FIELDS = (
        "contact_phone",
        "contact_email",
        "safe_channels",
        "contact_windows",
        "safe_times",
        "code_word",
        "voicemail_safe",
        "safe_person_name",
        "safe_person_phone",
        "safe_person_relation",
    )

    def __init__(self, data=None, *, record):
        initial = {name: getattr(record, name) for name in self.FIELDS}
        super().__init__(data, initial={**initial, "version": record.version})

    def clean_contact_phone(self):
        return checked_phone(self.cleaned_data.get("contact_phone", ""))

    def changes(self):
        return {name: self.cleaned_data[name] for name in self.FIELDS}
