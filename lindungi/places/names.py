"""Where a place lies, in words, without joining three region tables on every page.

Region names are public and change only when an administrator loads a new release of them
(``load-regions``), so they are kept in the cache. Kemendagri codes nest ("31.74.01.1001"
lies in "31.74.01", which lies in "31.74"), so a kelurahan's kecamatan and kota come from
its code.
"""

from django.core.cache import cache
from django.db.models import Q

from lindungi.places.models import Region

# How long a region's name is kept (seconds): a new release of the regions shows this late.
NAMES_SECONDS = 600


def _lineage(code):
    """The region and those it lies in, up to the kota/kabupaten (not the province)."""
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 1, -1)]


def _kotas_of(codes):
    """Every region of the kota/kabupaten each of ``codes`` lies in (a hundred or so each):
    one miss keeps the names of its neighbours too, which the next cases mostly need,
    rather than one query per kelurahan until each has been seen."""
    kotas = {".".join(code.split(".")[:2]) for code in codes}
    within = Q(code__in=kotas)
    for kota in kotas:
        within |= Q(code__startswith=f"{kota}.")
    return Region.objects.filter(within)


def place_labels(codes):
    """``{code: "Kelurahan, Kecamatan, Kota"}`` for region codes, in one query at most."""
    codes = {code for code in codes if code}
    wanted = {region for code in codes for region in _lineage(code)}
    keys = {f"places.name.{region}": region for region in wanted}
    names = {keys[key]: name for key, name in cache.get_many(keys).items()}
    missing = wanted - names.keys()
    if missing:
        fresh = dict(_kotas_of(missing).values_list("code", "name"))
        cache.set_many({f"places.name.{c}": name for c, name in fresh.items()}, NAMES_SECONDS)
        names.update(fresh)
    return {
        code: ", ".join(names[region] for region in _lineage(code) if region in names)
        for code in codes
    }
