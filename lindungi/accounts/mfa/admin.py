"""The administrator's reset, for someone who lost both their phone and their codes."""

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lindungi.accounts.mfa.devices import remove_second_factor
from lindungi.accounts.mfa.events import record_mfa


@admin.action(description=_("Reset the second factor of the selected users"))
def reset_second_factor(modeladmin, request, queryset):
    """Remove their authenticator and recovery codes; they enrol again at their next page."""
    users = list(queryset)
    for user in users:
        with transaction.atomic():
            remove_second_factor(user)
            record_mfa("reset", request, subject=user)
    modeladmin.message_user(
        request,
        ngettext(
            "The second factor of %(count)d user was reset. They set up a new one at their "
            "next login.",
            "The second factor of %(count)d users was reset. They set up a new one at their "
            "next login.",
            len(users),
        )
        % {"count": len(users)},
    )
