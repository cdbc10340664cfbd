"""The administration site: for the administrator role only.

Django's admin normally asks for per-model permissions; Lindungi's model is roles in
units, so the site and every model page check for an administrator membership instead.
No case-bound model is ever registered here: administrators configure, they never read
case content (docs/architecture.md, access model).
"""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
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
        # The second-factor middleware already stops unverified users; checked again here
        # because this site is the one place that changes who may see what.
        return request.user.is_verified() and is_administrator(request.user)

    @login_not_required  # as Django's own: the login page itself is open
    def login(self, request, extra_context=None):
        """The admin has no login of its own: Lindungi's, with its code step and throttling."""
        if request.user.is_authenticated and request.user.is_verified():
            # Fully logged in but not an administrator: sending them to log in would loop.
            raise PermissionDenied
        index = reverse("admin:index", current_app=self.name)
        return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME, index))


class AdministratorPermissions:
    """Model pages open to administrators; deleting is off unless a ModelAdmin allows it."""

    allow_delete = False

    def has_module_permission(self, request):
        return is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_add_permission(self, request, obj=None):
        # Inlines pass the parent object; model admins do not.
        return is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return self.allow_delete and is_administrator(request.user)
