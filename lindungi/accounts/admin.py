from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lindungi.accounts.admin_site import AdministratorPermissions
from lindungi.accounts.forms import AdminUserChangeForm, AdminUserCreationForm
from lindungi.accounts.mfa.admin import SecondFactorAdmin, reset_second_factor
from lindungi.accounts.models import Membership, Unit, User
from lindungi.accounts.sessions import end_sessions


class MembershipInline(AdministratorPermissions, admin.StackedInline):
    # Stacked: each field has its own label (a tabular row names its fields only by the
    # column headings, which assistive technology does not read as labels).
    allow_delete = True
    model = Membership
    extra = 1
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(SecondFactorAdmin, AdministratorPermissions, DjangoUserAdmin):
    # Users are deactivated, never deleted: the audit trail refers to them.
    ordering = ["display_name"]
    list_display = ["display_name", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "memberships__role"]
    search_fields = ["display_name", "email"]
    inlines = [MembershipInline]
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    fieldsets = [
        (None, {"fields": ["email", "display_name", "password"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "second_factor"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "display_name", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined", "second_factor"]
    actions = ["end_all_sessions", reset_second_factor]

    @admin.action(description=_("End all sessions of the selected users"))
    def end_all_sessions(self, request, queryset):
        ended = sum(end_sessions(user, request=request) for user in queryset)
        self.message_user(
            request,
            ngettext("%(count)d session ended.", "%(count)d sessions ended.", ended)
            % {"count": ended},
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # The middleware would end them at the next request; do not wait for it.
            end_sessions(obj, request=request)


@admin.register(Unit)
class UnitAdmin(AdministratorPermissions, admin.ModelAdmin):
    list_display = ["name", "type", "region", "is_active"]
    list_filter = ["type", "is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["region"]
