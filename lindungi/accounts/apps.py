from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lindungi.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    default = True  # beside the admin's config below

    def ready(self):
        from lindungi.accounts import receivers  # noqa: F401 - connects the audit receivers


class AdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "lindungi.accounts.admin_site.AdminSite"
