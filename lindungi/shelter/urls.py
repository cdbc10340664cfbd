from django.urls import path

from lindungi.shelter import views

app_name = "shelter"
urlpatterns = [
    path("", views.board, name="board"),
    path("antrean/", views.queue, name="queue"),
    path("rumah/<uuid:house_id>/", views.house, name="house"),
    path("tempat-tidur/<uuid:bed_id>/", views.bed, name="bed"),
    path("kasus/<uuid:case_id>/", views.request_placement, name="request"),
    path(
        "penugasan/<uuid:dispatch_id>/",
        views.request_from_dispatch,
        name="request_from_dispatch",
    ),
    path("penempatan/<uuid:placement_id>/", views.placement_view, name="placement"),
    path("penempatan/<uuid:placement_id>/terima/", views.accept, name="accept"),
    path("penempatan/<uuid:placement_id>/tolak/", views.decline, name="decline"),
    path("penempatan/<uuid:placement_id>/batal/", views.cancel, name="cancel"),
    path("penempatan/<uuid:placement_id>/masuk/", views.check_in, name="check_in"),
    path("penempatan/<uuid:placement_id>/keluar/", views.check_out, name="check_out"),
    path("penempatan/<uuid:placement_id>/catatan/", views.add_record, name="add_record"),
    path("penempatan/<uuid:placement_id>/pengunjung/", views.visitors, name="visitors"),
    path("penempatan/<uuid:placement_id>/surat/", views.letter, name="letter"),
]
