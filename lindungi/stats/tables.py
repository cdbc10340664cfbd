"""Sums of the rollups: what every dashboard, published table and export reads. Nothing
here reads a case. A period of whole months (every page's and file's) is read from the
rollup by month (``MonthTally``), any other from the rollup by day (``Tally``)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from lindungi.stats.models import MonthTally, Tally


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # inclusive
    kota: str = ""
    gbv_type: str = ""
    units: tuple | None = None


def whole_months(filters):
    return filters.start.day == 1 and (filters.end + timedelta(days=1)).day == 1


def _rows(filters, measure, dimension):
    if whole_months(filters):
        rows = MonthTally.objects.filter(month__gte=filters.start, month__lte=filters.end)
    else:
        rows = Tally.objects.filter(day__gte=filters.start, day__lte=filters.end)
    rows = rows.filter(measure=measure, dimension=dimension)
    if filters.kota:
        rows = rows.filter(kota=filters.kota)
    if filters.gbv_type:
        rows = rows.filter(gbv_type=filters.gbv_type)
    if filters.units is not None:
        rows = rows.filter(unit_id__in=filters.units)
    return rows


def total(filters, measure):
    return _rows(filters, measure, "total").aggregate(n=Sum("count"))["n"] or 0


def by(filters, measure, dimension, *group):
    """{(group values...): n} for the dimension's values and any of kota, gbv_type, month."""
    rows = _rows(filters, measure, dimension)
    if "month" in group and rows.model is Tally:
        rows = rows.annotate(month=TruncMonth("day"))
    out = defaultdict(int)
    for row in rows.values(*group).annotate(n=Sum("count")).order_by():
        key = tuple(_plain(row[name]) for name in group)
        out[key] += row["n"]
    return dict(out)


def _plain(value):
    if hasattr(value, "date") and callable(value.date):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%Y-%m")
    return value


def months(start, end):
    """'yyyy-mm' from ``start``'s month to ``end``'s."""
    out, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out
