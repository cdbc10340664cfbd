"""Where a member of staff gets alerts besides the app: email, SMS, WhatsApp (their
account page, ``/akun/pemberitahuan/``). The app's own alerts always come; these are
extra. Saving is audited like every change to a user (``accounts/receivers.py``)."""

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lindungi.accounts.models import User
from lindungi.core.blind_index import normalise_phone
from lindungi.core.htmx import render_page
from lindungi.core.widgets import HtmlInputsForm


class AlertChannel(models.TextChoices):
    """The ways out besides the app, for staff alerts and messages alike."""

    EMAIL = "email", gettext_lazy("Email")
    SMS = "sms", gettext_lazy("SMS")
    WHATSAPP = "whatsapp", gettext_lazy("WhatsApp")


PHONE_CHANNELS = {AlertChannel.SMS, AlertChannel.WHATSAPP}


class AlertSettingsForm(HtmlInputsForm):
    alert_channels = forms.MultipleChoiceField(
        label=gettext_lazy("Also send my alerts by"),
        choices=AlertChannel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Alerts always appear in the app. A message by email, SMS or WhatsApp says only "
            "what kind of alert waits, with a link: never anything about a case."
        ),
    )
    alert_phone = forms.CharField(
        label=gettext_lazy("Phone for SMS and WhatsApp alerts"),
        max_length=32,
        required=False,
        widget=forms.TextInput({"type": "tel", "autocomplete": "tel"}),
    )

    def clean_alert_phone(self) -> str:
        phone = self.cleaned_data["alert_phone"].strip()
        if phone:
            normalise_phone(phone)
        return phone


@transaction.atomic
def save_alert_settings(user: User, channels: list[str], phone: str) -> User:
    """Store where ``user``'s alerts go; SMS and WhatsApp need a phone."""
    if set(channels) - set(AlertChannel.values):
        raise ValidationError({"alert_channels": _("Choose email, SMS or WhatsApp.")})
    if PHONE_CHANNELS & set(channels) and not phone:
        raise ValidationError({"alert_phone": _("Give a phone for SMS or WhatsApp alerts.")})
    user.alert_channels = [c for c in AlertChannel.values if c in channels]
    user.alert_phone = phone
    user.save(update_fields=["alert_channels", "alert_phone", "updated_at"])
    return user


@login_required
@require_http_methods(["GET", "POST"])
def alert_settings(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    initial = {"alert_channels": user.alert_channels, "alert_phone": user.alert_phone}
    form = AlertSettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save_alert_settings(
                user, form.cleaned_data["alert_channels"], form.cleaned_data["alert_phone"]
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field, problems)
        else:
            messages.success(request, _("Your alert settings were saved."))
            return redirect("accounts:alert_settings")
    return render_page(request, "accounts/alert_settings.html", {"form": form})
