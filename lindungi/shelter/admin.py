"""The safe houses as administrators set them up: what each house takes, its rooms and
beds. Nothing about a survivor is here; the address stays on the service point."""

from django.contrib import admin

from lindungi.accounts.admin_site import AdministratorPermissions
from lindungi.shelter.models import Bed, House, Room


@admin.register(House)
class HouseAdmin(AdministratorPermissions, admin.ModelAdmin):
    list_display = ["service_point", "takes", "children_allowed", "wheelchair_accessible"]


@admin.register(Room)
class RoomAdmin(AdministratorPermissions, admin.ModelAdmin):
    list_display = ["house", "name", "wheelchair_accessible"]
    list_filter = ["house"]


@admin.register(Bed)
class BedAdmin(AdministratorPermissions, admin.ModelAdmin):
    list_display = ["room", "label", "out_of_use"]
    list_filter = ["room__house"]
