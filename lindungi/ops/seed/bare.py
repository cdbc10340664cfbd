"""Seeding a fresh database as ``pg_restore`` loads one: the tables first, their secondary
indexes (and on PostgreSQL their foreign keys) after.

Each row ``COPY``ed into a table with its indexes is also inserted into every index, at a
random place for a UUID (a million cases' indexes outgrow the shared buffers, and the seed
slowed down as they grew), and each foreign key fires a trigger per row that looks the
parent up (about 30% of PostgreSQL's work of the seed). Built after the load, an index is
one sort of the table and a foreign key one join of the two tables. SQLite's indexes are
dropped alike (each batch's inserts at random places in a dozen indexes made its checkpoints
write most of their pages again); its foreign keys are part of their table and stay.

The one rule: only when every table the seed writes is empty (a fresh database), so that
the indexes are rebuilt from the seeded rows alone, and nobody but the seed can have been
using them. Primary keys and unique constraints stay: the seed asks them (survivor codes),
other tables' foreign keys hang on them, and they are one index each. What is dropped is
restored on the way out whatever happened, with Ctrl-C held back until it is done, so the
schema is again exactly as the migrations made it (tests/ops/test_seed.py compares the
catalogue); only a seed killed outright (SIGKILL, power loss) during the load would leave
the indexes and foreign keys out.
"""

import signal
import threading
from contextlib import contextmanager

from django.db import connections, transaction

# The rebuilt indexes' sorts in memory (the default 64 MB spills a million cases' sorts to
# disk), and enough of it for PostgreSQL's parallel workers (32 MB each at least).
SORT_MEMORY = "512MB"


def _empty(cursor, tables):
    # The seeded models' own table names, quoted.
    exists = " OR ".join(f"EXISTS (SELECT 1 FROM {table})" for table in tables)  # noqa: S608
    cursor.execute(f"SELECT {exists}")
    return not cursor.fetchone()[0]


def _secondary(cursor, vendor, names):
    """(drop, create) statements of the tables ``names``' plain indexes and foreign keys, as
    the catalogue defines them (SQLite: indexes only)."""
    if vendor == "sqlite":
        marks = ", ".join(["%s"] * len(names))
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
            f"AND sql NOT LIKE 'CREATE UNIQUE%%' AND tbl_name IN ({marks}) ORDER BY name",
            names,
        )
        return [(f'DROP INDEX "{name}"', sql) for name, sql in cursor.fetchall()], []
    tables = [cursor.db.ops.quote_name(name) for name in names]
    cursor.execute(
        "SELECT format('DROP INDEX %%I', i.relname), pg_get_indexdef(x.indexrelid) "
        "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = ANY(%s::regclass[]) AND NOT x.indisunique "
        "AND NOT x.indisprimary ORDER BY i.relname",
        [tables],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT format('ALTER TABLE %%s DROP CONSTRAINT %%I', conrelid::regclass, conname), "
        "format('ALTER TABLE %%s ADD CONSTRAINT %%I ', conrelid::regclass, conname) "
        "|| pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype = 'f' "
        "ORDER BY conname",
        [tables],
    )
    return indexes, cursor.fetchall()


class Rebuild:
    """What a bare load dropped, created again: ``start()`` (at once, and again does
    nothing), then ``wait()`` (its first error raised there). Outside a transaction on a
    connection of its own in a thread, while the caller goes on (the seed merges its
    rollups meanwhile: the two cores are both kept busy); the thread is not a daemon, so
    even a seed stopped meanwhile exits only once it is done. Inside a caller's
    transaction (a test's), which holds the dropped indexes' locks, on its connection; and
    on SQLite, whose one writer at a time would leave the merge waiting for the indexes
    past its busy timeout."""

    def __init__(self, connection, statements):
        self.connection = connection
        self.statements = statements
        self.thread = None
        self.error = None
        self.inline = connection.in_atomic_block or connection.vendor == "sqlite"

    def start(self):
        if self.thread is not None or not self.statements:
            return
        self.thread = threading.Thread(target=self._run, name="seed-indexes")
        if self.inline:
            self._run()
        else:
            self.thread.start()

    def _run(self):
        alias = self.connection.alias
        try:
            _restore(self.connection if self.inline else connections[alias], self.statements)
        except BaseException as error:  # handed to the waiting thread
            self.error = error
        finally:
            if not self.inline:
                connections[alias].close()

    def wait(self):
        self.start()
        if self.thread is not None and self.thread.is_alive():
            self.thread.join()
        if self.error is not None:
            raise self.error


@contextmanager
def bare_tables(connection, models):
    """Within: ``models``' tables without their secondary indexes and foreign keys, if they
    are all empty; yields their ``Rebuild`` (with nothing to do otherwise),
    which the caller may start early; it is waited for on the way out, whatever happened.
    Each index and key is created in its own transaction: one that fails leaves the others
    in place, and its error is raised after them."""
    names = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        if not _empty(cursor, [connection.ops.quote_name(name) for name in names]):
            yield Rebuild(connection, [])
            return
        indexes, keys = _secondary(cursor, connection.vendor, names)
    dropped = [*keys, *indexes]  # the keys first: nothing else depends on them
    outer = connection.in_atomic_block
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if outer and connection.vendor == "postgresql":
            # A caller's transaction (a test's) may hold deferred checks of its own rows,
            # and PostgreSQL alters no table they touch: they are checked now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for drop, _create in dropped:
            cursor.execute(drop)
    rebuild = Rebuild(connection, [create for _drop, create in [*indexes, *keys]])
    try:
        yield rebuild
    finally:
        try:
            rebuild.wait()
        finally:
            if outer and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # Back as every foreign key here is declared (Django's: deferred).
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _restore(connection, statements):
    """Run ``statements``; in the main thread with Ctrl-C held back meanwhile (half the
    indexes restored would be worse than a seed stopped a minute later)."""
    interrupt = signal.getsignal(signal.SIGINT)
    held = interrupt is not None and threading.current_thread() is threading.main_thread()
    if held:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    failed = None
    try:
        postgres = connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            if postgres:
                cursor.execute(f"SET maintenance_work_mem = '{SORT_MEMORY}'")
            for statement in statements:
                try:
                    with transaction.atomic(using=connection.alias):
                        cursor.execute(statement)
                except Exception as error:  # the others are still restored
                    failed = failed or error
            if postgres:
                cursor.execute("RESET maintenance_work_mem")
    finally:
        if held:
            signal.signal(signal.SIGINT, interrupt)
    if failed is not None:
        raise failed
