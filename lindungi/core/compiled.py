"""A list's per-row subqueries, compiled to SQL once instead of on every request.

A list page annotates each of its rows with a few correlated subqueries (a case's last note,
its survivors, its open services). Django builds and compiles each of them again for every
request, and that cost more than running them: about a third of a millisecond each, where
SQLite answers the whole page in about one. These subqueries depend on nothing but the
row (``OuterRef("pk")``) and constants, so their SQL is the same every time: it is compiled
once per database vendor, on first use, from the ORM expression itself (never written by
hand), and reused.

Why the ORM cannot do this by itself (Django 5.2):

- It keeps no compiled SQL: a queryset, and every expression in it, is resolved and
  compiled again each time it runs. With the caseload's five row subqueries, what they add
  to compiling the list's query was 13 to 19 times as much as ORM expressions as compiled
  once here (PostgreSQL and SQLite, December 2026).
- A correlated subquery has no SQL of its own to keep: ``queryset.query.sql_with_params()``
  (and ``str(queryset.query)``) raise "This queryset contains a reference to an outer
  query and may only be used in a subquery" until an outer query resolves ``OuterRef``.
- ``RawSQL`` takes SQL that already exists, and the SQL differs by database
  (``json_group_array`` on SQLite, ``jsonb_agg`` on PostgreSQL), so it can only be made once
  a connection is known, which is what ``Compiled.as_sql`` receives.

So ``Compiled`` resolves the expression against an outer query of the model's table, as
Django does when it annotates, and keeps what the ORM's compiler makes of it: no SQL is
cut out of a larger statement. The SQL refers to the outer row by the model's table name,
so a ``Compiled`` expression belongs in queries of that model (a ``TypeError`` otherwise).
Such a query may itself become a subquery of another (``case__in=cases.values("pk")``),
where Django renames its table (``U0``): the kept SQL would then name the outer query's
table, or nothing, so there the expression is resolved and compiled for that query, as the
ORM would have done (``_outer`` follows the renaming).

A subquery may also take values that change from one request to the next (the user who
asks, the time): each is a ``Param`` in the expression, compiled as a placeholder, and
``bind`` gives the values for one query. They are turned into database values by their
field, as the ORM turns a value compared in a filter.
"""

import pickle

from django.db.models import Expression
from django.db.models.sql import Query


class Param(Expression):
    """A value the subquery takes each time it runs, named ``name``, of ``output_field``'s
    type. Compiled, it leaves itself in the parameters, for ``Bound`` to replace."""

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]


class Compiled(Expression):
    """``subquery`` (an ORM expression over ``model``'s rows through ``OuterRef("pk")``)
    as SQL compiled once per database vendor."""

    def __init__(self, model, subquery, output_field):
        super().__init__(output_field=output_field)
        self.model = model
        self.subquery = subquery
        # Resolving an expression binds its OuterRef in place (Django shares a query's
        # lookups between its clones), so each resolution starts from a copy of this one.
        self._pristine = pickle.dumps(subquery)
        self._compiled = {}  # shared by the copies the ORM makes
        self._outer = None  # the alias of the model's row in the query it is resolved in

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        if self._outer is not None:
            # Resolved already: a query that becomes a subquery resolves its conditions
            # again against the outer query (for OuterRef), which is not this one's.
            return self
        if query is None or query.model is None:
            raise TypeError("a compiled expression belongs in a query of its model")
        if query.model._meta.db_table != self.model._meta.db_table:
            raise TypeError(
                f"compiled for {self.model._meta.label}, used in {query.model._meta.label}"
            )
        resolved = self.copy()
        resolved._outer = query.base_table if query.alias_map else query.get_initial_alias()
        return resolved

    def relabeled_clone(self, change_map):
        # The query became a subquery of another, its tables renamed (``Query.bump_prefix``).
        relabeled = self.copy()
        relabeled._outer = change_map.get(self._outer, self._outer)
        return relabeled

    def as_sql(self, compiler, connection):
        if self._outer != self.model._meta.db_table:
            # Inside another query: the kept SQL names the table, not this query's alias.
            resolved = self._fresh().resolve_expression(compiler.query, allow_joins=True)
            sql, params = compiler.compile(resolved)
            return sql, tuple(params)
        if connection.vendor not in self._compiled:
            self._compiled[connection.vendor] = self._compile(connection)
        return self._compiled[connection.vendor]

    def bind(self, **values):
        """This expression with its ``Param`` values for one query."""
        return Bound(self, values)

    def _fresh(self):
        return pickle.loads(self._pristine)  # noqa: S301 - our own expression, pickled above

    def _compile(self, connection):
        # The ORM's own steps for an annotation: resolve the expression against a query of
        # the model (its OuterRef becomes that query's table), then compile it.
        outer = Query(self.model)
        resolved = self._fresh().resolve_expression(outer, allow_joins=True, reuse=None)
        sql, params = outer.get_compiler(connection=connection).compile(resolved)
        return sql, tuple(params)


def compiled(model, expressions):
    """``{name: expression}`` with each expression compiled once (see ``Compiled``)."""
    return {
        name: Compiled(model, expression, expression.output_field)
        for name, expression in expressions.items()
    }


class Bound(Expression):
    """A ``Compiled`` expression with the values of its ``Param`` placeholders."""

    def __init__(self, compiled, values):
        super().__init__(output_field=compiled.output_field)
        self.compiled = compiled
        self.values = values

    # The compiled expression is resolved and relabeled with the query, by the ORM.
    def get_source_expressions(self):
        return [self.compiled]

    def set_source_expressions(self, exprs):
        (self.compiled,) = exprs

    def as_sql(self, compiler, connection):
        sql, params = self.compiled.as_sql(compiler, connection)
        return sql, tuple(
            param.output_field.get_db_prep_value(self.values[param.name], connection)
            if isinstance(param, Param)
            else param
            for param in params
        )
