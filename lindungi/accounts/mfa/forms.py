from django import forms
from django.utils.translation import gettext_lazy as _

# What a phone offers to fill in from an SMS or an authenticator; digits keyboard.
_TOTP_ATTRS = {
    "autocomplete": "one-time-code",
    "inputmode": "numeric",
    "pattern": "[0-9 ]*",
    "autofocus": True,
    "size": 8,
}
_RECOVERY_ATTRS = {
    "autocomplete": "one-time-code",
    "autocapitalize": "none",
    "spellcheck": "false",
    "autofocus": True,
    "size": 12,
}


def _compact(value):
    """People copy codes with spaces or hyphens ("123 456", "abcd-efgh")."""
    return "".join(ch for ch in value if ch not in " -").lower()


class TotpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(attrs=_TOTP_ATTRS),
    )

    def clean_code(self):
        code = _compact(self.cleaned_data["code"])
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Enter the 6 digits shown in your authenticator app."))
        return code


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Recovery code"),
        max_length=20,
        widget=forms.TextInput(attrs=_RECOVERY_ATTRS),
    )

    def clean_code(self):
        return _compact(self.cleaned_data["code"])


class ReauthenticationForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "size": 12}
        ),
    )

    def clean_code(self):
        return _compact(self.cleaned_data["code"])


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Enrolment code from your administrator"),
        max_length=24,
        widget=forms.TextInput(attrs=_RECOVERY_ATTRS),
    )

    def clean_code(self):
        return _compact(self.cleaned_data["code"])
