"""The head of service's dashboard (issue 16): the city's trends, service coverage and the
quality indicators, all sums of the rollups (``tables``; the keys are ``course``'s), so the
page costs a few grouped queries on the rollup by month whatever the number of cases. Counts only:
nothing here reads a case.

Indicators are of the cases opened in the period (times, plans, coverage), the closures
approved in it (goals met) and the services given in it (on time)."""

from math import ceil

from django.utils.translation import gettext_lazy as _

from lindungi.cases.vocabulary import ServiceType, VulnerableGroup
from lindungi.stats import charts, course, dashboard, tables
from lindungi.stats.counts import SIMFONI_SERVICE


def percentile(histogram, share):
    """The nearest-rank percentile of {value: count} (values are whole hours), or None."""
    n = sum(histogram.values())
    if not n:
        return None
    rank, seen = ceil(share * n), 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return None  # pragma: no cover - the ranks add up to n


def share(part, whole):
    """A percentage to one decimal, or None of nothing."""
    return None if not whole else round(100 * part / whole, 1)


def _hours(filters, dimension):
    found = tables.by(filters, "cases", dimension, "value")
    return {int(value): n for (value,), n in found.items()}


def _values(filters, measure, dimension):
    return {value: n for (value,), n in tables.by(filters, measure, dimension, "value").items()}


def _time_row(label, histogram, sla=None):
    met = late = waiting = 0
    if sla is not None:
        met, late, waiting = (sla.get(v, 0) for v in ("met", "late", "waiting"))
    return {
        "label": label,
        "n": sum(histogram.values()),
        "median": percentile(histogram, 0.5),
        "p90": percentile(histogram, 0.9),
        "within": share(met, met + late + waiting) if sla is not None else None,
        "waiting": waiting if sla is not None else None,
    }


def quality(filters):
    """The ISO-style indicators: [rows of times], [(label, value)] of shares."""
    opened = tables.total(filters, "cases")
    plans = _values(filters, "cases", "plan")
    reasons = _values(filters, "closures", "reason")
    on_time = _values(filters, "services", "on_time")
    police = _values(filters, "cases", "police_sla")
    police_met, police_due = police.get("met", 0), sum(police.values())
    times = [
        _time_row(
            _("Time to first contact"),
            _hours(filters, "contact_h"),
            _values(filters, "cases", "contact_sla"),
        ),
        _time_row(_("Time to first assessment"), _hours(filters, "assess_h")),
        _time_row(_("Time to the service plan"), _hours(filters, "plan_h")),
    ]
    closed = sum(reasons.values())
    goals_met = reasons.get(course.GOALS_MET, 0)
    given = sum(on_time.values())
    shares = [
        (_("Cases opened"), opened),
        (_("Cases with a service plan (%)"), share(plans.get("yes", 0), opened)),
        (_("Police reports due"), police_due),
        (_("Police reports within 3×24 hours (%)"), share(police_met, police_due)),
        (_("Cases closed"), closed),
        (_("Closed with the survivor's goals met (%)"), share(goals_met, closed)),
        (_("Services given"), given),
        (_("Services given by their due date (%)"), share(on_time.get("met", 0), given)),
    ]  # fmt: skip
    return times, shares


def _service_columns():
    """(code, label) of the services a case can be given, SIMFONI's codes."""
    return [(SIMFONI_SERVICE.get(code, code), label) for code, label in ServiceType.choices]


def coverage(filters, kota_names):
    """Per kota: cases opened, the share given at least one service, and each service's."""
    opened = tables.by(filters, "cases", "total", "kota")
    served = tables.by(filters, "cases", "served", "kota", "value")
    columns = _service_columns()
    rows = []
    for (kota,), n in sorted(opened.items()):
        name = kota_names.get(kota, kota or _("Not known"))
        shares = [share(served.get((kota, code), 0), n) for code, _label in columns]
        rows.append((name, n, share(served.get((kota, course.ANY), 0), n), shares))
    return [label for _code, label in columns], rows


def group_trends(filters):
    """Survivors by vulnerable group, month by month: (labels, rows of (month, [n per group]),
    [total per group]). A survivor can be in more than one group (a girl with a disability
    is a child and a person with a disability), so the groups do not add up to survivors."""
    found = tables.by(filters, "survivors", "group", "month", "value")
    codes = [code for code, _label in VulnerableGroup.choices]
    rows = [
        (month, [found.get((month, code), 0) for code in codes])
        for month in tables.months(filters.start, filters.end)
    ]
    totals = [sum(values[i] for _m, values in rows) for i in range(len(codes))]
    return [label for _code, label in VulnerableGroup.choices], rows, totals


def head_context(filters):
    kota_names = dict(dashboard.kotas())
    context = dashboard.trends(filters, kota_names)
    times, shares = quality(filters)
    service_labels, coverage_rows = coverage(filters, kota_names)
    group_labels, group_rows, group_totals = group_trends(filters)
    any_rows = [(name, value or 0) for name, _n, value, _s in coverage_rows]
    return {
        **context,
        "times": times,
        "shares": shares,
        "service_labels": service_labels,
        "coverage_rows": coverage_rows,
        "coverage_chart": charts.bars(_("Cases given at least one service (%)"), any_rows),
        "group_labels": group_labels,
        "group_rows": group_rows,
        "group_totals": group_totals,
        "group_chart": charts.lines(
            _("Survivors by vulnerable group and month"), [(m[2:], v) for m, v in group_rows]
        ),
    }
