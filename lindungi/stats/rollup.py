"""The rollups (``Tally``): counts by day and dimension, kept by ``lindungi worker``.

Why the worker and not the change's own transaction: every case of a kota and a day adds to
the same rollup rows, so updating them inside each action would make every action in the
city wait on the same row locks (and on SQLite lengthen the one writer's transaction). The
change only marks its case (``marks``), in its own transaction; the worker, one at a time
(a lock row), recounts the marked cases within a minute, subtracts what each added before
(``Contribution``) and adds what it adds now. A statistic a minute late is harmless; a
case-worker waiting on a statistic is not. ``rebuild`` starts again from the records.

Each change goes to the rollup by day (``Tally``) and, summed by month, to the rollup by
month (``MonthTally``) in the same transaction: the pages ask for whole months and read the
latter, so a year's page reads up to 31 times fewer rows.
"""

from collections import Counter

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from lindungi.core.bulk import Writer
from lindungi.stats import merge
from lindungi.stats.counts import case_keys, cases_with_parts
from lindungi.stats.marks import mark_expired_consents
from lindungi.stats.models import Contribution, MonthTally, PendingCase, RollupLock, Tally

BATCH = 500
# The rebuild merges its counts into the rollups when it holds this many keys (about 100 MB).
FLUSH_KEYS = 500_000
FIELDS = ("day", "kota", "gbv_type", "measure", "dimension", "value")
MONTH_FIELDS = ("month", *FIELDS[1:])


def _lock():
    lock, _new = RollupLock.objects.select_for_update().get_or_create(pk=1)
    today = timezone.localdate()
    if lock.consents_checked_on != today:
        mark_expired_consents(lock.consents_checked_on or today, today)
        lock.consents_checked_on = today
        lock.save(update_fields=["consents_checked_on"])


def contribution(unit_id, counter):
    """What ``Contribution.keys`` keeps of ``counter`` (what a case adds, by key): the unit
    once, then each key with its count, ``{"unit": id, "keys": [[day, kota, gbv type,
    measure, dimension, value, count], ...]}``. Half the size of the form written before
    4 December 2026, the unit in each row (about 95 rows a case): a million seeded cases'
    JSON is a fifth of the database's work of writing them. ``contribution_rows`` reads
    both."""
    return {"unit": str(unit_id), "keys": [[*key, n] for key, n in sorted(counter.items()) if n]}


def contribution_rows(keys):
    """The rows ``[unit id, day, kota, gbv type, measure, dimension, value, count]`` of a
    stored ``Contribution.keys``, in either form (``contribution``'s or the list of such
    rows written before)."""
    if isinstance(keys, dict):
        unit = keys["unit"]
        return [[unit, *row] for row in keys["keys"]]
    return keys


def _stored(keys):
    return Counter({(row[0], *row[1:-1]): row[-1] for row in map(tuple, contribution_rows(keys))})


def by_month(counter):
    """``counter``'s keys (unit id, day, ...) summed by month (unit id, month's first day, ...)."""
    months: Counter = Counter()
    for (unit_id, day, *key), n in counter.items():
        months[(unit_id, day[:8] + "01", *key)] += n
    return months


def _apply_to(model, fields, delta):
    for (unit_id, *key), n in delta.items():
        if not n:
            continue
        where = dict(zip(("unit_id", *fields), (unit_id, *key), strict=True))
        if not model.objects.filter(**where).update(count=F("count") + n):
            model.objects.create(count=n, **where)
    model.objects.filter(count=0).delete()


def _apply(delta):
    _apply_to(Tally, FIELDS, delta)
    _apply_to(MonthTally, MONTH_FIELDS, by_month(delta))


def _recount(case_ids):
    """The change in the rollups from these cases' contributions then and now."""
    delta: Counter = Counter()
    old = Contribution.objects.in_bulk(case_ids)
    found = set()
    for case in cases_with_parts(case_ids):
        found.add(case.pk)
        keys = contribution(case.unit_id, case_keys(case))
        delta.update(_stored(keys))
        Contribution.objects.update_or_create(case_id=case.pk, defaults={"keys": keys})
    for before in old.values():
        delta.subtract(_stored(before.keys))
    Contribution.objects.filter(case_id__in=set(case_ids) - found).delete()
    return delta


def apply_pending(limit=BATCH):
    """Recount the cases marked since the last run (the worker's job); how many."""
    with transaction.atomic():
        _lock()
        pending = list(PendingCase.objects.order_by("id").values_list("id", "case_id")[:limit])
        if not pending:
            return 0
        case_ids = {case_id for _id, case_id in pending}
        _apply(_recount(case_ids))
        PendingCase.objects.filter(id__in=[row_id for row_id, _case in pending]).delete()
    return len(case_ids)


def apply_all():
    """Run ``apply_pending`` until nothing is marked (tests, the rebuild command)."""
    total = 0
    while handled := apply_pending():
        total += handled
    return total


def _chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def rebuild():
    """Every rollup again from the records; returns the number of cases counted.

    In one transaction (a reader sees the old rollups until the new ones are complete),
    at a memory that does not grow with the cases: contributions written every
    ``BATCH`` cases, the counts merged into the rollups every ``FLUSH_KEYS`` keys, both
    with ``COPY`` on PostgreSQL (``core.bulk``), as ``lindungi seed`` writes them."""
    with transaction.atomic():
        _lock()
        PendingCase.objects.all().delete()
        Contribution.objects.all().delete()
        Tally.objects.all().delete()
        MonthTally.objects.all().delete()
        writer = Writer(connection, timezone.now())
        total: Counter = Counter()
        counted = 0
        for chunk in _chunks(cases_with_parts().iterator(chunk_size=BATCH), BATCH):
            contributions = []
            for case in chunk:
                keys = contribution(case.unit_id, case_keys(case))
                if keys["keys"]:
                    contributions.append({"case_id": case.pk, "keys": keys})
                    total.update(_stored(keys))
            writer.write(Contribution, contributions)
            counted += len(contributions)
            if len(total) >= FLUSH_KEYS:
                merge.add_counts(writer, total)
                total.clear()
        merge.add_counts(writer, total)
    return counted
