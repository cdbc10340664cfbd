"""The case's safe-contact form: the same questions as at intake, on the case's record."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lindungi.cases.contact_fields import StaffContactFields

RELOAD = _("This form is out of date. Reload the page and try again.")


class CaseContactForm(StaffContactFields):
    may_name_service = forms.BooleanField(
        label=_("She agreed that messages to her may name the service"),
        help_text=_("Otherwise messages use neutral words only."),
        required=False,
    )
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
        "may_name_service",
    )

    def __init__(self, data=None, *, record):
        initial = {name: getattr(record, name) for name in self.FIELDS}
        super().__init__(data, initial={**initial, "version": record.version})

    def changes(self):
        return {name: self.cleaned_data[name] for name in self.FIELDS}
