"""Who sees which statistics: the role the user acts in (``request.membership``), by the
access model (docs/architecture.md). Statistics are counts, never a row about a person.

- an analyst: the whole deployment's counts, and publishes the public tables;
- a supervisor of the administration (the head of service: the system has no separate role
  for it): the whole deployment's counts, and the head of service's dashboard (``head``:
  trends, service coverage, quality indicators, all counts), and publishes nothing;
- a supervisor of a service unit: the counts of the unit's own cases (and the Incident
  Recorder, whose rows the access module narrows to the cases they supervise);
- anyone else: no statistics pages (404, like a page that does not exist).

The row-level export (one row per survivor, ``row_exports``) is the one file about people:
only a service unit's supervisor asks for it, of the cases they supervise (the access
module's ``row_export_needs``), de-identified, or with names in an encrypted file. Never the
analyst, never the head of service, whose statistics are counts.
"""

import uuid
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from lindungi.accounts.models import Membership, User
from lindungi.accounts.roles import Role, UnitType
from lindungi.stats.models import RowExport


@dataclass(frozen=True)
class StatsScope:
    units: tuple[str, ...] | None  # None: every unit
    may_publish: bool
    may_export_rows: bool = False
    may_export_names: bool = False
    head_of_service: bool = False


def scope_of(membership: Membership | None) -> StatsScope | None:
    """The statistics ``membership`` may see, or None."""
    if membership is None:
        return None
    if membership.role == Role.ANALYST:
        return StatsScope(units=None, may_publish=True)
    if membership.role == Role.SUPERVISOR:
        if membership.unit.type == UnitType.ADMINISTRATION:
            return StatsScope(units=None, may_publish=False, head_of_service=True)
        return StatsScope(
            units=(str(membership.unit_id),),
            may_publish=False,
            may_export_rows=True,
            may_export_names=True,
        )
    return None


def require_scope(request: HttpRequest) -> StatsScope:
    scope = scope_of(getattr(request, "membership", None))
    if scope is None:
        raise Http404
    return scope


def require_head_of_service(request: HttpRequest) -> StatsScope:
    """The scope of the head of service, for their dashboard; anyone else gets 404."""
    scope = require_scope(request)
    if not scope.head_of_service:
        raise Http404
    return scope


def require_row_export(request: HttpRequest, *, names: bool = False) -> StatsScope:
    """The scope of a user who may ask for a row-level export (with names: ``names``)."""
    scope = require_scope(request)
    if not scope.may_export_rows or (names and not scope.may_export_names):
        raise Http404
    return scope


def exports_of(user: User) -> QuerySet[RowExport]:
    """The row-level exports ``user`` asked for: nobody else's is ever listed."""
    return RowExport.objects.filter(requested_by=user)


def export_for(request: HttpRequest, rowexport_id: uuid.UUID) -> RowExport:
    """One of the requester's own exports, or 404 (another's is as if it did not exist)."""
    require_row_export(request)
    found = exports_of(request.user).filter(pk=rowexport_id).first()  # type: ignore[arg-type]
    if found is None:
        raise Http404
    return found
