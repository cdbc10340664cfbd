from django.urls import path

from lindungi.accounts import views
from lindungi.accounts.alert_settings import alert_settings
from lindungi.accounts.mfa import views as mfa

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.log_in, name="login"),
    path("masuk/kode/", mfa.verify, name="mfa_verify"),
    path("masuk/kode-pemulihan/", mfa.recover, name="mfa_recover"),
    path("keluar/", views.LogoutView.as_view(), name="logout"),
    path("peran/", views.switch_membership, name="switch_membership"),
    path("pemberitahuan/", alert_settings, name="alert_settings"),
    path("faktor-kedua/", mfa.manage, name="mfa_manage"),
    path("faktor-kedua/daftar/", mfa.enrol, name="mfa_enrol"),
    path("faktor-kedua/daftar/qr.svg", mfa.qr_code, name="mfa_qr"),
    path("faktor-kedua/kode-pemulihan/", mfa.regenerate_recovery_codes, name="mfa_regenerate"),
]
