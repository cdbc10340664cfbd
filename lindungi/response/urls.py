from django.urls import path

from lindungi.response.views import dispatch, roster

app_name = "response"
urlpatterns = [
    path("", dispatch.board, name="board"),
    path("laporan/<uuid:report_id>/", dispatch.request_from_report, name="request_from_report"),
    path("kasus/<uuid:case_id>/", dispatch.request_from_case, name="request_from_case"),
    path("penugasan/<uuid:dispatch_id>/", dispatch.dispatch_view, name="dispatch"),
    path("penugasan/<uuid:dispatch_id>/langkah/", dispatch.step, name="step"),
    path("penugasan/<uuid:dispatch_id>/batal/", dispatch.cancel, name="cancel"),
    path("penugasan/<uuid:dispatch_id>/kunjungan/", dispatch.visit, name="visit"),
    path("jadwal/", roster.roster_page, name="roster"),
    path("jadwal/buat/", roster.plan, name="plan"),
    path("jadwal/tugaskan/", roster.assign, name="assign"),
    path("jadwal/tukar/", roster.swap, name="swap"),
    path("jadwal/cuti/", roster.leave, name="leave"),
]
