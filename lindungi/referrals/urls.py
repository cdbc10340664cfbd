from django.urls import path

from lindungi.referrals.views import directory

app_name = "referrals"
urlpatterns = [
    path("penyedia/", directory.providers, name="providers"),
]
