from django.urls import path

from lindungi.accounts import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", views.LogoutView.as_view(), name="logout"),
    path("peran/", views.switch_membership, name="switch_membership"),
]
