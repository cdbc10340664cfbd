"""Staff intake pages: the intake form (``staff``) and the triage queue (``triage``).

Which report a page shows and whether its actions are offered is decided in
``lindungi.intake.access`` alone, for the membership the request acts in; anything out of
scope answers 404, like an id that does not exist.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from lindungi.intake.access import intake_unit


def intake_view(view):
    """Log-in and role check: the active membership is an intake officer's or a
    supervisor's. Sets ``request.unit`` to the unit the officer acts for."""

    @login_required
    @wraps(view)
    def checked(request, *args, **kwargs):
        request.unit = intake_unit(getattr(request, "membership", None))
        if request.unit is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked
