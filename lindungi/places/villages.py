"""A kelurahan by its code: the lookup every report, case form and API write makes."""

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django.db.models import CharField

from lindungi.core.compiled import Param
from lindungi.core.compiled_query import CompiledQuery
from lindungi.places.models import Region, RegionLevel
from lindungi.places.names import NAMES_SECONDS

# Compiled once (lindungi/core/compiled_query.py): the intake API makes it on every report.
_VILLAGE = CompiledQuery(
    lambda: Region.objects.filter(code=Param("code", CharField()), level=RegionLevel.VILLAGE)[:1]
)
_COLUMNS = [field.attname for field in Region._meta.concrete_fields]


def village(code: str) -> Region | None:
    """The kelurahan (village level) with this code, or None.

    Kept in the cache like the regions' names (places/names.py): regions change only with a
    new release loaded by ``load-regions`` and are never deleted (the records naming them
    protect them), so most API reports make one round trip fewer. An unknown code is asked
    again each time: it may have been loaded meanwhile."""
    key = f"places.village.{code}"
    # Kept as its columns' values, not as a pickled model: unpickling looks the model up in
    # the app registry, which a test narrows (``available_apps``) while the cache lives on.
    values = cache.get(key)
    if values is not None:
        return Region.from_db(DEFAULT_DB_ALIAS, _COLUMNS, values)
    region = _VILLAGE.first(code=code)
    if region is not None:
        cache.set(key, [getattr(region, name) for name in _COLUMNS], NAMES_SECONDS)
    return region
