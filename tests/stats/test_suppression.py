"""Small-cell suppression (issue 16): no hidden cell is a bridge of the rows-and-columns
graph, and an attacker's linear recovery never pins a hidden value.

The attack is exact (fractions, no solver): the published figures are linear equations in
the hidden cells; a hidden cell is pinned by linear bounds only if every solution of the
equations near the true table gives it the same value. For each hidden cell the test finds a
direction in the equations' null space that moves it, and checks that the true table moved
a little that way and the other still agrees with every published figure and stays at or
above zero: two tables an attacker cannot tell apart, with different values in that cell.
"""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from lindungi.stats.suppression import K, bridges, extended, shown, suppress

# Small and zero cells are what matter: a table of counts that is mostly small.
VALUES = st.one_of(st.integers(0, 12), st.integers(0, 60))
TABLES = st.integers(1, 5).flatmap(
    lambda width: st.lists(st.lists(VALUES, min_size=width, max_size=width), min_size=1, max_size=5)
)


def _equations(table, hidden):
    """Rows: coefficients over the hidden cells (in ``order``); each sums to a constant."""
    order = sorted(hidden)
    last_row, last_col = len(table) - 1, len(table[0]) - 1
    lines = [[(r, c) for c in range(last_col + 1)] for r in range(last_row + 1)]
    lines += [[(r, c) for r in range(last_row + 1)] for c in range(last_col + 1)]
    equations = []
    for line in lines:
        # A line's cells add up to its total (the last one): the total counts -1.
        coefficients = [0] * len(order)
        for cell in line:
            if cell in hidden:
                sign = -1 if _is_total(cell, line, last_row, last_col) else 1
                coefficients[order.index(cell)] += sign
        equations.append(coefficients)
    return order, equations


def _is_total(cell, line, last_row, last_col):
    along_row = line[0][0] == line[-1][0]  # an extended table has two cells a line at least
    return cell[1] == last_col if along_row else cell[0] == last_row


def _null_space(matrix, width):
    rows = [[Fraction(x) for x in row] for row in matrix]
    pivots, r = [], 0
    for c in range(width):
        pivot = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        rows[r] = [x / rows[r][c] for x in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c] != 0:
                rows[i] = [a - rows[i][c] * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append(c)
        r += 1
    free = [c for c in range(width) if c not in pivots]
    basis = []
    for f in free:
        vector = [Fraction(0)] * width
        vector[f] = Fraction(1)
        for i, p in enumerate(pivots):
            vector[p] = -rows[i][f]
        basis.append(vector)
    return basis


def _published_agree(table, other, hidden):
    """``other`` shows what ``table`` shows and keeps every sum."""
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            if (r, c) not in hidden and other[r][c] != value:
                return False
    rows_ok = all(sum(row[:-1]) == row[-1] for row in other)
    columns_ok = all(
        sum(row[c] for row in other[:-1]) == other[-1][c] for c in range(len(other[0]))
    )
    return rows_ok and columns_ok and all(x >= 0 for row in other for x in row)


@settings(max_examples=150, deadline=None)
@given(TABLES)
def test_no_hidden_cell_is_a_bridge_and_none_can_be_pinned(cells):
    table = extended(cells)
    hidden, withheld = suppress(table)
    published = shown(table, hidden)
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            if 0 < value < K:
                assert published[r][c] is None
            if value == 0:
                assert published[r][c] == 0
    if withheld:
        return
    assert not bridges(hidden)
    order, equations = _equations(table, hidden)
    basis = _null_space(equations, len(order))
    for index, cell in enumerate(order):
        direction = next(v for v in basis if v[index] != 0)  # StopIteration = pinned
        step = 1 / max(abs(x) for x in direction)
        moved = [list(map(Fraction, row)) for row in table]
        for (r, c), delta in zip(order, direction, strict=True):
            moved[r][c] += step * delta
        assert moved[cell[0]][cell[1]] != table[cell[0]][cell[1]]
        assert _published_agree(table, moved, hidden)


def test_two_hidden_in_each_row_and_column_is_not_enough_when_one_is_a_bridge():
    # The 3s are hidden; rows 0-1 and columns 0-1 form a cycle, but the total cells of
    # row 2 and column 2 hang on by one edge each until more is hidden.
    table = extended([[3, 3, 50], [3, 3, 50], [50, 50, 4]])
    hidden, withheld = suppress(table)
    assert not withheld and not bridges(hidden)
    assert (2, 2) in hidden


def test_a_rectangle_with_hidden_cells_is_preferred_and_zeros_stay_shown():
    table = extended([[5, 20, 0], [30, 40, 0]])
    hidden, _withheld = suppress(table)
    assert (0, 1) in hidden and (1, 0) in hidden and (1, 1) in hidden
    assert (0, 2) not in hidden and (1, 2) not in hidden
