from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from lindungi.api.main import api
from lindungi.core.views import healthz
from lindungi.places.home import home

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("bahasa/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("akun/", include("lindungi.accounts.urls")),
    path("tempat/", include("lindungi.places.urls")),
    path("kasus/", include("lindungi.cases.urls")),
    path("notifikasi/", include("lindungi.notifications.urls")),
    path("lapor/", include("lindungi.intake.public")),
    path("laporan/", include("lindungi.intake.urls")),
    path("api/v1/", api.urls),
    path("", home, name="home"),
]
