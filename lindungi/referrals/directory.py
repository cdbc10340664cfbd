"""Finding a partner organisation: by the service it gives and the place it serves.

A provider serves a place when one of its regions is that place, contains it (a city serves
all its kecamatan) or lies inside it (searching a city finds the providers of any of its
kecamatan). Region codes are Kemendagri's dotted codes, so containment is read from them.
"""

from django.db.models import Q, QuerySet

from lindungi.places.models import Region, RegionLevel
from lindungi.referrals.models import Provider


def _serving(code: str) -> Q:
    parts = code.split(".")
    around = [".".join(parts[:n]) for n in range(2, len(parts) + 1)]
    return Q(regions__code__in=around) | Q(regions__code__startswith=f"{code}.")


def search(service: str = "", region: str = "") -> QuerySet[Provider]:
    """The active providers that give ``service`` in ``region`` (either may be empty)."""
    found = Provider.objects.filter(unit__is_active=True)
    if region:
        found = found.filter(_serving(region))
    providers = found.select_related("unit").prefetch_related("regions").distinct()
    if service:
        # A short JSON list per provider, compared here: the same on SQLite and PostgreSQL.
        return providers.filter(pk__in=[p.pk for p in providers if service in p.services])
    return providers


def region_choices(province: str | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The kota of ``province``, each with its kecamatan, for a grouped select."""
    if not province:
        return []
    regions = Region.objects.filter(
        level__in=[RegionLevel.REGENCY_CITY, RegionLevel.DISTRICT],
        code__startswith=f"{province}.",
    ).order_by("code")
    groups: dict[str, list[tuple[str, str]]] = {}
    names: dict[str, str] = {}
    for region in regions:
        if region.level == RegionLevel.REGENCY_CITY:
            names[region.code] = region.name
            groups[region.code] = [(region.code, region.name)]
        elif region.parent_id in groups:
            groups[region.parent_id].append((region.code, f"— {region.name}"))
    return [(names[code], options) for code, options in groups.items()]
