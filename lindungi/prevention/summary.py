"""The outreach summary for the statistics dashboards: activities and audience by kota,
kecamatan and month, summed in SQL, and the activities a list asks for. Counts only; no
map."""

from datetime import date

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth

from lindungi.prevention.models import COUNTS, Outreach


def activities(
    start: date | None = None,
    end: date | None = None,
    kota: str | None = None,
    kind: str | None = None,
) -> QuerySet[Outreach]:
    """The activities held from ``start`` to ``end`` (both included; either left open) in
    ``kota`` (its code) of ``kind``, each filter applied only when given: the list's and
    the API's one filter."""
    rows = Outreach.objects.all()
    if start is not None:
        rows = rows.filter(held_on__gte=start)
    if end is not None:
        rows = rows.filter(held_on__lte=end)
    if kota:
        rows = rows.filter(kota_id=kota)
    if kind:
        rows = rows.filter(kind=kind)
    return rows


def summary(start: date, end: date, *, by_kecamatan: bool = True) -> list[dict]:
    """One row per (kota, kecamatan if asked, month) with activities between ``start`` and
    ``end`` (both included): the number of activities, each count column, the persons with
    disabilities and the audience in all."""
    keys = ["kota_id", "kota__name"]
    if by_kecamatan:
        keys += ["kecamatan_id", "kecamatan__name"]
    rows = (
        Outreach.objects.filter(held_on__gte=start, held_on__lte=end)
        .annotate(month=TruncMonth("held_on"))
        .values(*keys, "month")
        .annotate(
            activities=Count("pk"),
            with_disabilities_sum=Sum("with_disabilities"),
            **{f"{name}_sum": Sum(name) for name in COUNTS},
        )
        .order_by(*keys[::2], "month")
    )
    result = []
    for row in rows:
        cells = {name: row.pop(f"{name}_sum") for name in COUNTS}
        row["with_disabilities"] = row.pop("with_disabilities_sum")
        row.update(cells)
        row["audience"] = sum(cells.values())
        result.append(row)
    return result
