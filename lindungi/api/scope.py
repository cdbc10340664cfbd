"""The access check for a refused request, before it says why it was refused.

django-ninja validates the body before the view runs, so without this an outsider who
sends a bad body to a case they cannot see would learn "422" instead of "404", and the
attempt would go unaudited. When a request is refused for its input, the ids in its path
(a case's, its parts', a report's) go through the choke points first, exactly as the view
would have sent them.
"""

from django.apps import apps
from django.db.models import Model
from django.http import HttpRequest

from lindungi.cases.access import Need, get_case_for, get_part_for
from lindungi.intake.access import get_report_for

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def case_parts() -> dict[str, type[Model]]:
    """Path parameter name -> model, for every model that belongs to a case."""
    return {
        f"{model._meta.model_name}_id": model
        for model in apps.get_models()
        if hasattr(model, "CASE_PATH")
    }


def check_path(request: HttpRequest) -> None:
    """Raise Http404 (audited) if the user may not reach the records named in the path."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return
    need = Need.VIEW if request.method in SAFE_METHODS else Need.EDIT
    parts = case_parts()
    for name, value in match.kwargs.items():
        if name == "case_id":
            get_case_for(request.user, value, need, request=request)
        elif name in parts:
            get_part_for(request.user, parts[name], value, need, request=request)
        elif name == "report_id":
            get_report_for(request.user, value, request=request)
