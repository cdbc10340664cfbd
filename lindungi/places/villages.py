"""A kelurahan by its code: the lookup every report, case form and API write makes."""

from django.db.models import CharField

from lindungi.core.compiled import Param
from lindungi.core.compiled_query import CompiledQuery
from lindungi.places.models import Region, RegionLevel

# Compiled once (lindungi/core/compiled_query.py): the intake API makes it on every report.
_VILLAGE = CompiledQuery(
    lambda: Region.objects.filter(code=Param("code", CharField()), level=RegionLevel.VILLAGE)[:1]
)


def village(code: str) -> Region | None:
    """The kelurahan (village level) with this code, or None."""
    return _VILLAGE.first(code=code)
