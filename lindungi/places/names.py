"""Where a place lies, in words, without joining three region tables on every page.

Region names are public and change only when an administrator loads a new release of them
(``load-regions``), so they are kept in the cache. Kemendagri codes nest ("31.74.01.1001"
lies in "31.74.01", which lies in "31.74"), so a kelurahan's kecamatan and kota come from
its code.
"""

from django.core.cache import cache

from lindungi.places.models import Region

# How long a region's name is kept (seconds): a new release of the regions shows this late.
NAMES_SECONDS = 600


def _lineage(code):
    """The region and those it lies in, up to the kota/kabupaten (not the province)."""
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 1, -1)]


def place_labels(codes):
    """``{code: "Kelurahan, Kecamatan, Kota"}`` for region codes, in one query at most."""
    codes = {code for code in codes if code}
    wanted = {region for code in codes for region in _lineage(code)}
    keys = {f"places.name.{region}": region for region in wanted}
    names = {keys[key]: name for key, name in cache.get_many(keys).items()}
    missing = wanted - names.keys()
    if missing:
        fresh = dict(Region.objects.filter(code__in=missing).values_list("code", "name"))
        cache.set_many({f"places.name.{c}": name for c, name in fresh.items()}, NAMES_SECONDS)
        names.update(fresh)
    return {
        code: ", ".join(names[region] for region in _lineage(code) if region in names)
        for code in codes
    }
