from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_http_methods

from lindungi.core.htmx import render_page
from lindungi.places.models import ServicePoint, ServicePointKind


@login_required
@require_http_methods(["GET"])
def service_points(request):
    """The directory of service points. Confidential addresses show only to their unit."""
    points = ServicePoint.objects.active().select_related("unit", "region", "region__parent")
    kind = request.GET.get("kind", "")
    if kind in ServicePointKind.values:
        points = points.filter(kind=kind)
    unit_ids = request.user.unit_ids()
    rows = [(p, p.address_visible_to(unit_ids)) for p in points.order_by("name")]
    return render_page(
        request,
        "places/service_points.html",
        {"rows": rows, "kind": kind, "kinds": ServicePointKind.choices},
    )
