"""Case pages. Each views module owns its own routes; they are joined here.

Every route that takes a case-bound id names it ``case_id``, ``client_id``,
``incident_id``, ``perpetrator_id`` or ``attachment_id``: the permission matrix test finds
them by those names.
"""

from lindungi.cases.views import (
    assessments,
    attachments,
    closure,
    contact,
    edits,
    legal,
    notes,
    overview,
    pages,
    plan,
    tasks,
)

app_name = "cases"
urlpatterns = [
    *pages.urlpatterns,
    *edits.urlpatterns,
    *contact.urlpatterns,
    *attachments.urlpatterns,
    *overview.urlpatterns,
    *assessments.urlpatterns,
    *plan.urlpatterns,
    *closure.urlpatterns,
    *notes.urlpatterns,
    *tasks.urlpatterns,
    *legal.urlpatterns,
]
