from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from lindungi.api.main import api
from lindungi.cases import urls as case_urls
from lindungi.casework import urls as casework_urls
from lindungi.core.views import healthz
from lindungi.places.home import home

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("bahasa/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("akun/", include("lindungi.accounts.urls")),
    path("tempat/", include("lindungi.places.urls")),
    # Case work's pages are the case's: the same paths and the one ``cases`` namespace.
    path("kasus/", include(([*case_urls.urlpatterns, *casework_urls.urlpatterns], "cases"))),
    path("notifikasi/", include("lindungi.notifications.urls")),
    path("lapor/", include("lindungi.intake.public")),
    path("laporan/", include("lindungi.intake.urls")),
    path("reaksi-cepat/", include("lindungi.response.urls")),
    path("rumah-aman/", include("lindungi.shelter.urls")),
    path("pencegahan/", include("lindungi.prevention.urls")),
    path("rujukan/", include("lindungi.referrals.urls")),
    path("statistik/", include("lindungi.stats.urls")),
    path("statistik-publik/", include("lindungi.stats.public")),
    path("api/v1/", api.urls),
    path("", home, name="home"),
]
