"""The statistics of seeded cases: each counted case's contribution, written with the case,
and the rollups (``stats.Tally`` by day, ``stats.MonthTally`` by month) they add up to, as
the worker's recount would write them.

Seeded cases are not marked for the worker (``PendingCase``): recounting a million cases
through the database would take the worker hours. Their keys come from the function the
worker uses (``stats.counts.case_keys``), run on the drawn objects before they are written;
``stats.rollup.rebuild`` gives the same rollups from the records (tests/ops/test_seed.py).

The rollup rows are added up in memory by each seeder, written to a scratch table every
``FLUSH_CASES`` cases and at the end (``merge.Staging``: no lock, no index), and merged into
the rollups once, when every seeder is done: most keys are one day of one kota, so a batch's
own keys barely overlap, and the seeders' own merges wrote most rollup rows two to four
times. A seed killed before the merge leaves cases that the rollups miss; ``lindungi
stats-rebuild`` (``rollup.rebuild``) repairs it.
"""

import uuid
from collections import Counter

from lindungi.stats import merge
from lindungi.stats.counts import case_keys
from lindungi.stats.models import RollupLock
from lindungi.stats.rollup import contribution

FLUSH_CASES = 250_000
# What ``stats.course.with_course`` reads with a case for the quality indicators: a seeded
# case has no case work yet (no note, assessment, plan, police report or closure record).
NO_CASE_WORK = dict.fromkeys(
    (
        "first_note_at",
        "first_assessment_at",
        "plan_at",
        "police_due",
        "police_at",
        "police_reason",
        "closure_reason",
    )
)


class _Loaded(list):
    """A relation already loaded, as ``prefetch_related`` leaves it: ``.all()`` is itself."""

    def all(self):
        return self


def contributions(batch, tally: Counter):
    """The contribution rows of ``batch``'s counted cases (all of one unit); their keys are
    added to ``tally`` ((day, kota, gbv type, measure, dimension, value) -> count)."""
    perpetrators: dict = {}
    for perpetrator in batch.perpetrators:
        perpetrators.setdefault(perpetrator.incident_id, _Loaded()).append(perpetrator)
    counted: dict = {}
    for incident in batch.incidents:
        # What ``stats.eligibility`` counts: consent in force, not reported elsewhere.
        if incident.survivor_id in batch.counted and not incident.reported_elsewhere:
            incident._prefetched_objects_cache = {"perpetrators": perpetrators[incident.pk]}
            counted.setdefault(incident.case_id, []).append(incident)
    rows = []
    for case in batch.cases:
        case.counted_incidents = counted.get(case.pk, [])
        case.__dict__.update(NO_CASE_WORK)
        case._prefetched_objects_cache = {"services": _Loaded()}  # none given yet
        keys = case_keys(case)
        stored = contribution(case.unit_id, keys)
        if stored["keys"]:
            rows.append({"case_id": case.pk, "keys": stored})
        tally.update(keys)
    _forget(batch)
    return rows


def _forget(batch):
    """What ``case_keys`` read through, gone: a case's incidents and an incident's
    perpetrators point back at them, and such cycles are left to the garbage collector,
    which the seeder runs seldom (``seed._seed``)."""
    for case in batch.cases:
        del case.counted_incidents
        case._prefetched_objects_cache = {}
    for incident in batch.incidents:
        incident.__dict__.pop("_prefetched_objects_cache", None)


def staging():
    """A scratch table of this seed's own for the rollup counts (``merge.Staging``)."""
    return merge.Staging(f"seed_rollups_{uuid.uuid4().hex}")


def add_to_rollups(connection, unit, staged):
    """Add the counts ``staged`` (all of ``unit``'s cases) to the rollups by day and by month,
    under the rollups' lock (the worker's recount waits), and drop the scratch table."""

    def lock():
        RollupLock.objects.using(connection.alias).select_for_update().get_or_create(pk=1)

    try:
        staged.merge(connection, unit.pk, lock)
    finally:
        staged.drop(connection)
