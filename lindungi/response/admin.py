"""How each rapid response unit runs, set by administrators: its shift pattern and minimum
crew, and its escalation chain. Nothing about a survivor is here."""

from django.contrib import admin

from lindungi.accounts.admin_site import AdministratorPermissions
from lindungi.response.models import EscalationContact, UnitSettings


@admin.register(UnitSettings)
class UnitSettingsAdmin(AdministratorPermissions, admin.ModelAdmin):
    list_display = ["unit", "shift_starts", "min_responders"]


@admin.register(EscalationContact)
class EscalationContactAdmin(AdministratorPermissions, admin.ModelAdmin):
    list_display = ["unit", "position", "user"]
    list_filter = ["unit"]
    allow_delete = True
