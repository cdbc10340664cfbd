"""Versions on the wire: ``ETag`` out, ``If-Match`` in (no silent overwrite, issue 5).

Every record carries a version number that its action bumps on each change. A GET answers
``ETag: "3"``; a PATCH must send ``If-Match: "3"``. No header (or ``*``, which would match
anything) answers 428; any other version answers 412 with the current ETag, raised by the
action itself as ``StaleVersion`` so the check and the write are one step.
"""

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

from django.http import HttpRequest, HttpResponse

from lindungi.api.errors import PreconditionRequired
from lindungi.audit.events import record_read

# A weak prefix is accepted too: a proxy that compresses the answer may have weakened it.
_TAG = re.compile(r'^\s*(?:W/)?"(\d{1,9})"\s*$')
UNREADABLE = -1


class Tagged(Protocol):
    """A row as a list's tag reads it: its id and version."""

    @property
    def pk(self) -> Any: ...

    @property
    def version(self) -> int: ...


def etag(version: int) -> str:
    return f'"{version}"'


def list_etag(rows: Iterable[Tagged]) -> str:
    """A weak tag for a list: changes whenever a row is added, removed or edited."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(f"{row.pk}:{row.version};".encode())
    return f'W/"{digest.hexdigest()[:32]}"'


Row = TypeVar("Row", bound=Tagged)


def read_all(
    request: HttpRequest,
    response: HttpResponse,
    rows: Sequence[Row],
    shape: Callable[[Row], dict[str, Any]],
) -> list[dict[str, Any]]:
    """A list's answer: each row read is audited, the list tagged, each row shaped."""
    for row in rows:
        record_read(request, row)
    response["ETag"] = list_etag(rows)
    return [shape(row) for row in rows]


def required_version(request: HttpRequest) -> int:
    """The version the client started from. An unreadable tag matches no version."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        raise PreconditionRequired
    match = _TAG.match(header)
    return int(match.group(1)) if match else UNREADABLE
