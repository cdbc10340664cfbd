"""The statistics' actions: asking for a row-level export (``row_exports`` writes it)."""

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import get_language

from lindungi.audit.events import record
from lindungi.stats.access import scope_of
from lindungi.stats.exports import rows
from lindungi.stats.models import ExportFormat, ExportStatus, RowExport


def new_password():
    """A random password for an encrypted file: 24 characters of the URL-safe alphabet."""
    return secrets.token_urlsafe(18)


def request_row_export(membership, *, file_format, names, request=None, queued=True):
    """Queue a row-level export for ``membership``'s user; returns (the export, its
    password): the password of a file with names, shown once to the requester and kept,
    encrypted, only until the worker has written the file; "" without names. Not
    ``queued``: the caller writes it at once (the command line), so no worker takes it."""
    scope = scope_of(membership)
    if scope is None or not scope.may_export_rows or (names and not scope.may_export_names):
        raise PermissionDenied
    if file_format not in ExportFormat.values:
        raise ValueError("unknown export format")
    password = new_password() if names else ""
    with transaction.atomic():
        export = RowExport.objects.create(
            requested_by=membership.user,
            unit=membership.unit,
            role=membership.role,
            language=get_language() or "id",
            format=file_format,
            with_names=names,
            password=password,
            status=ExportStatus.QUEUED if queued else ExportStatus.RUNNING,
        )
        record(
            "data.export_requested",
            request=request,
            actor=membership.user,
            unit=membership.unit,
            role=membership.role,
            obj=export,
            fields=rows.fields(names),
        )
    return export, password
