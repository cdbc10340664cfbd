"""The one access decision for case-bound data (docs/architecture.md, rule 2 and access model).

Everything that reads a case, or anything that belongs to one, asks here, in one of two ways:

- ``get_case_for(user, id, need)`` (and ``get_case_part_for``) answers one record with a
  ``CaseAccess``: the case and what this user may do with it, and why. A case out of reach
  answers 404, exactly like an id that does not exist, and the attempt is audited.
- ``restrict(queryset, user, need)`` (``Model.objects.restrict(user, need)`` on every
  case-bound model) narrows a queryset in SQL, for lists and counts.

Both are built from the same conditions (``_Scopes``), so a list, a count and a page can
never disagree about who sees what. The rule, written once:

- VIEW (the case exists for you: codes, status, classification, dates): supervisors see
  every unrestricted case of their unit; case workers the unrestricted cases of their unit
  they are assigned to; a restricted case only its named users; a break-glass grant one
  case until it expires.
- CONTENT (names, contact details, narratives, note bodies, task titles): the people
  helping on the case, that is VIEW without break-glass. A supervisor reading by
  break-glass sees the case without them.
- EDIT: supervisors of the owning unit and its assigned case workers; on a restricted case
  only its named users who work in the owning unit. Break-glass never edits.
- SUPERVISE (decide approvals, remove attachments): a supervisor of the owning unit who may
  edit the case.
- COUNT (numbers that name nobody): a case worker or supervisor counts every case of their
  unit, restricted ones included, so that the unit's real load is seen ("2 more tasks on
  cases you cannot open").
- REVIEW (break-glass uses only): the uses by members of a unit its supervisors review.
- MATCH (the duplicate check at intake): those who take reports or work cases may learn
  that an unrestricted case of any unit exists (its survivor code, unit and status, found
  through the blind indexes, never by decrypting), so a survivor is not given two cases;
  a restricted case only if they may see it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any, NoReturn, TypedDict, TypeVar, cast

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import (
    DateTimeField,
    Exists,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    UUIDField,
    Value,
)
from django.db.models.expressions import Combinable
from django.http import Http404, HttpRequest
from django.utils import timezone

from lindungi.accounts.models import Membership, User
from lindungi.accounts.roles import Role
from lindungi.audit.events import record
from lindungi.cases.models import Assignment, BreakGlass, Case, NamedAccess
from lindungi.cases.querysets import CaseBoundQuerySet
from lindungi.core.compiled import Param, compiled

# Roles that work on cases themselves; the others (responder, partner, shelter officer)
# see limited views through their own capabilities, analysts and administrators never.
CASE_ROLES = {Role.CASE_WORKER, Role.SUPERVISOR}
# Roles that take reports or work cases, and so check a new report against existing cases.
MATCH_ROLES = CASE_ROLES | {Role.INTAKE_OFFICER}


class Need(StrEnum):
    VIEW = "view"
    CONTENT = "content"
    EDIT = "edit"
    SUPERVISE = "supervise"
    COUNT = "count"
    REVIEW = "review"
    MATCH = "match"


class Via(StrEnum):
    """Why a user reaches a case."""

    ASSIGNMENT = "assignment"
    SUPERVISION = "supervision"
    NAMED = "named"
    BREAK_GLASS = "break_glass"


# Whoever asks: a request's user may be anonymous; actions and commands pass a User.
AnyUser = User | AnonymousUser
M = TypeVar("M", bound=Model)
# A condition on case rows: a Q, or an expression such as EXISTS that SQL reads as one.
Condition = Q | Combinable

# The per-case halves of the conditions, built once: each request adds only its user.
_NAMED = NamedAccess.objects.filter(case=OuterRef("pk"))
_ASSIGNED = Assignment.objects.filter(case=OuterRef("pk"))
_GLASS = BreakGlass.objects.filter(case=OuterRef("pk"))
_NEVER = Q(pk__in=[])


class _Probed(Exists):
    """EXISTS that PostgreSQL answers for each row it is asked of, by the index, never by a
    hash of all the subquery's rows. A plain EXISTS becomes ``id = ANY (subquery)``, which
    the planner hashes when it expects many rows to ask, not counting a page's LIMIT: a
    supervisor named on the 13,000 restricted cases of a million-case unit had all 13,000
    read and hashed on every caseload (about 3 ms of its 4.6), for the three or four
    restricted cases of the page. ``OFFSET 0`` keeps PostgreSQL from that rewrite (it is the
    documented fence of ``simplify_EXISTS_query``); SQLite has no such rewrite."""

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        extra["template"] = "EXISTS(%(subquery)s OFFSET 0)"
        return self.as_sql(compiler, connection, **extra)


# The subqueries of the conditions (``_Scopes``), compiled once with the user and the time as
# parameters (``lindungi.core.compiled``): built and compiled for every list, they were most
# of the cost of its query's SQL (1.7 of 1.8 ms for a supervisor's caseload).
_USER = Param("user", UUIDField())
_GLASS_OF_USER = _GLASS.filter(user_id=_USER, expires_at__gt=Param("now", DateTimeField()))
_EXISTS = compiled(
    Case,
    {
        "assigned": Exists(_ASSIGNED.filter(user_id=_USER)),
        "named": Exists(_NAMED.filter(user_id=_USER)),
        "named_probed": _Probed(_NAMED.filter(user_id=_USER)),
        "glass": Exists(_GLASS_OF_USER),
    },
)


def _units(user: AnyUser, roles: Collection[Role]) -> list[uuid.UUID]:
    if not user.is_authenticated:
        return []
    return sorted({m.unit_id for m in user.memberships.all() if m.role in roles}, key=str)


class _Scopes:
    """The conditions on a case row for one user, each a SQL expression."""

    def __init__(self, user: AnyUser) -> None:
        member = user if user.is_authenticated and user.is_active else None
        self.active = member is not None
        self.now = timezone.now()
        self.supervised = _units(user, {Role.SUPERVISOR}) if self.active else []
        self.worked = _units(user, {Role.CASE_WORKER}) if self.active else []
        self.members = _units(user, CASE_ROLES) if self.active else []
        self.member = member
        self.matching = bool(_units(user, MATCH_ROLES)) if self.active else False

    def _exists(self, name: str) -> Condition:
        """One of ``_EXISTS`` for this user, at this time."""
        assert self.member is not None  # asked only of an active member
        return cast("Condition", _EXISTS[name].bind(user=self.member.pk, now=self.now))

    # The conditions, built when first asked for: deciding one case row (``decide``) needs
    # none of them, and each costs the ORM a filter.
    @cached_property
    def named(self) -> Condition:
        if not self.member:
            return _NEVER
        if not self.supervised:
            return self._exists("named")
        # A supervisor sees their units' open cases without a name (``supervision``, asked
        # first); of those units' restricted cases, they see those they are named on. Those
        # are asked one by one (``_Probed``); only a case of another unit asks the hash of
        # every case they are named on, so a list of their own units never builds it.
        own_restricted = Q(restricted=True, unit_id__in=self.supervised)
        return (own_restricted & self._exists("named_probed")) | (
            ~own_restricted & self._exists("named")
        )

    @cached_property
    def glass(self) -> Condition:
        """Holds an unexpired break-glass grant to the case."""
        return self._exists("glass") if self.member else _NEVER

    @cached_property
    def supervision(self) -> Condition:
        return Q(restricted=False, unit_id__in=self.supervised) if self.supervised else _NEVER

    @cached_property
    def assignment(self) -> Condition:
        if not self.worked:
            return _NEVER
        return Q(restricted=False, unit_id__in=self.worked) & self._exists("assigned")

    @cached_property
    def member_named(self) -> Condition:
        return Q(unit_id__in=self.members) & self.named if self.members else _NEVER

    def of(self, need: Need) -> Condition:
        if not self.active:
            return _NEVER
        # The cheap column tests first: PostgreSQL and SQLite stop at the first branch that
        # holds, and most rows of a list hold by supervision or assignment.
        helping = self.supervision | self.assignment | self.named
        if need == Need.VIEW:
            # EXISTS rather than ``pk IN (...)``: with every branch of the OR an indexed IN,
            # SQLite answers a page by collecting each branch's rows (all of a unit's cases
            # for a supervisor: 100,000) and sorting them; with EXISTS it walks the
            # opening-time index and stops at the page's last row.
            return helping | self.glass
        if need == Need.CONTENT:
            return helping
        if need == Need.EDIT:
            return self.member_named | self.supervision | self.assignment
        if need == Need.SUPERVISE:
            if not self.supervised:
                return _NEVER
            return Q(unit_id__in=self.supervised) & (Q(restricted=False) | self.named)
        if need == Need.MATCH:
            return Q(restricted=False) | helping if self.matching else helping
        if need == Need.COUNT:
            return Q(unit_id__in=self.members) if self.members else _NEVER
        raise ValueError(f"no case scope for {need}")

    def decide(self, case: CaseWithReasons) -> CaseAccess | None:
        """What ``of`` says of one case row, read from its own columns and the two facts
        only the database holds (named on it, assigned to it) and the break-glass expiry
        (``_decide``). The same rule as ``of``, written for one row: asking the
        database every need of one case compiled a dozen EXISTS subqueries per page. The
        permission matrix holds both to the same answers."""
        open_to_unit = not case.restricted
        named = bool(case.access_named)
        supervision = open_to_unit and case.unit_id in self.supervised
        assignment = open_to_unit and case.unit_id in self.worked and bool(case.access_assigned)
        helping = named or supervision or assignment
        glass = case.access_glass_until is not None
        if not (helping or glass):
            return None
        via = {
            Via.ASSIGNMENT: assignment,
            Via.SUPERVISION: supervision,
            Via.NAMED: named,
            Via.BREAK_GLASS: glass,
        }
        return CaseAccess(
            case=case,
            via=frozenset(reason for reason, holds in via.items() if holds),
            break_glass_until=case.access_glass_until,
            may_edit=(named and case.unit_id in self.members) or supervision or assignment,
            may_read_content=helping,
            may_supervise=case.unit_id in self.supervised and (open_to_unit or named),
        )


# A rule for a case-bound record that reaches further than its case's own (a dispatch is
# also seen through its report before a case exists, and by its crew for a while), handed
# down by the app above that owns the record when it is ready (``add_rule``). It receives
# this module's own case condition, so it can only add to it what it says.
Rule = Callable[[AnyUser, Need, Callable[[Need], Condition]], Condition]
_RULES: dict[type[Model], Rule] = {}


def add_rule(model: type[Model], rule: Rule) -> None:
    """Make ``rule`` the condition ``restrict`` uses for ``model`` (its app's ``ready``)."""
    _RULES[model] = rule


def restrict(queryset: QuerySet[M], user: AnyUser, need: Need = Need.VIEW) -> QuerySet[M]:
    """``queryset`` (of cases, or of a model that belongs to a case) narrowed in SQL to
    what ``user`` may ``need``. The only way a list or a count of case-bound data is made."""
    model = queryset.model
    if model is BreakGlass and need == Need.REVIEW:
        return queryset.filter(unit_id__in=_units(user, {Role.SUPERVISOR}))
    if model is Case:
        return queryset.filter(_Scopes(user).of(need))
    if model in _RULES:
        return queryset.filter(_RULES[model](user, need, lambda of: _through_case(model, user, of)))
    return queryset.filter(_through_case(model, user, need))


def _through_case(model: type[Model], user: AnyUser, need: Need) -> Q:
    """The rows of ``model`` whose case ``user`` may ``need``."""
    path = _case_path(model)
    return Q(**{f"{path}__in": restrict(Case.objects.all(), user, need).values("pk")})


def _case_path(model: type[Model]) -> str:
    """The lookup from ``model`` to its case (its ``CASE_PATH``)."""
    path: str | None = getattr(model, "CASE_PATH", None)
    if path is None:
        raise TypeError(f"{model._meta.label} does not belong to a case")
    return path


def attach() -> None:
    """Make ``restrict`` the method of every case-bound queryset (``CasesConfig.ready``)."""
    # Attached at start-up so that the models need not import the access module.
    CaseBoundQuerySet.restrict = restrict  # type: ignore[method-assign]


@dataclass(frozen=True)
class CaseAccess:
    """A case and what this user may do with it, and why. Pages, API routes, templates and
    actions decide from it; nothing re-derives a right."""

    case: Case
    via: frozenset[Via]
    break_glass_until: datetime | None
    may_edit: bool
    may_read_content: bool
    may_supervise: bool

    def allows(self, need: Need) -> bool:
        return {
            Need.VIEW: True,
            Need.CONTENT: self.may_read_content,
            Need.EDIT: self.may_edit,
            Need.SUPERVISE: self.may_supervise,
        }.get(need, False)

    @property
    def may_remove_attachments(self) -> bool:
        """Removing a file destroys it for good: a supervisor of the owning unit who may
        edit the case. Break-glass never removes."""
        return self.may_supervise


class _Reasons(TypedDict):
    """The columns ``_decide`` adds to a case row."""

    access_assigned: bool
    access_named: bool
    access_glass_until: datetime | None


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    CaseWithReasons = WithAnnotations[Case, _Reasons]


# The facts about one user and one case row that ``_decide`` reads, compiled once with the
# user and the time as parameters: built and compiled on every request, these three
# subqueries cost more than the rest of the case's query and ten times its running.
_FACTS = {
    "access_assigned": _EXISTS["assigned"],
    "access_named": _EXISTS["named"],
    **compiled(
        Case,
        {
            "access_glass_until": Subquery(
                _GLASS_OF_USER.order_by("-expires_at").values("expires_at")[:1]
            ),
        },
    ),
}


def _decide(queryset: QuerySet[Case], user: AnyUser) -> CaseAccess | None:
    """The access of ``user`` to the one case ``queryset`` holds (filtered by its key), in
    one query: the row with the facts about the user that only the database holds as
    columns (``_FACTS``, the same conditions as ``_Scopes``), then ``_Scopes.decide``."""
    scopes = _Scopes(user)
    if not scopes.active:
        return None
    values = {"user": scopes.member.pk, "now": scopes.now}  # type: ignore[union-attr]
    rows = queryset.annotate(
        access_assigned=(
            _FACTS["access_assigned"].bind(**values) if scopes.worked else Value(False)
        ),
        access_named=_FACTS["access_named"].bind(**values),
        access_glass_until=_FACTS["access_glass_until"].bind(**values),
    )
    # At most one row: no ORDER BY (``first()`` would add one, which Django compiles
    # column by column).
    found = list(rows.order_by()[:1])
    return scopes.decide(cast("CaseWithReasons", found[0])) if found else None


def _parse(case_id: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(case_id))
    except ValueError:
        return None


def access_to(user: AnyUser, case: Case) -> CaseAccess | None:
    """What ``user`` may do with ``case`` (a case already in hand), or None if they may not
    see it. For actions, which check the actor themselves whoever calls them."""
    return _decide(Case.objects.filter(pk=case.pk), user)


def check(user: AnyUser, case: Case, need: Need) -> CaseAccess:
    """Raise PermissionDenied unless ``user`` may ``need`` ``case``: the actions' own check,
    so an action called from a command is as safe as from a page."""
    access = access_to(user, case)
    if access is None or not access.allows(need):
        raise PermissionDenied
    return access


def get_case_for(
    user: AnyUser,
    case_id: object,
    need: Need = Need.VIEW,
    *,
    request: HttpRequest | None = None,
    load: Callable[[QuerySet[Case]], QuerySet[Case]] | None = None,
) -> CaseAccess:
    """The ``CaseAccess`` to a case, if ``user`` may ``need`` it; otherwise 404, and the
    attempt is audited.

    ``load`` (a function of a queryset of cases) loads more in the same query (joins,
    annotations); the access module narrows what it returns, so it can never widen what is
    seen.
    """
    pk = _parse(case_id)
    cases = Case.objects.all() if load is None else load(Case.objects.all())
    access = _decide(cases.filter(pk=pk), user) if pk else None
    if access is not None and access.allows(need):
        return access
    _deny(user, request, "cases.case", pk, need)


def get_case_part_for(
    user: AnyUser,
    model: type[M],
    part_id: object,
    need: Need = Need.VIEW,
    *,
    request: HttpRequest | None = None,
) -> tuple[CaseAccess, M]:
    """A client, note, attachment or other part of a case, with the ``CaseAccess`` to its
    case. One query decides whether the part exists for this user, so a part out of reach
    and an id that never existed take the same path (and the same time) to their 404."""
    ref = F(f"{_case_path(model)}_id")
    part = _part(user, model, part_id, need, request, case_ref=ref)
    return get_case_for(user, part.case_ref, need, request=request), part  # type: ignore[attr-defined]


def _part(
    user: AnyUser,
    model: type[M],
    part_id: object,
    need: Need,
    request: HttpRequest | None,
    **annotations: F,
) -> M:
    pk = _parse(part_id)
    parts = restrict(model._default_manager.filter(pk=pk), user, need)
    found = list(parts.annotate(**annotations).order_by()[:1]) if pk else []
    if not found:
        _deny(user, request, model._meta.label_lower, pk, need)
    return found[0]


def get_part_for(
    user: AnyUser,
    model: type[M],
    part_id: object,
    need: Need = Need.VIEW,
    *,
    request: HttpRequest | None = None,
) -> M:
    """A case-bound record if ``user`` may ``need`` it (``restrict``'s rule, a rule handed
    down with ``add_rule`` included), otherwise 404, and the attempt audited. For a record
    whose rule reaches further than its case (a dispatch's crew never sees its case)."""
    return _part(user, model, part_id, need, request)


def row_export_needs(names: bool) -> tuple[Need, ...]:
    """What a row-level export (one row per survivor, ``stats/row_exports.py``) asks of each
    case it holds: the cases the user supervises, their unit's record of its own work; with
    names, also the right to read the case's content. Each need narrows in turn
    (``restrict``), so a file never holds a case the page would not show."""
    return (Need.SUPERVISE, Need.CONTENT) if names else (Need.SUPERVISE,)


def reach_without_assignment(user: User, outside: Collection[uuid.UUID] = ()) -> list[uuid.UUID]:
    """Ids of the cases ``user`` sees by name or break-glass (named on a restricted case, or
    an unexpired grant), without being assigned to them if they are a case worker (whose
    caseload reads their assignments); only those of units not in ``outside`` (a
    supervisor's caseload reads their own units' cases by unit). Almost always none."""
    scopes = _Scopes(user)
    reached = restrict(Case.objects.all(), user).exclude(unit_id__in=outside)
    if scopes.worked:
        reached = reached.filter(~scopes._exists("assigned"))
    return list(reached.filter(scopes.named | scopes.glass).order_by().values_list("pk", flat=True))


def supervisors_of(cases: Iterable[Case]) -> dict[uuid.UUID, set[uuid.UUID]]:
    """Case id -> ids of the active users who may SUPERVISE it (the supervisors of its unit;
    of a restricted case, only those named on it): whom a deadline alert goes to."""
    units = {case.unit_id for case in cases}
    by_unit: dict[uuid.UUID, set[uuid.UUID]] = {}
    for unit_id, user_id in (
        Membership.objects.filter(unit_id__in=units, role=Role.SUPERVISOR, user__is_active=True)
        .order_by()
        .values_list("unit_id", "user_id")
    ):
        by_unit.setdefault(unit_id, set()).add(user_id)
    restricted = [case.pk for case in cases if case.restricted]
    named: dict[uuid.UUID, set[uuid.UUID]] = {}
    for case_id, user_id in NamedAccess.objects.filter(case_id__in=restricted).values_list(
        "case_id", "user_id"
    ):
        named.setdefault(case_id, set()).add(user_id)
    return {
        case.pk: by_unit.get(case.unit_id, set()) & named.get(case.pk, set())
        if case.restricted
        else by_unit.get(case.unit_id, set())
        for case in cases
    }


def break_glass_target(user: User, case_id: object) -> tuple[bool, Case | None]:
    """(already reachable, the case) for a supervisor breaking the glass. Break-glass is the
    one way to a case outside the user's scope, so the case is looked up here directly, and
    the caller asks only after the reason and a fresh code were given."""
    pk = _parse(case_id)
    if pk is None:
        return False, None
    if restrict(Case.objects.filter(pk=pk), user).exists():
        return True, None
    return False, Case.objects.filter(pk=pk).first()


def _deny(
    user: AnyUser,
    request: HttpRequest | None,
    object_type: str,
    pk: uuid.UUID | None,
    need: Need,
) -> NoReturn:
    """Audit the refused attempt, then answer as if the record did not exist."""
    record(
        "case.denied",
        request=request,
        actor=user if user.is_authenticated else None,
        object_type=object_type,
        object_id=str(pk) if pk else "",
        fields=[str(need)],
    )
    raise Http404
