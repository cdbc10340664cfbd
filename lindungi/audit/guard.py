"""Database triggers that make the audit table append-only, but for the sealer's one change.

A row is inserted unsealed; the sealer may then set its sequence, previous hash and hash,
once, changing nothing else. Every other UPDATE, a second seal, every DELETE (and
TRUNCATE) is refused. They stop the application (a bug, a careless shell session) from
changing the trail; someone who can drop a trigger can also change rows, and that is what
the hash chain is for. The migrations install them; ``flush`` lifts them for the moment
it empties every table, and the tests lift them to play an attacker.
"""

from contextlib import contextmanager

from django.db import transaction

TABLE = "audit_auditevent"
# What an event says: the seal must leave all of it as it was inserted.
_KEPT = (
    "id",
    "at",
    "actor_id",
    "unit_id",
    "role",
    "action",
    "object_type",
    "object_id",
    "fields",
    "ip",
    "request_id",
    "reason",
    "key_id",
    "tag",
)


def _sealing_once(same):
    """The SQL condition of the one allowed UPDATE; ``same`` compares a column NULL-safely."""
    kept = " AND ".join(same(column) for column in _KEPT)
    return (
        "OLD.sequence IS NULL AND NEW.sequence IS NOT NULL "
        "AND OLD.prev_hash = '' AND OLD.hash = '' AND NEW.prev_hash <> '' AND NEW.hash <> '' "
        f"AND {kept}"
    )


_POSTGRESQL_REFUSE = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
_POSTGRESQL_SEAL = f"""
CREATE OR REPLACE FUNCTION audit_seal_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF {_sealing_once(lambda c: f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}")} THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: UPDATE refused (only sealing, once)'
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
_INSTALL = {
    "postgresql": [
        _POSTGRESQL_REFUSE,
        _POSTGRESQL_SEAL,
        # Statement-level, so even a DELETE that matches no row is refused.
        f"CREATE TRIGGER audit_append_only BEFORE DELETE OR TRUNCATE ON {TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
        f"CREATE TRIGGER audit_seal_only BEFORE UPDATE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION audit_seal_once()",
    ],
    "sqlite": [
        f"CREATE TRIGGER audit_seal_only BEFORE UPDATE ON {TABLE} "
        f"WHEN NOT ({_sealing_once(lambda c: f'NEW.{c} IS OLD.{c}')}) "
        "BEGIN SELECT RAISE(ABORT, "
        "'audit events are append-only: UPDATE refused (only sealing, once)'); END",
        f"CREATE TRIGGER audit_no_delete BEFORE DELETE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END",
    ],
}
_REMOVE = {
    "postgresql": [
        f"DROP TRIGGER IF EXISTS audit_append_only ON {TABLE}",
        f"DROP TRIGGER IF EXISTS audit_seal_only ON {TABLE}",
    ],
    "sqlite": ["DROP TRIGGER IF EXISTS audit_seal_only", "DROP TRIGGER IF EXISTS audit_no_delete"],
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
