"""Case-work pages. Each views module owns its own routes; they are joined here.

They live under the case's URLs and in its namespace (``cases:plan``, ``cases:notes``, …):
``lindungi/urls.py`` joins them to the case routes, so paths and names are the case's.
Every route that takes a case-bound id names it ``case_id`` (or the part's id): the
permission matrix test finds them by those names.
"""

from lindungi.casework.views import assessments, closure, legal, notes, overview, plan, tasks

urlpatterns = [
    *overview.urlpatterns,
    *assessments.urlpatterns,
    *plan.urlpatterns,
    *closure.urlpatterns,
    *notes.urlpatterns,
    *tasks.urlpatterns,
    *legal.urlpatterns,
]
