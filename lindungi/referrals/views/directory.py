"""The provider directory, as case workers search it: by service and by kota or kecamatan."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from lindungi.casework.models import ServiceType
from lindungi.core.htmx import render_page
from lindungi.referrals import directory


@login_required
@require_GET
def providers(request):
    membership = getattr(request, "membership", None)
    province = membership.unit.region_id.split(".")[0] if membership else None
    regions = directory.region_choices(province)
    known = {code for _kota, options in regions for code, _name in options}
    service = request.GET.get("service", "")
    service = service if service in ServiceType.values else ""
    region = request.GET.get("region", "")
    region = region if region in known else ""
    context = {
        "providers": list(directory.search(service, region)),
        "service": service,
        "region": region,
        "services": ServiceType.choices,
        "regions": regions,
    }
    return render_page(request, "referrals/providers.html", context)
