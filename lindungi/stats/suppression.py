"""Small-cell suppression for published two-way tables, done right (docs/glossary.md).

A table is published with its row totals, column totals and grand total. Cells from 1 to
``K - 1`` are hidden (primary suppression), totals included. A hidden cell can be worked
out exactly from what is shown if and only if it is a *bridge* of the graph whose nodes
are the rows and columns (the totals' row and column included) and whose edges are the
hidden cells (Gusfield, SIAM J. Computing 17(3), 1988). So more cells are hidden
(complementary suppression) until no hidden cell is a bridge: for each bridge, the
cheapest path between its row and its column through other cells closes a cycle around it
— hidden cells cost nothing, a shown cell costs one more hidden cell (a rectangle with cells
already hidden is the cheapest), small values before large; zeros are never hidden, so a
zero is shown as zero. Every hidden cell is then at least 1, and a cycle lets it move by
one either way: no hidden value can be pinned. A table no cycle can protect is withheld.

Pure functions over lists of ints; ``None`` marks a hidden cell in what they return.
"""

import heapq

K = 10  # local choice (docs/glossary.md): counts 1–9 hidden


def extended(cells):
    """The table with its row totals as a last column and a totals row below."""
    rows = [[*row, sum(row)] for row in cells]
    width = len(rows[0]) if rows else 1
    return [*rows, [sum(row[j] for row in rows) for j in range(width)]]


def _adjacency(hidden):
    graph = {}
    for r, c in hidden:
        graph.setdefault(("r", r), set()).add(("c", c))
        graph.setdefault(("c", c), set()).add(("r", r))
    return graph


def bridges(hidden):
    """The hidden cells (row, column) that are bridges of the rows-and-columns graph."""
    graph = _adjacency(hidden)
    order, low, found = {}, {}, set()
    for root in graph:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack = [(root, None, iter(graph[root]))]
        while stack:
            node, parent, neighbours = stack[-1]
            step = next(neighbours, None)
            if step is None:
                stack.pop()
                if parent is not None:
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        found.add(_cell(parent, node))
            elif step == parent:
                continue
            elif step in order:
                low[node] = min(low[node], order[step])
            else:
                order[step] = low[step] = len(order)
                stack.append((step, node, iter(graph[step])))
    return found


def _cell(a, b):
    row, column = (a, b) if a[0] == "r" else (b, a)
    return row[1], column[1]


def _closing_path(table, hidden, bridge):
    """The shown cells to hide so that a cycle passes through ``bridge``, or None."""
    start, goal = ("r", bridge[0]), ("c", bridge[1])
    rows, columns = len(table), len(table[0])
    best = {start: 0}
    queue = [(0, 0, start, ())]
    while queue:
        cost, _tie, node, added = heapq.heappop(queue)
        if node == goal:
            return added
        if cost > best.get(node, cost):
            continue
        kind, index = node
        ends = range(columns) if kind == "r" else range(rows)
        for other in ends:
            cell = (index, other) if kind == "r" else (other, index)
            value = table[cell[0]][cell[1]]
            if cell == bridge or value == 0:
                continue
            extra = () if cell in hidden else (cell,)
            step_cost = cost + (0 if cell in hidden else 10**9 + value)
            neighbour = ("c", other) if kind == "r" else ("r", other)
            if step_cost < best.get(neighbour, step_cost + 1):
                best[neighbour] = step_cost
                heapq.heappush(queue, (step_cost, len(best), neighbour, added + extra))
    return None


def suppress(table, forced=()):
    """The hidden cells of ``table`` (already extended with its totals) as a set of
    (row, column), and whether the table must be withheld. ``forced`` cells are hidden too
    (a total another published table hides)."""
    hidden = {(r, c) for r, row in enumerate(table) for c, value in enumerate(row) if 0 < value < K}
    hidden |= {cell for cell in forced if table[cell[0]][cell[1]] != 0}
    while found := bridges(hidden):
        added = _closing_path(table, hidden, min(found))
        if added is None:
            return hidden, True
        hidden |= set(added)
    return hidden, False


def shown(table, hidden):
    """The table as published: ``None`` where hidden."""
    return [
        [None if (r, c) in hidden else value for c, value in enumerate(row)]
        for r, row in enumerate(table)
    ]
