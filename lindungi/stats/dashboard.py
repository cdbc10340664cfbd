"""The statistics dashboard: counts from the rollups, for the scope the role may see
(``access``), filtered by period, kota and GBVIMS type. Charts with their tables beside."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.cases.vocabulary import (
    GbvType,
    PlaceType,
    ReportingDelay,
    Sex,
    SimfoniAgeBand,
    ViolenceType,
    VulnerableGroup,
)
from lindungi.places.models import Region, RegionLevel
from lindungi.stats import charts, tables
from lindungi.stats.vocabulary import MEASURES


def kotas():
    """The deployment's kab/kota, by code."""
    return list(Region.objects.filter(level=RegionLevel.REGENCY_CITY).values_list("code", "name"))


def month_choices(today):
    start = date(today.year - 10, 1, 1)
    return [(m, m) for m in reversed(tables.months(start, today))]


class FilterForm(forms.Form):
    start = forms.ChoiceField(label=_("From month"))
    end = forms.ChoiceField(label=_("To month"))
    kota = forms.ChoiceField(label=_("Kota"), required=False)
    gbv_type = forms.ChoiceField(label=_("GBVIMS type"), required=False)

    def __init__(self, data, today):
        super().__init__(data)
        months = month_choices(today)
        self.fields["start"].choices = months
        self.fields["end"].choices = months
        self.fields["kota"].choices = [("", _("Every kota")), *kotas()]
        self.fields["gbv_type"].choices = [("", _("Every type")), *GbvType.choices]

    def filters(self, units):
        data = self.cleaned_data
        start = date.fromisoformat(data["start"] + "-01")
        end_month = date.fromisoformat(data["end"] + "-01")
        start, end_month = min(start, end_month), max(start, end_month)
        next_month = date(end_month.year + end_month.month // 12, end_month.month % 12 + 1, 1)
        return tables.Filters(
            start=start,
            end=date.fromordinal(next_month.toordinal() - 1),
            kota=data["kota"],
            gbv_type=data["gbv_type"],
            units=units,
        )


def default_query(today):
    start = date(today.year - 1, today.month, 1)
    return {"start": start.strftime("%Y-%m"), "end": today.strftime("%Y-%m")}


def _labelled(counts, choices):
    """[(label, n)] in the vocabulary's order, then any other codes."""
    labels = dict(choices)
    rows = [(label, counts.get((code,), 0)) for code, label in labels.items()]
    rows += [(code, n) for (code,), n in sorted(counts.items()) if code not in labels]
    return rows


def breakdowns():
    """The tables beside the charts: (caption, header, rows of (label, n))."""
    yes_no = [("yes", _("Yes")), ("no", _("No"))]
    age, delay = SimfoniAgeBand.choices, ReportingDelay.choices
    groups, violence = VulnerableGroup.choices, ViolenceType.choices
    return [
        (_("Survivors by age at the incident"), _("Age"), "survivors", "age_band", age),
        (_("Survivors by sex"), _("Sex"), "survivors", "sex", Sex.choices),
        (_("Survivors by vulnerable group"), _("Group"), "survivors", "group", groups),
        (_("Survivors with a disability"), _("Disability"), "survivors", "disability", yes_no),
        (_("Incidents by SIMFONI violence type"), _("Type"), "incidents", "violence", violence),
        (_("Incidents by place"), _("Place"), "incidents", "place", PlaceType.choices),
        (_("Incidents by time to report"), _("Time to report"), "reports", "delay", delay),
        (_("Alleged perpetrators by relationship"), _("Relationship"), "perpetrators",
         "relationship", ()),
        (_("Services given"), _("Service"), "services", "service", ()),
    ]  # fmt: skip


def trends(filters, kota_names):
    """Incidents by month, by kota, and by kota and GBVIMS type: charts and their tables."""
    trend = tables.by(filters, "incidents", "total", "month")
    trend_rows = [(m, trend.get((m,), 0)) for m in tables.months(filters.start, filters.end)]
    by_kota = tables.by(filters, "incidents", "total", "kota")
    kota_rows = [
        (kota_names.get(code, code or _("Not known")), n) for (code,), n in sorted(by_kota.items())
    ]
    by_type = tables.by(filters, "incidents", "total", "kota", "gbv_type")
    types = [code for code, _label in GbvType.choices]
    kota_codes = sorted({kota for kota, _gbv in by_type})
    stacked_rows = [
        (kota_names.get(k, k or _("Not known")), [by_type.get((k, t), 0) for t in types])
        for k in kota_codes
    ]
    return {
        "trend_rows": trend_rows,
        "trend_chart": charts.trend(_("Incidents by month"), [(m[2:], n) for m, n in trend_rows]),
        "kota_rows": kota_rows,
        "kota_chart": charts.bars(_("Incidents by kota"), kota_rows),
        "type_labels": [label for _code, label in GbvType.choices],
        "stacked_rows": stacked_rows,
        "stacked_chart": charts.stacked(_("Incidents by kota and GBVIMS type"), stacked_rows),
    }


def totals(filters):
    return [
        (MEASURES[m], tables.total(filters, m))
        for m in ("cases", "survivors", "incidents", "perpetrators")
    ]


def dashboard_context(filters):
    return {
        "totals": totals(filters),
        **trends(filters, dict(kotas())),
        "breakdowns": [
            (caption, header, _labelled(tables.by(filters, measure, dim, "value"), choices))
            for caption, header, measure, dim, choices in breakdowns()
        ],
    }


def today():
    return timezone.localdate()
