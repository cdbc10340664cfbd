"""The DHIS2 mapping, maintained by the administrator (no case content here)."""

from django.contrib import admin

from lindungi.accounts.admin_site import AdministratorPermissions
from lindungi.stats.models import Dhis2Mapping, Dhis2OrgUnit


@admin.register(Dhis2Mapping)
class Dhis2MappingAdmin(AdministratorPermissions, admin.ModelAdmin):
    allow_delete = True
    list_display = ["measure", "dimension", "value", "data_element", "category_option_combo"]
    list_filter = ["measure", "dimension"]


@admin.register(Dhis2OrgUnit)
class Dhis2OrgUnitAdmin(AdministratorPermissions, admin.ModelAdmin):
    allow_delete = True
    list_display = ["kota", "org_unit"]
