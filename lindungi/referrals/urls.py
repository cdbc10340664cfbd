from django.urls import path

from lindungi.referrals.views import case, directory, referral

app_name = "referrals"
urlpatterns = [
    path("", referral.worklist, name="worklist"),
    path("penyedia/", directory.providers, name="providers"),
    path("kasus/<uuid:case_id>/", case.case_referrals, name="case"),
    path("kasus/<uuid:case_id>/persetujuan/", case.new_consent, name="new_consent"),
    path("kasus/<uuid:case_id>/kirim/", case.new_referral, name="new_referral"),
    path("persetujuan/<uuid:consent_id>/tarik/", case.withdraw_consent, name="withdraw_consent"),
    path("<uuid:referral_id>/", referral.referral_page, name="referral"),
    path("<uuid:referral_id>/terima/", referral.accept, name="accept"),
    path("<uuid:referral_id>/tolak/", referral.decline, name="decline"),
    path("<uuid:referral_id>/kemajuan/", referral.progress, name="progress"),
    path("<uuid:referral_id>/hasil/", referral.outcome, name="outcome"),
    path("<uuid:referral_id>/batal/", referral.revoke, name="revoke"),
    path("<uuid:referral_id>/tinjau/", referral.review, name="review"),
]
