"""One page of a list of cases, in a chosen order, that stays fast at 100,000 cases.

The caller passes a queryset that is already ``Case.objects.restrict(user)``: nothing
here widens what a user may see. Pages go by keyset (the last row's sort key), not by
offset, so the hundredth page costs what the first does. There is no total: counting the
visible cases means reading all of them (a supervisor of a large unit sees tens of
thousands), which cost as much as the page itself in measurements at 100,000 cases.
"""

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from operator import attrgetter

from django.core.cache import cache
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.roles import Role
from lindungi.cases.access import reach_without_assignment
from lindungi.cases.caseload_deadlines import DEADLINE_FACT_FIELDS, with_deadline_facts
from lindungi.cases.models import Priority, Status
from lindungi.cases.queries.rows import ROW_DETAILS, describe_rows

PAGE_SIZE = 50

# --- Sorting and keyset pages ------------------------------------------------------------


def _rank(field_name, choices):
    """The position of a code in its list (workflow order, high before low) as a number."""
    whens = [models.When(**{field_name: value}, then=i) for i, value in enumerate(choices.values)]
    return models.Case(*whens, default=len(whens), output_field=models.IntegerField())


@dataclass(frozen=True)
class Sort:
    label: str
    rank: object = None  # an expression sorted ascending before the opening time
    newest_first: bool = True

    def keys(self):
        """(field, descending) pairs: the order, and the keyset that pages through it."""
        keys = [("sort_rank", False)] if self.rank is not None else []
        return [*keys, ("opened_at", self.newest_first), ("id", self.newest_first)]


SORTS = {
    "newest": Sort(_("Newest first")),
    "oldest": Sort(_("Oldest first"), newest_first=False),
    "priority": Sort(_("Priority (high first)"), rank=_rank("priority", Priority)),
    "status": Sort(_("Status (workflow order)"), rank=_rank("status", Status)),
}
DEFAULT_SORT = "newest"

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def encode_cursor(values):
    """A row's sort key as a short URL-safe token: ids and times only, nothing personal."""
    parts = []
    for value in values:
        if isinstance(value, datetime):
            parts.append(str((value - EPOCH) // timedelta(microseconds=1)))
        elif isinstance(value, uuid.UUID):
            parts.append(value.hex)
        else:
            parts.append(str(value))
    return ".".join(parts)


def decode_cursor(token, sort):
    """The values of ``encode_cursor``, or ``None`` for anything malformed (first page)."""
    parts = (token or "").split(".")
    keys = sort.keys()
    if len(parts) != len(keys):
        return None
    try:
        values = [int(p) for p in parts[:-2]]
        values.append(EPOCH + timedelta(microseconds=int(parts[-2])))
        values.append(uuid.UUID(hex=parts[-1]))
    except (ValueError, OverflowError):
        return None
    return values


def _beyond(keys, values):
    """Rows that come after ``values`` in the order of ``keys``.

    The first key also gets a plain bound (``opened_at <= t``), so that the database
    starts its index scan at the cursor instead of walking every newer row first.
    """
    after = None
    equal = Q()
    for (name, descending), value in zip(keys, values, strict=True):
        step = equal & Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
        after = step if after is None else after | step
        equal &= Q(**{name: value})
    first, descending = keys[0]
    return Q(**{f"{first}__{'lte' if descending else 'gte'}": values[0]}) & after


def _order(keys):
    return [f"-{name}" if descending else name for name, descending in keys]


@dataclass
class CasePage:
    rows: list
    next_cursor: str | None = None
    previous_cursor: str | None = None
    kota_names: dict = field(default_factory=dict)
    # What the template prints of each row, in the rows' order (``rows.describe_rows``).
    lines: list = field(default_factory=list)

    @property
    def is_only_page(self):
        """All the matching cases are on this page, so their number is known."""
        return self.next_cursor is None and self.previous_cursor is None


# What a row shows and its deadlines need: the other columns (times of every change, the
# restriction's reason) would only be converted for nothing, fifty times a page.
LISTED_FIELDS = ["survivor_code", "status", "priority", "restricted", "opened_at", "closed_at"]


def page_of(queryset, sort_key, *, after=None, before=None, size=None, kota_names=None, owner=None):
    """One page of ``queryset`` in the order of ``SORTS[sort_key]``.

    ``after`` / ``before`` are cursors from a previous page; ``size`` is PAGE_SIZE unless
    given. The rows come with what the list shows already loaded (a fixed number of
    queries whatever the page size).
    ``kota_names`` (code: name), when the caller has them, spares looking those up.
    ``owner``: the user whose own caseload this is (``queryset`` is what they may see), so
    that the list can be driven from their assignments (``own_parts``).
    """
    size = size or PAGE_SIZE
    sort = SORTS.get(sort_key) or SORTS[DEFAULT_SORT]
    keys = sort.keys()
    # What the deadlines need (attach_deadlines) and what each row shows of its survivors,
    # workers and first incident come with the rows: the page is one query.
    queryset = with_deadline_facts(queryset.only(*LISTED_FIELDS, *DEADLINE_FACT_FIELDS))
    queryset = queryset.annotate(**ROW_DETAILS)
    if sort.rank is not None:
        queryset = queryset.annotate(sort_rank=sort.rank)
    cursor, backwards = _cursor(after, before, sort)
    order = [(name, not descending) for name, descending in keys] if backwards else keys
    parts = [(queryset, "opened_at")]
    if owner is not None:
        # Also for the priority and status sorts, which no index serves: sorting a worker's
        # own cases beats sorting all of their unit's (45 ms against 107 at 100,000 cases).
        parts = own_parts(queryset, owner)
    rows = merged_rows(parts, order, size + 1, cursor=cursor)
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    page = CasePage(rows=rows)
    if rows:
        _link_neighbours(
            page, keys, came_from_cursor=cursor is not None, more=more, backwards=backwards
        )
    describe_rows(page, kota_names or {})
    return page


def _cursor(after, before, sort):
    """(the cursor a page starts from, whether it goes backwards from it): ``after`` first,
    else ``before``, else none (the first page)."""
    cursor = decode_cursor(after, sort)
    if cursor is not None:
        return cursor, False
    cursor = decode_cursor(before, sort)
    return cursor, cursor is not None


def _link_neighbours(page, keys, *, came_from_cursor, more, backwards):
    """The cursors to the pages before and after ``page`` (which has rows), where there are
    such pages."""
    first = encode_cursor([getattr(page.rows[0], name) for name, _d in keys])
    last = encode_cursor([getattr(page.rows[-1], name) for name, _d in keys])
    # Going forwards there is a page behind us whenever we came from a cursor; going
    # backwards there is one ahead. The other side is known from the extra row.
    page.previous_cursor = first if (more if backwards else came_from_cursor) else None
    page.next_cursor = last if (came_from_cursor if backwards else more) else None


def merged_rows(parts, order, limit, *, cursor=None, offset=0):
    """Rows ``offset`` to ``offset + limit`` of the union of ``parts`` (``own_parts``) in
    ``order`` ([(field, descending)], ``opened_at`` read from each part's own field), after
    ``cursor`` if given. Each part is read in the same order; their first rows, merged, are
    the first rows of the whole."""
    # One part is sliced in the database; several are read from their start and merged.
    start, stop = (offset, offset + limit) if len(parts) == 1 else (0, offset + limit)
    rows = []
    for part, opened in parts:
        named = [(opened if name == "opened_at" else name, desc) for name, desc in order]
        chunk = part.order_by(*_order(named))
        if cursor is not None:
            chunk = chunk.filter(_beyond(named, cursor))
        rows.extend(chunk[start:stop])
    if len(parts) > 1:
        for name, descending in reversed(order):
            rows.sort(key=attrgetter(name), reverse=descending)
        rows = rows[offset : offset + limit]
    return rows


# --- Whose cases the list walks ----------------------------------------------------------


def own_parts(queryset, user):
    """``queryset`` (cases ``user`` may see) as parts whose union it is, each with the
    field that gives its opening time, for ``page_of`` to page through and merge.

    A supervisor's list walks their own units' cases newest first (index unit, opening
    time) and stops after a page, since nearly every case of those units is theirs. Walking
    every case newest first instead read 27,000 cases for a page of a unit holding 2,000 of
    a million. A case worker sees only their share (about one case in twenty at a centre
    with twenty workers): walking the unit's cases to find theirs read a thousand cases for
    a page of fifty at 100,000 cases. Their assigned cases are walked instead, in the order
    of the opening time copied onto each assignment (``Assignment.case_opened_at``). What
    else a user may see (named on a restricted case, or a break-glass grant, in another
    unit, and for a case worker without an assignment) is a handful of cases, looked up by
    id (``reach_without_assignment``, which keeps the same rule). Nothing here
    widens ``queryset``: each part is a filter of it, and no case is in two parts.
    """
    roles = {(m.role, m.unit_id) for m in user.memberships.all()}
    supervised = sorted({unit for role, unit in roles if role == Role.SUPERVISOR}, key=str)
    parts = []
    outside = Q()
    if supervised:
        parts.append((queryset.filter(unit_id__in=supervised), "opened_at"))
        outside = ~Q(unit_id__in=supervised)
    works_cases = any(role == Role.CASE_WORKER for role, _unit in roles)
    if works_cases:
        # An alias, not an annotation: it orders and bounds the walk, and is not read back.
        assigned = queryset.filter(outside, assignments__user=user).alias(
            assigned_opened_at=F("assignments__case_opened_at")
        )
        parts.append((assigned, "assigned_opened_at"))
    ids = _unassigned_reach(user, supervised, works_cases)
    if ids:
        parts.append((queryset.filter(pk__in=ids), "opened_at"))
    return parts


# How long the ids of a case worker's cases outside their assignments are kept (seconds).
# Data, not HTML, kept because asking for them is a query of its own (the access rule
# without the assignment) on every page of a worker paging and filtering through their
# list. They only add rows that ``restrict`` still filters, so a stale list
# never shows a case the user may no longer see; it can show a case they were newly named
# on up to this much later. The time is the invalidation: the cache is each server
# process's own memory (no CACHES setting), which the action that names someone cannot
# reach in the other processes.
UNASSIGNED_REACH_SECONDS = 60


def _unassigned_reach(user, supervised, works_cases):
    """Cases ``user`` is named on or broke the glass for without being assigned to them,
    outside the units they supervise (asked of the access module): almost always none.
    Kept under their roles too: a role given or taken changes which part lists a case, and
    a list kept from before could then show a case twice."""
    roles = hashlib.sha256(f"{works_cases}:{supervised}".encode()).hexdigest()[:16]
    key = f"cases.unassigned_reach.{user.pk}.{roles}"  # short, whatever the units' number
    ids = cache.get(key)
    if ids is None:
        ids = reach_without_assignment(user, outside=supervised)
        cache.set(key, ids, UNASSIGNED_REACH_SECONDS)
    return ids
