from django.urls import path

from lindungi.places import views

app_name = "places"
urlpatterns = [
    path("layanan/", views.service_points, name="service_points"),
]
