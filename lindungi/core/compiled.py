"""A list's per-row subqueries, compiled to SQL once instead of on every request.

A list page annotates each of its rows with a few correlated subqueries (a case's last note,
its survivors, its open services). Django builds and compiles each of them again for every
request, and that cost more than running them: about a third of a millisecond each, where
SQLite answers the whole page in about one. These subqueries depend on nothing but the
row (``OuterRef("pk")``) and constants, so their SQL is the same every time: it is compiled
once per database vendor, on first use, from the ORM expression itself (never written by
hand), and reused.

The SQL refers to the outer row by the model's table name, so a ``Compiled`` expression
belongs in queries whose base table is that model's and which do not join it again, as the
case lists are.
"""

from django.db.models import Expression


class Compiled(Expression):
    """``subquery`` (an ORM expression over ``model``'s rows through ``OuterRef("pk")``)
    as SQL compiled once per database vendor."""

    def __init__(self, model, subquery, output_field):
        super().__init__(output_field=output_field)
        self.model = model
        self.subquery = subquery
        self._compiled = {}

    def as_sql(self, compiler, connection):
        if connection.vendor not in self._compiled:
            self._compiled[connection.vendor] = self._compile(connection)
        return self._compiled[connection.vendor]

    def _compile(self, connection):
        # Compile a query that selects nothing but the subquery, then cut the subquery out
        # of it: "SELECT <subquery> AS "probe" FROM "<table>"".
        probe = self.model._default_manager.order_by().annotate(probe=self.subquery)
        sql, params = probe.values("probe").query.get_compiler(connection=connection).as_sql()
        quote = connection.ops.quote_name
        head, tail = "SELECT ", f" AS {quote('probe')} FROM {quote(self.model._meta.db_table)}"
        if not (sql.startswith(head) and sql.endswith(tail)):
            raise ValueError(f"unexpected SQL for a compiled subquery: {sql[:80]}")
        return sql[len(head) : -len(tail)], tuple(params)


def compiled(model, expressions):
    """``{name: expression}`` with each expression compiled once (see ``Compiled``)."""
    return {
        name: Compiled(model, expression, expression.output_field)
        for name, expression in expressions.items()
    }
