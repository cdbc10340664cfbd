from django.contrib.auth.decorators import login_not_required, login_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from lindungi.core.htmx import render_page
from lindungi.places.models import ServicePoint


@login_not_required
@require_GET
@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not. Says nothing else."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


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
    return render_page(request, "core/home.html", {"service_points": points})
