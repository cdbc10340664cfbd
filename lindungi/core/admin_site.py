"""The administration site: for the administrator role only.

Django's admin normally asks for per-model permissions; Lindungi's model is roles in
units, so the site and every model page check for an administrator membership instead.
No case-bound model is ever registered here: administrators configure, they never read
case content (DESIGN.md, access model).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.roles import Role


def is_administrator(user):
    return (
        user.is_active
        and user.is_staff
        and user.memberships.filter(role=Role.ADMINISTRATOR).exists()
    )


class AdminSite(admin.AdminSite):
    site_header = _("Lindungi administration")
    site_title = _("Lindungi administration")
    index_title = _("Configuration")

    def has_permission(self, request):
        return is_administrator(request.user)


class AdministratorPermissions:
    """Model pages open to administrators; deleting is off unless a ModelAdmin allows it."""

    allow_delete = False

    def has_module_permission(self, request):
        return is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user)

    has_add_permission = has_module_permission

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return self.allow_delete and is_administrator(request.user)
