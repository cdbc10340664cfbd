"""The one choke point for reading case-bound data (docs/architecture.md, rule 2 and access model).

Every view, API route and command that reads a case, or anything that belongs to one,
comes through ``visible_to`` / ``get_case_for`` / ``get_case_part_for``. A case outside the
user's scope answers 404, exactly like a case that does not exist, so ids reveal nothing.
"""

import uuid
from enum import StrEnum

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from lindungi.accounts.roles import Role
from lindungi.audit.events import record
from lindungi.cases.models import Assignment, BreakGlass, Case, NamedAccess
from lindungi.intake.models import Report

# Roles that work on cases themselves; the others (responder, partner, shelter officer)
# see limited views through their own capabilities, analysts and administrators never.
CASE_ROLES = {Role.CASE_WORKER, Role.SUPERVISOR}


class Need(StrEnum):
    VIEW = "view"
    EDIT = "edit"


def _units(user, role):
    return [m.unit_id for m in user.memberships.all() if m.role == role]


def visible_cases(queryset, user):
    """The cases ``user`` may see.

    - supervisors: every unrestricted case of their unit;
    - case workers: the unrestricted cases of their unit they are assigned to;
    - restricted cases: only their named users;
    - break-glass: the one case, until the grant expires.
    """
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    # EXISTS rather than ``pk IN (...)``: with every branch of the OR an indexed IN, SQLite
    # answers a page by collecting each branch's rows (all of a unit's cases for a
    # supervisor: 100,000) and sorting them; with EXISTS it walks the opening-time index
    # and stops at the page's last row. PostgreSQL plans both alike.
    scope = Exists(_NAMED.filter(user=user))
    supervised = _units(user, Role.SUPERVISOR)
    if supervised:
        scope |= Q(restricted=False, unit_id__in=supervised)
    worked = _units(user, Role.CASE_WORKER)
    if worked:
        scope |= Q(restricted=False, unit_id__in=worked) & Exists(_ASSIGNED.filter(user=user))
    scope |= Exists(_GLASS.filter(user=user, expires_at__gt=timezone.now()))
    return queryset.filter(scope)


# The per-case halves of visible_cases' tests, built once: each request adds only its user.
_NAMED = NamedAccess.objects.filter(case=OuterRef("pk"))
_ASSIGNED = Assignment.objects.filter(case=OuterRef("pk"))
_GLASS = BreakGlass.objects.filter(case=OuterRef("pk"))


def may_edit(user, case):
    """Edit rights on a case the user can already see. Break-glass reads, it never edits."""
    units = {m.unit_id for m in user.memberships.all() if m.role in CASE_ROLES}
    if case.unit_id not in units:
        return False
    if case.restricted:
        return NamedAccess.objects.filter(case=case, user=user).exists()
    if Role.SUPERVISOR in {m.role for m in user.memberships.all() if m.unit_id == case.unit_id}:
        return True
    return Assignment.objects.filter(case=case, user=user).exists()


def may_remove_attachments(user, case):
    """Removing a file destroys it for good: only a supervisor of the owning unit who may
    edit the case (named on it, when it is restricted). Break-glass never removes."""
    supervises = any(
        m.role == Role.SUPERVISOR and m.unit_id == case.unit_id for m in user.memberships.all()
    )
    return supervises and may_edit(user, case)


def may_see_identity(user, case):
    """Names, contact details and narratives: for the people helping (docs/architecture.md, rule 3);
    a break-glass reader sees the case without them."""
    return (
        may_edit(user, case)
        or Assignment.objects.filter(case=case, user=user).exists()
        or NamedAccess.objects.filter(case=case, user=user).exists()
    )


def _parse(case_id):
    try:
        return uuid.UUID(str(case_id))
    except ValueError:
        return None


def get_case_for(user, case_id, need=Need.VIEW, *, request=None, queryset=None):
    """The case, if ``user`` may ``need`` it; otherwise 404, and the attempt is audited.

    ``queryset`` (of cases) loads more in the same query (joins, annotations); it is
    narrowed by ``visible_to`` like the default, so it can never widen what is seen.
    """
    pk = _parse(case_id)
    cases = Case.objects.all() if queryset is None else queryset
    # At most one row: no ORDER BY (``first()`` would add one, which Django compiles
    # column by column).
    found = list(cases.visible_to(user).filter(pk=pk).order_by()[:1]) if pk else []
    case = found[0] if found else None
    if case is not None and (need == Need.VIEW or may_edit(user, case)):
        return case
    _deny(user, request, "cases.case", pk, need)


def get_case_part_for(user, model, part_id, need=Need.VIEW, *, request=None):
    """A client, incident, perpetrator or attachment, through the case it belongs to."""
    pk = _parse(part_id)
    rows = model.objects.filter(pk=pk).values_list(f"{model.CASE_PATH}_id", flat=True)
    case_id = rows.first() if pk else None
    if case_id is None:
        _deny(user, request, model._meta.label_lower, pk, need)
    case = get_case_for(user, case_id, need, request=request)
    return case, model.objects.get(pk=pk)


def get_case_report_for(user, report_id, *, request=None):
    """An intake report read through its case: whoever may see the case may read the
    reports it was opened from or linked to, in addition to intake's own rules (which the
    intake views apply first). A report without a case, or of a case out of scope,
    answers 404 and the attempt is audited."""
    pk = _parse(report_id)
    case_id = Report.objects.filter(pk=pk).values_list("case_id", flat=True).first() if pk else None
    if case_id is None:
        _deny(user, request, "intake.report", pk, Need.VIEW)
    get_case_for(user, case_id, request=request)
    return Report.objects.select_related("case").get(pk=pk)


def _deny(user, request, object_type, pk, need):
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
