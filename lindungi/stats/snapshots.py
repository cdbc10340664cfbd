"""Published statistics: an analyst publishes a year; the public page and its CSV show the
last publication of each year until the next, so that nobody can difference two nearby
days to find one case. Geography no finer than kota, time no finer than month.

The year is published as three two-way tables with their totals, each suppressed
(``suppression``): incidents by month and kota (the year is its totals row, so a month and
its year are suppressed together), incidents by kota and GBVIMS type, and survivors by
kota and age group. The first two share the incidents of each kota in the year: a total
hidden in one is hidden in the other, and both are suppressed again until they agree.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from lindungi.audit.events import record
from lindungi.cases.vocabulary import GbvType, SimfoniAgeBand
from lindungi.stats import suppression, tables
from lindungi.stats.dashboard import kotas
from lindungi.stats.models import Snapshot


def _grid(counts, rows, columns):
    return [[counts.get((r, c), 0) for c in columns] for r in rows]


def _year_tables(year):
    filters = tables.Filters(start=date(year, 1, 1), end=date(year, 12, 31))
    kota_codes = [code for code, _name in kotas()]
    months = tables.months(filters.start, filters.end)
    by_month = tables.by(filters, "incidents", "total", "month", "kota")
    by_type = tables.by(filters, "incidents", "total", "kota", "gbv_type")
    by_age = tables.by(filters, "survivors", "age_band", "kota", "value")
    types = [code for code, _label in GbvType.choices]
    bands = [code for code, _label in SimfoniAgeBand.choices]
    return [
        {"key": "month_kota", "rows": months, "columns": kota_codes,
         "cells": _grid(by_month, months, kota_codes)},
        {"key": "kota_type", "rows": kota_codes, "columns": types,
         "cells": _grid(by_type, kota_codes, types)},
        {"key": "kota_age", "rows": kota_codes, "columns": bands,
         "cells": _grid(by_age, kota_codes, bands)},
    ]  # fmt: skip


def _suppress_together(month_kota, kota_type):
    """Suppress the two tables that share each kota's year total until they agree."""
    forced_a, forced_b = set(), set()
    while True:
        hidden_a, out_a = suppression.suppress(month_kota, forced_a)
        hidden_b, out_b = suppression.suppress(kota_type, forced_b)
        year_row = len(month_kota) - 1
        kota_col = len(kota_type[0]) - 1
        # month_kota's totals row (the year of kota j; last, every kota) is kota_type's
        # total column (kota j; last, every kota).
        want_b = {(j, kota_col) for (r, j) in hidden_a if r == year_row}
        want_a = {(year_row, i) for (i, c) in hidden_b if c == kota_col}
        if want_b <= hidden_b and want_a <= hidden_a:
            return (hidden_a, out_a), (hidden_b, out_b)
        forced_a |= want_a
        forced_b |= want_b


def build(year):
    """The year's published tables: extended with totals, hidden cells as None."""
    found = _year_tables(year)
    extended = [suppression.extended(t["cells"]) for t in found]
    first, second = _suppress_together(extended[0], extended[1])
    third = suppression.suppress(extended[2])
    for table, cells, (hidden, withheld) in zip(
        found, extended, (first, second, third), strict=True
    ):
        table["cells"] = None if withheld else suppression.shown(cells, hidden)
    return found


@transaction.atomic
def publish(actor, year, *, request=None):
    snapshot = Snapshot.objects.create(
        period=str(year),
        published_by=actor,
        published_at=timezone.now(),
        tables={"tables": build(year)},
    )
    record("stats.publish", request=request, actor=actor, obj=snapshot, fields=["period"])
    return snapshot


def latest():
    """The last publication of each year, newest year first."""
    seen, out = set(), []
    for snapshot in Snapshot.objects.order_by("-period", "-published_at"):
        if snapshot.period not in seen:
            seen.add(snapshot.period)
            out.append(snapshot)
    return out
