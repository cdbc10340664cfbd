"""Case pages. Each views module owns its own routes; they are joined here, and
``lindungi/urls.py`` adds case work's (``lindungi/casework/urls.py``) to the same
``cases`` namespace.

Every route that takes a case-bound id names it ``case_id``, ``client_id``,
``incident_id``, ``perpetrator_id`` or ``attachment_id``: the permission matrix test finds
them by those names.
"""

from lindungi.cases.views import attachments, contact, edits, messages, pages

urlpatterns = [
    *pages.urlpatterns,
    *edits.urlpatterns,
    *contact.urlpatterns,
    *messages.urlpatterns,
    *attachments.urlpatterns,
]
