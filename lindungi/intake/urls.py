"""Staff intake, mounted at /laporan/: the intake form and drafts, the triage queue, and
messages to a report's reporter.

No personal data in any address: reports go by opaque ids, searches by POST.
"""

from lindungi.intake.views import messages, staff, triage

app_name = "intake"
urlpatterns = [*staff.urlpatterns, *triage.urlpatterns, *messages.urlpatterns]
