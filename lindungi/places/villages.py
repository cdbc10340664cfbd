"""A kelurahan by its code: the lookup every report, case form and API write makes."""

from django.core.cache import cache
from django.db.models import CharField

from lindungi.core.compiled import Param
from lindungi.core.compiled_query import CompiledQuery
from lindungi.places.models import Region, RegionLevel
from lindungi.places.names import NAMES_SECONDS

# Compiled once (lindungi/core/compiled_query.py): the intake API makes it on every report.
_VILLAGE = CompiledQuery(
    lambda: Region.objects.filter(code=Param("code", CharField()), level=RegionLevel.VILLAGE)[:1]
)


def village(code: str) -> Region | None:
    """The kelurahan (village level) with this code, or None.

    Kept in the cache like the regions' names (places/names.py): regions change only with a
    new release loaded by ``load-regions`` and are never deleted (the records naming them
    protect them), so most API reports make one round trip fewer. An unknown code is asked
    again each time: it may have been loaded meanwhile."""
    key = f"places.village.{code}"
    region = cache.get(key)
    if region is None:
        region = _VILLAGE.first(code=code)
        if region is not None:
            cache.set(key, region, NAMES_SECONDS)
    return region
