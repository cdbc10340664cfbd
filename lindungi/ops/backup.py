"""`lindungi backup DIR` and `lindungi restore DIR`: a consistent copy taken while the system
runs, and a restore that checks it before trusting it.

A backup directory holds:

- ``database.sqlite3`` (SQLite, by ``VACUUM INTO``: one transaction's snapshot, written
  while others keep writing; a ``cp`` of a live database file can copy half a transaction
  and give a file that opens and then fails) or ``database.dump`` (PostgreSQL,
  ``pg_dump -Fc``, which also reads one snapshot);
- ``files/``: the encrypted attachments, copied after the database snapshot, so every file
  the snapshot names is there (a file added later is copied too and is harmless);
- ``manifest.json``, written last: a directory without it is an unfinished backup. It
  holds each file's SHA-256 and size, the schema version (the last migration of each app),
  the audit chain's head, and the fingerprints of the keys the data needs. Never a key.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.audit.chain import head, verify
from lindungi.audit.models import AuditEvent
from lindungi.ops import keys

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


@dataclass
class Restored:
    events: int
    files: int
    schema_behind: list


def files_dir():
    return Path(settings.DATA_DIR) / FILES


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while block := source.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _empty_dir(path):
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def _schema(connection):
    """The last applied migration of each app: what the data's tables look like."""
    latest = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, name), name)
    return dict(sorted(latest.items()))


def _audit_head(connection):
    """The last sealed event (events still unsealed are sealed after a restore)."""
    return head(using=connection.alias)


def _pg_environment(connection):
    """libpq's variables for the connection, so no password appears on a command line."""
    params = connection.settings_dict
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if params.get(key):
            env[variable] = str(params[key])
    return env


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": command[0], "error": result.stderr.strip()[-2000:]}
        )


def _dump_database(connection, target):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(target)])
    else:
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)],
            _pg_environment(connection),
        )


def _copy_files(source, target):
    """Copy every finished attachment (a ``.partial`` is a write in progress)."""
    copied = {}
    if not source.exists():
        return copied
    target.mkdir(mode=0o700)
    for path in sorted(source.iterdir()):
        if path.is_file() and not path.name.startswith("."):
            try:
                shutil.copyfile(path, target / path.name)
            except FileNotFoundError:  # removed by a supervisor meanwhile: not to be kept
                continue
            copied[f"{FILES}/{path.name}"] = path.name
    return copied


def take_backup(directory, *, using="default"):
    """Write a backup of the database and the attachments into ``directory`` (new or
    empty); returns the manifest."""
    directory = Path(directory)
    if not _empty_dir(directory):
        raise BackupError(_("%(dir)s is not empty: give a new directory.") % {"dir": directory})
    connection = connections[using]
    if connection.vendor not in DUMPS:
        raise BackupError(_("Only SQLite and PostgreSQL can be backed up."))
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    manifest = {
        "format": FORMAT,
        "started_at": timezone.now().isoformat(),
        "database": connection.vendor,
        # Read before the snapshot: the snapshot holds at least this much.
        "schema": _schema(connection),
        "audit_head": _audit_head(connection),
        "keys": keys.in_use(),
    }
    dump = directory / DUMPS[connection.vendor]
    _dump_database(connection, dump)
    names = [dump.name, *_copy_files(files_dir(), directory / FILES)]
    for name in names:  # personal data, encrypted or not: this user's alone
        (directory / name).chmod(0o600)
    manifest["files"] = {
        name: {"sha256": _sha256(directory / name), "size": (directory / name).stat().st_size}
        for name in names
    }
    manifest["finished_at"] = timezone.now().isoformat()
    partial = directory / f".{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(partial, directory / MANIFEST)
    return manifest


# --- Restore -----------------------------------------------------------------------------


def read_manifest(directory):
    """The manifest of a finished backup whose files all match their checksums."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(
            _("%(dir)s has no manifest.json: not a backup, or one that did not finish.")
            % {"dir": directory}
        ) from None
    except (ValueError, UnicodeDecodeError):
        raise BackupError(_("manifest.json cannot be read: the backup is damaged.")) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(_("This backup's format is not one this version can restore."))
    for name, expected in manifest["files"].items():
        path = directory / name
        if ".." in Path(name).parts or not path.is_file():
            raise BackupError(_("The backup lacks %(name)s.") % {"name": name})
        if path.stat().st_size != expected["size"] or _sha256(path) != expected["sha256"]:
            raise BackupError(
                _("%(name)s does not match its checksum: the backup is damaged.") % {"name": name}
            )
    return manifest


def _check_keys(manifest):
    gaps = keys.missing(manifest["keys"])
    if gaps:
        needed = "; ".join(f"{name}: {', '.join(prints)}" for name, prints in sorted(gaps.items()))
        raise BackupError(
            _(
                "This deployment lacks keys the backup's data needs (by fingerprint) — "
                "%(needed)s. Set them as they were when the backup was taken; nothing was "
                "restored."
            )
            % {"needed": needed}
        )


def _check_empty(connection):
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            _(
                "The target database already has %(count)d tables: restore only into an "
                "empty database. Nothing was changed."
            )
            % {"count": len(tables)}
        )
    if not _empty_dir(files_dir()):
        raise BackupError(
            _("%(dir)s is not empty: restore only into an empty data directory.")
            % {"dir": files_dir()}
        )


def _restore_sqlite(connection, source):
    """Put the snapshot in place of the (empty) database file, atomically."""
    target = Path(connection.settings_dict["NAME"])
    connection.close()
    partial = target.with_name(f".{target.name}.partial")
    shutil.copyfile(source, partial)
    with open(partial, "rb") as copy:
        os.fsync(copy.fileno())
    for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)
    os.replace(partial, target)
    check = sqlite3.connect(target)
    try:
        verdict = check.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        check.close()
    if verdict != "ok":
        raise BackupError(_("The restored database fails SQLite's integrity check."))


def _restore_postgresql(connection, source):
    connection.close()
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            connection.settings_dict["NAME"],
            str(source),
        ],
        _pg_environment(connection),
    )


def restore_backup(directory, *, using="default"):
    """Restore ``directory`` into this deployment's empty database and data directory."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    _check_keys(manifest)
    connection = connections[using]
    if manifest["database"] != connection.vendor:
        raise BackupError(
            _("This is a %(backup)s backup; the target database is %(target)s.")
            % {"backup": manifest["database"], "target": connection.vendor}
        )
    _check_empty(connection)
    dump = directory / DUMPS[connection.vendor]
    if connection.vendor == "sqlite":
        _restore_sqlite(connection, dump)
    else:
        _restore_postgresql(connection, dump)
    attachments = [name for name in manifest["files"] if name.startswith(f"{FILES}/")]
    if attachments:
        target = files_dir()
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        for name in attachments:
            shutil.copyfile(directory / name, target / Path(name).name)
    return Restored(
        events=_verify_audit(connection, manifest["audit_head"]),
        files=len(attachments),
        schema_behind=_schema_behind(connection),
    )


def _verify_audit(connection, head):
    verdict = verify(using=connection.alias)
    if not verdict.intact:
        raise BackupError(
            _("The restored audit chain is broken at event %(sequence)d.")
            % {"sequence": verdict.bad_sequence}
        )
    if head is not None:
        kept = AuditEvent.objects.using(connection.alias).filter(sequence=head["sequence"])
        if not kept.filter(hash=head["hash"]).exists():
            raise BackupError(_("The restored audit chain does not hold the backup's head."))
    return verdict.count


def _schema_behind(connection):
    """Apps whose migrations the code has and the restored data lacks (run migrate)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    applied = set(loader.applied_migrations)
    return sorted({app for app, _name in loader.graph.leaf_nodes() if (app, _name) not in applied})
