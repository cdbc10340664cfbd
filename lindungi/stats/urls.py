from django.urls import path

from lindungi.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("layanan/", views.head_page, name="head"),
    path("terbitkan/", views.publish, name="publish"),
    path("simfoni/", views.simfoni_file, name="simfoni"),
    path("dhis2/", views.dhis2_file, name="dhis2"),
    path("gbvims/", views.gbvims_file, name="gbvims"),
    path("ekspor/", views.row_exports_page, name="row_exports"),
    path("ekspor/<uuid:rowexport_id>/", views.row_export_status, name="row_export"),
    path("ekspor/<uuid:rowexport_id>/unduh/", views.row_export_file, name="row_export_file"),
]
