"""The row-level export for the service's own use: one row per survivor of each case the
requester may export (the access module's ``row_export_needs``, asked through ``restrict``),
de-identified by default: her survivor code, age band at her first incident, sex, kota and
kecamatan, the case's dates and status, her incidents' types, the services given. Her name
only when asked for and allowed, and then the file is only ever written encrypted
(``row_exports``).

Every case the requester supervises is in it, not only those statistics count: it is the
service's record of its own work, not a statistic.

The rows are one SELECT (``query``), read from a server-side cursor in chunks, so memory
stays constant whatever their number. The database joins her case, her first incident and
the lists, and makes every value as it is written: the age band, the dates on the local
calendar, the lists sorted and joined. Python only hands each row to the writer (and
decrypts her name, when asked for). Three joined queries, each row made in Python, ran at
0.07× PostgreSQL's ``COPY`` (bench/RESULTS.md). The access module still decides what is in
it: each of the three tables the SELECT reads (survivors, incidents, services done) is a
queryset narrowed by ``restrict``, compiled into it as a subquery.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.models import CharField, F, Func
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg.pq import TransactionStatus

from lindungi.cases.access import row_export_needs
from lindungi.cases.classification import OLDEST_AGE_BAND
from lindungi.cases.classification import SIMFONI_AGE_BANDS as AGE_BANDS
from lindungi.cases.models import Client, ClientRole, Incident
from lindungi.casework.models import PlannedService, ServiceStatus

CHUNK = 2000
SEPARATOR = "; "


def header(names):
    """The columns' labels, in the language in force."""
    return [
        _("Survivor code"),
        *([_("Name")] if names else []),
        _("Sex"),
        _("Age at the incident"),
        _("Kota"),
        _("Kecamatan"),
        _("Case status"),
        _("Opened"),
        _("Closed"),
        _("Date of the first incident"),
        _("Date reported"),
        _("Incidents"),
        _("GBVIMS type"),
        _("SIMFONI violence type"),
        _("Services given"),
    ]


# The column names the audit row lists (names, never values).
FIELDS = [
    "survivor_code", "sex", "age_band", "kota", "kecamatan", "status", "opened_on",
    "closed_on", "first_incident_on", "first_reported_on", "incidents", "gbv_types",
    "violence_types", "services",
]  # fmt: skip


def fields(names):
    return [*FIELDS, "name"] if names else FIELDS


def _narrowed(model, user, names):
    """``model``'s rows on the cases the export may hold, each need narrowing in turn."""
    first, *more = row_export_needs(names)
    queryset = model.objects.restrict(user, first)
    for need in more:
        queryset = queryset.restrict(user, need)
    return queryset


def survivors(user, names):
    """The survivors the export holds (its row count, and its first table)."""
    return _narrowed(Client, user, names).filter(role=ClientRole.SURVIVOR)


class _IsoDate(Func):
    """A date as the text ``date.isoformat`` gives: SQLite keeps dates so; PostgreSQL's own
    text of a date follows its DateStyle, so the format is spelt out."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="to_char(%(expressions)s, 'YYYY-MM-DD')")


def _tables(user, names):
    """The three tables the export reads, each narrowed by the access module, with their
    dates as ISO text (the case's, on the local calendar): (SQL, parameters) each."""
    zone = timezone.get_current_timezone()
    people = survivors(user, names).order_by().values(
        "id", "case_id", "created_at", "sex", "age_estimate", "kelurahan_id",
        *(["name"] if names else []),
        code=F("case__survivor_code"),
        case_status=F("case__status"),
        opened_on=_IsoDate(TruncDate("case__opened_at", tzinfo=zone)),
        closed_on=_IsoDate(TruncDate("case__closed_at", tzinfo=zone)),
        born=_IsoDate("birth_date"),
    )  # fmt: skip
    incidents = _narrowed(Incident, user, names).order_by().values(
        "id", "case_id", "survivor_id", "gbv_type", "violence_types", "kelurahan_id",
        occurred=_IsoDate("occurred_on"), reported=_IsoDate("reported_on"),
    )  # fmt: skip
    services = _narrowed(PlannedService, user, names).filter(status=ServiceStatus.DONE)
    services = services.order_by().values("case_id", "type")
    return [q.query.sql_with_params() for q in (people, incidents, services)]


# What the two databases spell differently. ``listed``: one row per key of ``source``'s
# distinct non-empty values ``v``, sorted as Python sorts text (by code point: PostgreSQL's
# "C" collation, SQLite's own) and joined by SEPARATOR; SQLite before 3.44 has no ORDER BY
# in an aggregate, but a window's order holds for ``group_concat`` over it. ``elements``:
# the texts in an incident's list of violence types, one row each.
_VENDOR = {
    "postgresql": {
        "listed": "SELECT {keys}, string_agg(v, '{separator}' ORDER BY v COLLATE \"C\") "
        "AS listed FROM (SELECT DISTINCT {keys}, v FROM ({source}) AS e WHERE v <> '') AS d "
        "GROUP BY {keys}",
        "elements": "SELECT survivor_id, case_id, e.v FROM i CROSS JOIN LATERAL "
        "jsonb_array_elements_text(CASE jsonb_typeof(violence_types) WHEN 'array' "
        "THEN violence_types ELSE '[]'::jsonb END) AS e(v)",
    },
    "sqlite": {
        "listed": "SELECT DISTINCT {keys}, group_concat(v, '{separator}') OVER (PARTITION BY "
        "{keys} ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS listed "
        "FROM (SELECT DISTINCT {keys}, v FROM ({source}) AS e WHERE v <> '') AS d",
        "elements": "SELECT survivor_id, case_id, e.value AS v "
        "FROM i, json_each(i.violence_types) AS e WHERE e.type = 'text'",
    },
}

# One SELECT: p, i and s are the narrowed tables (``_tables``); f her first incident (by
# its date, or the day it was reported) and her number of incidents; g, v and sv the
# lists. Her age at the first incident in whole years is the difference of the two days
# written as numbers yyyymmdd, divided by 10,000 (negative ones, which truncate towards
# zero, all fall in the youngest band as they would in Python).
_QUERY = """
WITH p AS ({people}), i AS ({incidents}), s AS ({services}),
f AS (
  SELECT survivor_id, case_id, occurred, reported, kelurahan_id, n FROM (
    SELECT survivor_id, case_id, occurred, reported, kelurahan_id,
      ROW_NUMBER() OVER (
        PARTITION BY survivor_id, case_id ORDER BY COALESCE(occurred, reported), id
      ) AS k,
      COUNT(*) OVER (PARTITION BY survivor_id, case_id) AS n
    FROM i
  ) AS ranked WHERE k = 1
),
g AS ({gbv}), v AS ({violence}), sv AS ({given}),
q AS (
  SELECT p.id, p.case_id, p.created_at, p.code, p.sex, p.case_status, p.opened_on,
    p.closed_on, f.occurred, f.reported, f.n, g.listed AS gbv, v.listed AS violence,
    sv.listed AS given{name},
    COALESCE(NULLIF(f.kelurahan_id, ''), NULLIF(p.kelurahan_id, ''), '') AS place,
    COALESCE(f.occurred, f.reported) AS day,
    CASE WHEN p.born IS NULL THEN p.age_estimate
      ELSE (CAST(REPLACE(COALESCE(f.occurred, f.reported), '-', '') AS INTEGER)
        - CAST(REPLACE(p.born, '-', '') AS INTEGER)) / 10000 END AS age
  FROM p
  LEFT JOIN f ON f.survivor_id = p.id AND f.case_id = p.case_id
  LEFT JOIN g ON g.survivor_id = p.id AND g.case_id = p.case_id
  LEFT JOIN v ON v.survivor_id = p.id AND v.case_id = p.case_id
  LEFT JOIN sv ON sv.case_id = p.case_id
)
SELECT
  code || '/' || CAST(ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY created_at, id) AS TEXT),
  {name_column}sex,
  CASE WHEN day IS NULL OR age IS NULL THEN '' {bands} ELSE '{oldest}' END,
  SUBSTR(place, 1, 5), SUBSTR(place, 1, 8), case_status, opened_on, COALESCE(closed_on, ''),
  COALESCE(occurred, ''), COALESCE(reported, ''), COALESCE(n, 0), COALESCE(gbv, ''),
  COALESCE(violence, ''), COALESCE(given, '')
FROM q ORDER BY case_id, created_at, id
"""


def query(user, names):
    """The export's one SELECT and its parameters."""
    (people, first), (incidents, second), (services, third) = _tables(user, names)
    vendor = _VENDOR[connection.vendor]

    def listed(keys, source):
        return vendor["listed"].format(keys=keys, source=source, separator=SEPARATOR)

    by_survivor = "survivor_id, case_id"
    sql = _QUERY.format(
        people=people,
        incidents=incidents,
        services=services,
        gbv=listed(by_survivor, "SELECT survivor_id, case_id, gbv_type AS v FROM i"),
        violence=listed(by_survivor, vendor["elements"]),
        given=listed("case_id", "SELECT case_id, type AS v FROM s"),
        name=", p.name" if names else "",
        name_column="name, " if names else "",
        bands=" ".join(f"WHEN age <= {upper} THEN '{band}'" for upper, band in AGE_BANDS),
        oldest=OLDEST_AGE_BAND,
    )
    return sql, (*first, *second, *third)


@contextmanager
def without_jit():
    """PostgreSQL's planner, for the export, with its JIT compiler off, as it was before.
    The access module's subqueries make the planner's estimate of the query's cost several
    times what it is, far above ``jit_above_cost``: JIT then compiled, inlined and optimised
    the query for 3–6 s (bench/RESULTS.md), more than running it, which only reads, joins and
    sorts. The plan is made when the statement is sent, so the setting is put back then."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit')")
        (before,) = cursor.fetchone()
        cursor.execute("SET jit = off")
        try:
            yield
        finally:
            # A statement that failed inside a transaction left it aborted: a further one
            # would raise and hide that error, and the rollback puts the setting back anyway.
            if connection.connection.info.transaction_status != TransactionStatus.INERROR:
                cursor.execute("SELECT set_config('jit', %s, false)", [before])


def rows(user, names) -> Iterator[tuple]:
    """The export's rows, as they are read: the database makes each value as it is written,
    but her name, which is decrypted here."""
    sql, params = query(user, names)
    decrypt = Client._meta.get_field("name").from_db_value
    with connection.chunked_cursor() as cursor:
        with without_jit():
            cursor.execute(sql, params)
        while chunk := cursor.fetchmany(CHUNK):
            if names:
                chunk = [
                    (code, decrypt(name, None, connection), *rest) for code, name, *rest in chunk
                ]
            yield from chunk


def counted(source, every, report: Callable[[int], None]):
    """``source``'s rows, calling ``report(n)`` after every ``every`` rows and at the end."""
    n = 0
    for n, row in enumerate(source, 1):
        yield row
        if n % every == 0:
            report(n)
    report(n)
