from django.urls import path

from lindungi.prevention import views

app_name = "prevention"
urlpatterns = [
    path("", views.outreach_list, name="list"),
    path("baru/", views.record, name="record"),
    path("<uuid:outreach_id>/", views.edit, name="edit"),
    path("<uuid:outreach_id>/foto/", views.add_photo, name="add_photo"),
    path("foto/<uuid:outreachphoto_id>/", views.photo, name="photo"),
    path("ringkasan/", views.summary_page, name="summary"),
]
