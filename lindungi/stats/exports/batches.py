"""Rows written a batch at a time, a column at a time.

Each writer (CSV, XLSX) says how a column of guarded values is written: the text before
each cell, the cells' texts, the text after each; a batch is then one ``str.join`` over
those pieces interleaved (in C) rather than a step per cell in Python, which on a million
rows of fourteen cells was most of a writer's time (and twice what ``template % row`` takes).
"""

from itertools import chain, islice, repeat

from lindungi.stats.exports.cells import safe_columns

BATCH = 2000


def formatted(rows, column, *, between="", start="", end=""):
    """``rows`` (a list) as text: ``column(values, joined)`` (``cells.safe_columns``) gives
    a column's (text before each cell, the cells' texts, text after each); cells joined by
    ``between``, each row in ``start`` … ``end``."""
    if len(set(map(len, rows))) > 1:  # rows of different lengths: one at a time
        return "".join(
            formatted([row], column, between=between, start=start, end=end) for row in rows
        )
    parts = [column(values, joined) for values, joined in safe_columns(rows)]
    if not parts:
        return (start + end) * len(rows)
    pieces, before = [], start
    for opening, texts, closing in parts:
        pieces += [repeat(before + opening), texts]
        before = closing + between
    pieces.append(repeat(parts[-1][2] + end))
    # Not strict: the repeated texts never end, the columns (of one length) end the rows.
    return "".join(chain.from_iterable(zip(*pieces, strict=False)))


def batched(rows):
    """``rows`` (any iterable, read once) as lists of ``BATCH`` rows."""
    rows = iter(rows)
    while batch := list(islice(rows, BATCH)):
        yield batch
