"""Who sees and acts on a placement: the placement's rule, which joins the access module
(``cases/access.py``) at start-up, so that ``Placement.objects.restrict(user, need)`` (and
its people's and records') is the one way a placement is read (docs/architecture.md,
rule 2).

A placement is seen by:
- those who may ``need`` its case (the case's own rule, unchanged): the case's workers see
  the stay;
- the staff of the house it is at (its shelter officers and supervisors), while it is open
  and for ``SHELTER_VISIBLE_AFTER_HOURS`` after the check-out, for the check-out record,
  then never again. This is a limited grant: the placement, its people and the stay's
  records only, never the case file;
- the crew of the rapid response dispatch it was asked from, while they may act on the
  dispatch (``response/access.py``): the placement and its people, to take her to the
  meeting point (VIEW and CONTENT; never the case, the address or the stay's records);
- while it waits in the queue (no house has taken it), the staff of every safe house, to
  offer a place: its survivor code, urgency, needs for access and who is to be placed (role
  and sex), not the names (VIEW and EDIT, never CONTENT).

A placement out of reach answers 404 like an id that does not exist, and the attempt is
audited: a shelter officer of another house gets 404.
"""

import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.accounts.roles import Role, UnitType
from lindungi.cases import access as case_access
from lindungi.cases.access import AnyUser, Condition, Need
from lindungi.response.models import Dispatch
from lindungi.shelter.models import (
    OPEN,
    House,
    Placement,
    PlacementDecline,
    PlacementPerson,
    PlacementStatus,
    StayRecord,
    Visitor,
)

# What a house's staff may do with their residents' placements.
STAFF_NEEDS = {Need.VIEW, Need.CONTENT, Need.EDIT}
# What every house's staff may do with a request in the queue (no names).
QUEUE_NEEDS = {Need.VIEW, Need.EDIT}
# What a dispatch's crew may do with the placement they asked for: follow it and print its
# letter (the meeting point), while they may act on the dispatch; never answer for the house.
CREW_NEEDS = {Need.VIEW, Need.CONTENT}
HOUSE_ROLES = {Role.SHELTER_OFFICER, Role.SUPERVISOR}
NEVER = Q(pk__in=[])


def staff_units(user: AnyUser) -> list[uuid.UUID]:
    """The safe-house units ``user`` works in (as shelter officer or supervisor)."""
    if not user.is_authenticated or not user.is_active:
        return []
    return [
        m.unit_id
        for m in user.memberships.select_related("unit")
        if m.role in HOUSE_ROLES and m.unit.type == UnitType.SAFE_HOUSE
    ]


def staff_houses(user: AnyUser) -> list[House]:
    units = staff_units(user)
    return list(
        House.objects.filter(service_point__unit_id__in=units).select_related("service_point")
    )


def is_staff_of(user: AnyUser, house: House | None) -> bool:
    return house is not None and house.service_point.unit_id in staff_units(user)


def after_window() -> timedelta:
    return timedelta(hours=settings.SHELTER_VISIBLE_AFTER_HOURS)


def _placement_rule(
    prefix: str, *, wide: bool = True
) -> Callable[[AnyUser, Need, Callable[[Need], Condition]], Q]:
    """The rule for placements (``prefix`` ""), or for their parts (``"placement__"``);
    ``wide``: whether every house's staff see it while the placement waits in the queue,
    and the dispatch's crew the placement they asked for (the placement and its people;
    never its declines or the stay's records)."""

    def rule(user: AnyUser, need: Need, through_case: Callable[[Need], Condition]) -> Q:
        if not isinstance(user, User) or not user.is_active:
            return NEVER
        result = Q(through_case(need))
        if need in CREW_NEEDS and wide:
            dispatches = Dispatch.objects.restrict(user, Need.EDIT).values("pk")
            result |= Q(**{f"{prefix}dispatch__in": dispatches})
        units = staff_units(user)
        if not units:
            return result
        if need in STAFF_NEEDS:
            recent = Q(**{f"{prefix}status__in": OPEN}) | Q(
                **{f"{prefix}ended_at__gt": timezone.now() - after_window()}
            )
            result |= Q(**{f"{prefix}house__service_point__unit_id__in": units}) & recent
        if need in QUEUE_NEEDS and wide:
            result |= Q(
                **{f"{prefix}status": PlacementStatus.WAITING, f"{prefix}house__isnull": True}
            )
        return result

    return rule


def attach() -> None:
    """Hand the rules down to the access module (``ShelterConfig.ready``)."""
    case_access.add_rule(Placement, _placement_rule(""))
    case_access.add_rule(PlacementPerson, _placement_rule("placement__"))
    for part in (StayRecord, PlacementDecline, Visitor):
        case_access.add_rule(part, _placement_rule("placement__", wide=False))


def may(user: AnyUser, placement: Placement, need: Need) -> bool:
    return Placement.objects.restrict(user, need).filter(pk=placement.pk).exists()


def get_placement_for(
    user: AnyUser,
    placement_id: object,
    need: Need = Need.VIEW,
    *,
    request: HttpRequest | None = None,
) -> Placement:
    """The placement, if ``user`` may ``need`` it; otherwise 404, and the attempt audited."""
    return case_access.get_part_for(user, Placement, placement_id, need, request=request)


def shows_address(user: AnyUser, placement: Placement) -> bool:
    """The house's address is shown only on the placement's own page, once the house took
    her, to its staff and to those helping on the case (not to a dispatch's crew, who get
    the meeting point): never in a list, letter or alert."""
    if placement.status not in (PlacementStatus.ACCEPTED, PlacementStatus.STAYING):
        return False
    if is_staff_of(user, placement.house):
        return True
    helping = case_access.access_to(user, placement.case)
    return helping is not None and helping.may_read_content
