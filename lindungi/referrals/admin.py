from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.admin_site import AdministratorPermissions
from lindungi.cases.vocabulary import Accommodation
from lindungi.casework.models import ServiceType
from lindungi.referrals.models import Provider

# What a place can offer of the accommodations a survivor may need ("other" is hers to say).
ACCESSIBILITY = [(value, label) for value, label in Accommodation.choices if value != "other"]


class ProviderForm(forms.ModelForm):
    services = forms.MultipleChoiceField(
        label=_("services offered"),
        choices=ServiceType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    accessibility = forms.MultipleChoiceField(
        label=_("accessibility"),
        choices=ACCESSIBILITY,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Provider
        fields = [
            "unit",
            "services",
            "regions",
            "opening_hours",
            "accessibility",
            "accessibility_note",
            "staff_contact",
        ]


@admin.register(Provider)
class ProviderAdmin(AdministratorPermissions, admin.ModelAdmin):
    form = ProviderForm
    list_display = ["unit", "opening_hours"]
    search_fields = ["unit__name"]
    autocomplete_fields = ["unit", "regions"]
