"""The public statistics at /statistik-publik/: no login, the public frame with its quick
exit, the last publication of each year only (``snapshots``), and the same as CSV. Hidden
cells show as "x"."""

from django.http import Http404, HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lindungi.cases.vocabulary import GbvType, SimfoniAgeBand
from lindungi.intake.public import public_page
from lindungi.intake.public import render_public as render
from lindungi.stats import snapshots
from lindungi.stats.dashboard import kotas
from lindungi.stats.exports.files import csv_bytes

HIDDEN = "x"


def _titles():
    return {
        "month_kota": (_("Incidents by month and kota"), _("Month")),
        "kota_type": (_("Incidents by kota and GBVIMS type"), _("Kota")),
        "kota_age": (_("Survivors by kota and age at the incident"), _("Kota")),
    }


def _labels():
    return {**dict(kotas()), **dict(GbvType.choices), **dict(SimfoniAgeBand.choices)}


def _readable(snapshot):
    """The snapshot's tables with labels, totals named, hidden cells as ``HIDDEN``."""
    labels, titles = _labels(), _titles()
    out = []
    for table in snapshot.tables["tables"]:
        title, corner = titles[table["key"]]
        columns = [str(labels.get(c, c)) for c in table["columns"]] + [_("Total")]
        rows = [str(labels.get(r, r)) for r in table["rows"]] + [_("Total")]
        cells = table["cells"]
        body = (
            [[HIDDEN if v is None else v for v in row] for row in cells]
            if cells is not None
            else None
        )
        out.append(
            {
                "title": title,
                "corner": corner,
                "columns": columns,
                "rows": list(zip(rows, body or [], strict=False)),
                "withheld": cells is None,
            }
        )
    return out


@public_page
@require_http_methods(["GET"])
def public_statistics(request):
    published = [(s, _readable(s)) for s in snapshots.latest()]
    return render(request, "stats/public.html", {"published": published, "hidden": HIDDEN})


@public_page
@require_http_methods(["GET"])
def public_csv(request, year):
    snapshot = next((s for s in snapshots.latest() if s.period == str(year)), None)
    if snapshot is None:
        raise Http404
    rows = []
    for table in _readable(snapshot):
        for label, values in table["rows"]:
            rows += [
                [table["title"], label, column, v]
                for column, v in zip(table["columns"], values, strict=True)
            ]
    body = csv_bytes([_("Table"), _("Row"), _("Column"), _("Count")], rows)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statistik-{year}.csv"'
    return response


app_name = "public_stats"
urlpatterns = [
    path("", public_statistics, name="page"),
    path("<int:year>.csv", public_csv, name="csv"),
]
