"""The rows of a related table as one JSON value of each row of a list.

A list page that shows, for each of its fifty rows, a few facts of related rows (a case's
survivors, its workers, its open services) would otherwise run one more query per related
table. Each of those queries costs the ORM more time to build than the database spends on
it, so the related rows come inside the list's own query instead, as a correlated subquery
that aggregates them into a JSON array: ``json_group_array`` on SQLite, ``jsonb_agg`` on
PostgreSQL. Only plain columns go in (never encrypted ones: they are decrypted by their
field, which a JSON value bypasses).
"""

from django.db.models import Aggregate, JSONField, Subquery
from django.db.models.functions import JSONArray


class JSONList(Aggregate):
    """The values of a group's rows as one JSON array, in no particular order."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def json_rows(queryset, owner, *fields):
    """A subquery for ``annotate``: the rows of ``queryset`` (filtered on
    ``owner=OuterRef(...)``) as a JSON array of ``[field, ...]`` arrays, or None when
    there are none. Dates and times come back as ISO strings, ids as strings."""
    rows = queryset.order_by().values(owner).annotate(rows=JSONList(JSONArray(*fields)))
    return Subquery(rows.values("rows"), output_field=JSONField())
