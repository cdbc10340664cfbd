"""Rows written a batch at a time, a column at a time.

Each writer (CSV, XLSX) says how a column of guarded values is written, as one template for
its cells and the values the template takes; a row is then one ``%`` in C rather than a
step per cell in Python, which on a million rows of fourteen cells is most of a writer's
time.
"""

from itertools import islice

from lindungi.stats.exports.cells import safe_columns

BATCH = 2000


def formatted(rows, column, *, between="", start="", end=""):
    """``rows`` (a list) as text: ``column(values)`` gives a column's (cell template,
    values); cells joined by ``between``, each row in ``start`` … ``end``."""
    if len(set(map(len, rows))) > 1:  # rows of different lengths: one at a time
        return "".join(
            formatted([row], column, between=between, start=start, end=end) for row in rows
        )
    parts = [column(values) for values in safe_columns(rows)]
    if not parts:
        return (start + end) * len(rows)
    template = start + between.join(part for part, _values in parts) + end
    return "".join(
        [template % row for row in zip(*(values for _part, values in parts), strict=True)]
    )


def batched(rows):
    """``rows`` (any iterable, read once) as lists of ``BATCH`` rows."""
    rows = iter(rows)
    while batch := list(islice(rows, BATCH)):
        yield batch
