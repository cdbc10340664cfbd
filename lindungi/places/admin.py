from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.admin_site import AdministratorPermissions
from lindungi.places.models import Region, ServicePoint


@admin.register(Region)
class RegionAdmin(AdministratorPermissions, admin.ModelAdmin):
    list_display = ["code", "name", "type", "parent"]
    list_filter = ["level", "type"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


class ServicePointForm(forms.ModelForm):
    """Administrators may set a confidential address but never read it back."""

    class Meta:
        model = ServicePoint
        fields = [
            "name",
            "kind",
            "unit",
            "region",
            "address",
            "address_confidential",
            "opening_hours",
            "is_active",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.hide_address = (
            self.instance.pk is not None
            and self.instance.address_confidential
            and not self.instance.address_visible_to(user.unit_ids())
        )
        if self.hide_address:
            self.initial["address"] = ""
            self.fields["address"].help_text = _(
                "Confidential. Leave empty to keep the current address; type to replace it."
            )

    def clean_address(self):
        address = self.cleaned_data["address"]
        if self.hide_address and not address:
            return self.instance.address
        return address


@admin.register(ServicePoint)
class ServicePointAdmin(AdministratorPermissions, admin.ModelAdmin):
    form = ServicePointForm
    list_display = ["name", "kind", "unit", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["unit", "region"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class WithUser(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, user=request.user, **kw)

        return WithUser
