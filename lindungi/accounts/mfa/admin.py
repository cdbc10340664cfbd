"""The administrator's side of the second factor, on the user pages of the admin site.

- A user's page shows whether they have set up a second factor and whether an enrolment
  code is waiting for them, with a button to issue one.
- Issuing shows the code once, to be handed over through a trusted channel (in person, or
  by phone to a number already known); issuing again replaces the previous code.
- "Reset the second factor" (user list action), for someone who lost both their phone and
  their recovery codes: they then need a new enrolment code to set up another.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lindungi.accounts.mfa import enrolment
from lindungi.accounts.mfa.devices import authenticator, has_second_factor, remove_second_factor
from lindungi.accounts.mfa.events import record_mfa


@admin.action(description=gettext_lazy("Reset the second factor of the selected users"))
def reset_second_factor(modeladmin, request, queryset):
    """Remove their authenticator, recovery codes and any enrolment code."""
    users = list(queryset)
    for user in users:
        with transaction.atomic():
            remove_second_factor(user)
            record_mfa("reset", request, subject=user)
    modeladmin.message_user(
        request,
        ngettext(
            "The second factor of %(count)d user was reset. To set up a new one they need "
            "an enrolment code: issue it from their page.",
            "The second factor of %(count)d users was reset. To set up a new one they need "
            "an enrolment code: issue it from their page.",
            len(users),
        )
        % {"count": len(users)},
    )


def _when(moment):
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


class SecondFactorAdmin:
    """Mixed into the user admin: the second factor's state and enrolment codes."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.enrolment_code_view)
        name = f"{self.opts.app_label}_{self.opts.model_name}_enrolment_code"
        return [path("<path:object_id>/enrolment-code/", view, name=name), *super().get_urls()]

    @admin.display(description=gettext_lazy("Second factor"))
    def second_factor(self, user):
        device = authenticator(user)
        if device is not None:
            return _("Set up on %(date)s.") % {"date": _when(device.created_at)}
        waiting = enrolment.pending(user)
        if waiting is not None:
            return _("Not set up. An enrolment code is waiting, valid until %(date)s.") % {
                "date": _when(waiting.expires_at)
            }
        return _("Not set up. The user needs an enrolment code to set it up.")

    def enrolment_code_view(self, request, object_id):
        user = self.get_object(request, unquote(object_id))
        if user is None:
            raise Http404
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[user.pk]
        )
        if has_second_factor(user):
            messages.error(
                request,
                _(
                    "%(user)s has a second factor already. Reset it first (user list action) "
                    "if they lost their phone and their recovery codes."
                )
                % {"user": user},
            )
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": user,
            "title": _("Enrolment code"),
            "change_url": change_url,
            "replaces": enrolment.pending(user) is not None,
        }
        if request.method == "POST":
            code = enrolment.issue(user, request=request)
            context["code"] = enrolment.display(code)
            context["expires"] = _when(enrolment.pending(user).expires_at)
        return TemplateResponse(request, "admin/accounts/user/enrolment_code.html", context)
