"""Who sees which statistics: the role the user acts in (``request.membership``), by the
access model (docs/architecture.md). Statistics are counts, never a row about a person.

- an analyst: the whole deployment's counts, and publishes the public tables;
- a supervisor of the administration (the head of service: the system has no separate role
  for it): the whole deployment's counts, and publishes nothing;
- a supervisor of a service unit: the counts of the unit's own cases (and the Incident
  Recorder, whose rows the access module narrows to the cases they supervise);
- anyone else: no statistics pages (404, like a page that does not exist).
"""

from dataclasses import dataclass

from django.http import Http404, HttpRequest

from lindungi.accounts.models import Membership
from lindungi.accounts.roles import Role, UnitType


@dataclass(frozen=True)
class StatsScope:
    units: tuple[str, ...] | None  # None: every unit
    may_publish: bool


def scope_of(membership: Membership | None) -> StatsScope | None:
    """The statistics ``membership`` may see, or None."""
    if membership is None:
        return None
    if membership.role == Role.ANALYST:
        return StatsScope(units=None, may_publish=True)
    if membership.role == Role.SUPERVISOR:
        if membership.unit.type == UnitType.ADMINISTRATION:
            return StatsScope(units=None, may_publish=False)
        return StatsScope(units=(str(membership.unit_id),), may_publish=False)
    return None


def require_scope(request: HttpRequest) -> StatsScope:
    scope = scope_of(getattr(request, "membership", None))
    if scope is None:
        raise Http404
    return scope
