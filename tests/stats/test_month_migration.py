"""The rollup by month for a deployment counting already (stats.0003_month_tally): its
rows are the day rows summed, so the pages, which read it, show what they showed."""

import uuid
from datetime import date

from tests.browser.marks import commits
from tests.migrations import migrate, models_at
from tests.stats.world import month_tallies


@commits
def test_a_deployment_counting_already_gets_its_month_rows_from_its_day_rows():
    migrate([("stats", "0002_row_export")])
    old = models_at([("stats", "0002_row_export")]).get_model("stats", "Tally")
    key = {"unit_id": uuid.uuid4(), "kota": "31.71", "measure": "incidents", "dimension": "total"}
    for day, n in ((date(2026, 10, 1), 2), (date(2026, 10, 31), 3), (date(2026, 11, 1), 4)):
        old.objects.create(day=day, count=n, **key)
    migrate()
    assert month_tallies() == {
        (str(key["unit_id"]), month, "31.71", "", "incidents", "total", ""): n
        for month, n in (("2026-10-01", 5), ("2026-11-01", 4))
    }
