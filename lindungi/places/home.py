"""The landing page: what the role the user acts in does, their unit and its service points.

Here rather than in core, which imports no app: the page shows this app's service points.
"""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_http_methods

from lindungi.core.htmx import render_page
from lindungi.places.models import ServicePoint


@login_required
@require_http_methods(["GET"])
def home(request):
    """The landing page of the role the user is acting in."""
    membership = request.membership
    points = []
    if membership is not None:
        unit_ids = request.user.unit_ids()
        points = [
            (point, point.address_visible_to(unit_ids))
            for point in ServicePoint.objects.active()
            .filter(unit=membership.unit)
            .select_related("region")
        ]
    return render_page(request, "places/home.html", {"service_points": points})
