"""``field__any=[...]``: ``__in`` with the list as one parameter on PostgreSQL; with a
subquery, its rows as that list."""

from django.db.models import Field, lookups


@Field.register_lookup
class Any(lookups.In):
    """Like ``__in``, but on PostgreSQL ``column = ANY(%s)`` with the whole list as one
    array parameter. The statement's text is then the same whatever the list's length, so
    it is prepared and planned once per connection (``config.database``) rather than once
    per length: a name search that found 7 cases and one that found 13 were two statements,
    the caseload's query with its per-row subqueries planned anew each time (about 3 ms at
    a million cases, five times its run). SQLite: ``IN (...)``, as ``__in``.

    With a subquery, on PostgreSQL ``column = ANY(ARRAY(subquery))``: the subquery runs once
    (an InitPlan) and its rows are probed on the column's index like a list, as if they
    had been read first and passed in, without the round trip. ``IN (subquery)`` is a
    semi-join, which the planner may run by walking the outer query's order and testing
    each row against the subquery's: at a million cases, a caseload read row by row
    for a handful of matches. SQLite: ``IN (subquery)``, which it runs as a list."""

    lookup_name = "any"

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if not self.rhs_is_direct_value():
            rhs, rhs_params = self.process_rhs(compiler, connection)  # "(SELECT ...)"
            return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)
        _marks, params = self.process_rhs(compiler, connection)  # EmptyResultSet for []
        return f"{lhs} = ANY(%s)", (*lhs_params, list(params))
