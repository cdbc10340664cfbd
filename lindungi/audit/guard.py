"""Database triggers that make the audit table append-only.

They stop the application (a bug, a careless shell session) from changing the trail;
someone who can drop a trigger can also change rows, and that is what the hash chain
is for. The migration installs them; ``flush`` lifts them for the moment it empties
every table, and the tests lift them to play an attacker.
"""

from contextlib import contextmanager

from django.db import transaction

TABLE = "audit_auditevent"

_POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
# Statement-level, so even an UPDATE or DELETE that matches no row is refused.
_INSTALL = {
    "postgresql": [
        _POSTGRESQL_FUNCTION,
        f"CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
    ],
    "sqlite": [
        f"CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END",
        f"CREATE TRIGGER audit_no_delete BEFORE DELETE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END",
    ],
}
_REMOVE = {
    "postgresql": [f"DROP TRIGGER IF EXISTS audit_append_only ON {TABLE}"],
    "sqlite": ["DROP TRIGGER IF EXISTS audit_no_update", "DROP TRIGGER IF EXISTS audit_no_delete"],
}


def install(connection):
    _run(connection, _INSTALL)


def remove(connection):
    _run(connection, _REMOVE)


@contextmanager
def lifted(connection):
    """The triggers are gone inside the block, and back after it, in one transaction:
    both databases change triggers transactionally, so no other session sees the gap."""
    with transaction.atomic(using=connection.alias):
        remove(connection)
        yield
        install(connection)


def _run(connection, statements):
    try:
        sql = statements[connection.vendor]
    except KeyError:
        raise NotImplementedError(f"no audit triggers for {connection.vendor}") from None
    with connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)
