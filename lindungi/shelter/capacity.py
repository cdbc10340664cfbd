"""What a house can take, and what a room has free: the rules the request and the house's
yes both check, and the occupancy board reads."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lindungi.cases.models import Client, ClientRole
from lindungi.cases.vocabulary import Sex
from lindungi.shelter.models import HOLDING, Bed, House, PlacementPerson, Room, Takes

ADULT_AGE = 18
REFUSED_SEX = {Takes.WOMEN: Sex.MALE, Takes.MEN: Sex.FEMALE}


def _adult_fits(house: House, client: Client, today: date) -> list[str | Promise]:
    problems: list[str | Promise] = []
    if client.sex == REFUSED_SEX.get(Takes(house.takes)):
        problems.append(_("This house does not take residents of this sex."))
    age = client.age_on(today)
    if age is not None and not house.min_age <= age <= house.max_age:
        problems.append(_("This house does not take residents of this age."))
    return problems


def fits(house: House, people: Iterable[Client], wheelchair: bool, today: date) -> None:
    """Refuse (ValidationError) people this house cannot take: the sex and age of its
    residents, children, wheelchair access."""
    problems: list[str | Promise] = []
    for client in people:
        age = client.age_on(today)
        child = client.role == ClientRole.DEPENDANT and age is not None and age < ADULT_AGE
        if child and not house.children_allowed:
            problems.append(_("This house does not take children."))
        elif not child:
            problems.extend(_adult_fits(house, client, today))
    if wheelchair and not house.wheelchair_accessible:
        problems.append(_("This house has no wheelchair access."))
    if problems:
        raise ValidationError(sorted(set(map(str, problems))))


def free_beds(room: Room) -> QuerySet[Bed]:
    """The room's beds in use and held by nobody (none, if the room is held whole)."""
    if room.held_by.filter(status__in=HOLDING).exists():
        return Bed.objects.none()
    held = PlacementPerson.objects.filter(holding=True).values("bed")
    return room.beds.filter(out_of_use="").exclude(pk__in=held)
