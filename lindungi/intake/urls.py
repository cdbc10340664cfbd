"""Staff intake, mounted at /laporan/: the intake form and drafts, and the triage queue.

No personal data in any address: reports go by opaque ids, searches by POST.
"""

from lindungi.intake.views import staff, triage

app_name = "intake"
urlpatterns = [*staff.urlpatterns, *triage.urlpatterns]
