"""Row-level exports in ``lindungi worker``: write the next one asked for, delete those
whose time is up.

A file is written under ``STATS_EXPORT_DIR`` with a random name, as it is read (the rows
stream: ``exports.rows``), and the export's progress is kept on its row for the page to
show. A file with names is only ever written inside an AES-256 zip (WinZip AES, which
7-Zip and the common archive tools open) under the password the requester was shown once;
the password is then forgotten. The worker asks the access module again for the cases,
as the requester, when it writes: a right withdrawn in between is not exported. Every file
written is in the audit trail with its columns and its number of rows.

Both formats stream straight into the zip: nothing with names is ever on disk in the clear
(our XLSX writer, ``exports.xlsx``, keeps no temporary file; openpyxl's write-only mode,
which it replaced, spooled the sheet through one, and names were then CSV only).

A writer reports its progress every ``PROGRESS_EVERY`` rows; one silent for ``SILENT`` is
gone (a worker killed, its machine down): the next worker deletes what it had written and
writes the export again, so that an export asked for is never left "being written".
"""

import io
import secrets
from datetime import timedelta
from pathlib import Path

import pyzipper
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from lindungi.accounts.models import Membership
from lindungi.audit.events import record_export
from lindungi.stats.access import scope_of
from lindungi.stats.exports import rows
from lindungi.stats.exports.behind import written_behind
from lindungi.stats.exports.files import write_csv, write_xlsx
from lindungi.stats.models import ExportFormat, ExportStatus, RowExport

PROGRESS_EVERY = 5000
# Deflate's fastest level: level 6 was most of what the zip added to the CSV's time, and a
# CSV still shrinks about 6 to 1 (a million rows: 22 MB against level 6's 16 MB).
ZIP_LEVEL = 1
# Far longer than PROGRESS_EVERY rows take (well under a second, an XLSX's included).
SILENT = timedelta(minutes=5)


def path_of(export):
    return Path(settings.STATS_EXPORT_DIR) / export.file_name


def download_name(export):
    suffix = "zip" if export.with_names else export.format
    return f"lindungi-{export.created_at:%Y%m%d-%H%M}.{suffix}"


def _write_table(out, export, header, source):
    """``source``'s rows to the binary stream ``out`` in the export's format."""
    if export.format == ExportFormat.CSV:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        write_csv(text, header, source)
        text.flush()
        text.detach()
    else:
        write_xlsx(out, [("Data", header, source)])


def write_file(target, export, header, source):
    with open(target, "xb") as out:
        if not export.with_names:
            _write_table(out, export, header, source)
            return
        with pyzipper.AESZipFile(
            out,
            "w",
            # An XLSX is deflated already: deflating it again would only cost time.
            compression=pyzipper.ZIP_STORED
            if export.format == ExportFormat.XLSX
            else pyzipper.ZIP_DEFLATED,
            compresslevel=ZIP_LEVEL,
            encryption=pyzipper.WZ_AES,
        ) as archive:
            archive.setpassword(export.password.encode())
            inner = f"lindungi-{export.created_at:%Y%m%d-%H%M}.{export.format}"
            with archive.open(inner, "w") as entry:
                if export.format == ExportFormat.XLSX:  # its sheet is written behind already
                    _write_table(entry, export, header, source)
                    return
                # Deflate, AES and HMAC by a thread beside the formatting (exports.behind).
                with written_behind(entry) as behind:
                    _write_table(behind, export, header, source)


def _still_allowed(export):
    membership = Membership.objects.filter(
        user=export.requested_by, unit=export.unit, role=export.role, user__is_active=True
    ).first()
    scope = scope_of(membership)
    return (
        scope is not None
        and scope.may_export_rows
        and (scope.may_export_names or not export.with_names)
    )


def write(export, target):
    """Write ``export`` to ``target`` (a path that must not exist yet); returns its rows."""
    user, names = export.requested_by, export.with_names
    total = rows.survivors(user, names).count()
    RowExport.objects.filter(pk=export.pk).update(
        rows_total=total, rows_done=0, updated_at=timezone.now()
    )
    written = 0

    def report(n):
        nonlocal written
        written = n
        RowExport.objects.filter(pk=export.pk).update(rows_done=n, updated_at=timezone.now())

    with translation.override(export.language):
        header = rows.header(names)
        source = rows.counted(rows.rows(user, names), PROGRESS_EVERY, report)
        write_file(target, export, header, source)
    return written


def _finish(export, status, written, file_name=""):
    now = timezone.now()
    with transaction.atomic():
        RowExport.objects.filter(pk=export.pk).update(
            status=status,
            rows_done=written,
            password="",
            file_name=file_name,
            finished_at=now,
            expires_at=now + settings.STATS_EXPORT_KEEP,
        )
        record_export(
            None,
            "stats.rowexport",
            obj=export,
            fields=rows.fields(export.with_names),
            rows=written,
            actor=export.requested_by,
            unit=export.unit,
            role=export.role,
        )


def _fail(export, target=None):
    if target is not None:
        target.unlink(missing_ok=True)
    RowExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.FAILED, password="", finished_at=timezone.now()
    )


def _claim():
    """The oldest export waiting, or left by a writer gone silent, now marked as being
    written by this worker under a new file name (one update decides, so two workers never
    write the same export); a file the silent writer left is deleted."""
    now = timezone.now()
    left = Q(status=ExportStatus.RUNNING, updated_at__lt=now - SILENT) & ~Q(file_name="")
    waiting = RowExport.objects.filter(Q(status=ExportStatus.QUEUED) | left)
    for pk, status, seen, old_file in waiting.order_by("created_at")[:5].values_list(
        "pk", "status", "updated_at", "file_name"
    ):
        claimed = RowExport.objects.filter(pk=pk, status=status, updated_at=seen).update(
            status=ExportStatus.RUNNING, file_name=secrets.token_hex(16), updated_at=now
        )
        if claimed:
            if old_file:
                path_of(RowExport(file_name=old_file)).unlink(missing_ok=True)
            return RowExport.objects.select_related("requested_by", "unit").get(pk=pk)
    return None


def run(export, target=None):
    """Write a claimed export: to ``target`` (the command line), or under the export
    directory for its requester to download. Returns the export's status."""
    if not _still_allowed(export):
        _fail(export)
        return ExportStatus.FAILED
    file_name = "" if target is not None else export.file_name
    if target is None:
        Path(settings.STATS_EXPORT_DIR).mkdir(parents=True, exist_ok=True, mode=0o700)
        target = path_of(export)
    try:
        written = write(export, target)
    except Exception:
        _fail(export, Path(target))
        raise
    status = ExportStatus.READY if file_name else ExportStatus.DELIVERED
    _finish(export, status, written, file_name)
    return status


def write_next():
    """The worker's job: write the oldest export waiting. How many it wrote (0 or 1)."""
    export = _claim()
    if export is None:
        return 0
    run(export)
    return 1


def delete_expired():
    """The worker's job: delete the files whose download time is up; an export the command
    line was writing when it stopped (silent, and no file of the worker's) has failed."""
    RowExport.objects.filter(
        status=ExportStatus.RUNNING, file_name="", updated_at__lt=timezone.now() - SILENT
    ).update(status=ExportStatus.FAILED, password="", finished_at=timezone.now())
    done = 0
    expired = RowExport.objects.filter(status=ExportStatus.READY, expires_at__lte=timezone.now())
    for export in expired.order_by("expires_at")[:100]:
        path_of(export).unlink(missing_ok=True)
        RowExport.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED, file_name="")
        done += 1
    return done
