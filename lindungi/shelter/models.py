"""Safe houses (Rumah Aman): the houses, their rooms and beds, and the placements of
survivors and their dependants with each stay's records.

A house is a service point of the safe-house kind (``places.ServicePoint``: its address is
encrypted and confidential) with what it can take. A placement is case-bound
(``CASE_PATH``): the request from a case, the house's answer, the stay (check-in and
check-out) and its daily log, incidents and visits. Its rule (``access.py``) lets the house's
staff see their residents while the stay lasts and for a short time after.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.cases.querysets import CaseBoundQuerySet
from lindungi.core.fields import EncryptedCharField, EncryptedTextField
from lindungi.core.models import BaseModel


class Takes(models.TextChoices):
    WOMEN = "women", _("Women")
    MEN = "men", _("Men")
    ANY = "any", _("Women and men")


class House(BaseModel):
    """What a safe house can take. Its name, unit and (confidential) address are its
    service point's; the meeting point is where transport meets a resident, printed on the
    placement letter instead of the address."""

    service_point = models.OneToOneField(
        "places.ServicePoint",
        verbose_name=_("service point"),
        on_delete=models.PROTECT,
        related_name="house",
        limit_choices_to={"kind": "safe_house"},
    )
    takes = models.CharField(_("takes"), max_length=8, choices=Takes.choices, default=Takes.WOMEN)
    min_age = models.PositiveSmallIntegerField(_("youngest adult resident (age)"), default=18)
    max_age = models.PositiveSmallIntegerField(_("oldest resident (age)"), default=120)
    children_allowed = models.BooleanField(_("children allowed with a parent"), default=True)
    wheelchair_accessible = models.BooleanField(_("wheelchair accessible"), default=False)
    meeting_point = EncryptedTextField(
        _("meeting point for transport"),
        blank=True,
        help_text=_("A public place near the house, never the house itself."),
    )

    class Meta:
        verbose_name = _("safe house")
        verbose_name_plural = _("safe houses")
        ordering = ["service_point__name"]

    def __str__(self) -> str:
        return self.service_point.name

    @property
    def unit_id(self):
        return self.service_point.unit_id


class Room(BaseModel):
    house = models.ForeignKey(House, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=60)
    wheelchair_accessible = models.BooleanField(_("wheelchair accessible"), default=False)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["house", "name"]
        constraints = [models.UniqueConstraint(fields=["house", "name"], name="room_unique_name")]

    def __str__(self) -> str:
        return self.name


class OutOfUse(models.TextChoices):
    REPAIR = "repair", _("Under repair")
    CLEANING = "cleaning", _("Being cleaned")
    HEALTH = "health", _("Kept apart for health reasons")
    OTHER = "other", _("Other reason")


class Bed(BaseModel):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="beds")
    label = models.CharField(_("label"), max_length=30)
    out_of_use = models.CharField(
        _("out of use"), max_length=10, choices=OutOfUse.choices, blank=True
    )

    class Meta:
        verbose_name = _("bed")
        verbose_name_plural = _("beds")
        ordering = ["room", "label"]
        constraints = [models.UniqueConstraint(fields=["room", "label"], name="bed_unique_label")]

    def __str__(self) -> str:
        return f"{self.room.name} {self.label}"


class Urgency(models.TextChoices):
    TONIGHT = "tonight", _("Tonight: she cannot go back")
    DAYS = "days", _("Within a few days")
    PLANNED = "planned", _("Planned")


class PlacementStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for a house")
    ACCEPTED = "accepted", _("Accepted: room ready")
    STAYING = "staying", _("Staying")
    ENDED = "ended", _("Checked out")
    CANCELLED = "cancelled", _("Cancelled")


# A placement holds its beds and room from the house's yes until the check-out.
HOLDING = [PlacementStatus.ACCEPTED, PlacementStatus.STAYING]
# The house's staff see a placement from the request to the check-out (and a while after).
OPEN = [PlacementStatus.WAITING, *HOLDING]


class Destination(models.TextChoices):
    HOME = "home", _("Home")
    FAMILY = "family", _("Family")
    OTHER_SHELTER = "other_shelter", _("Another shelter")
    INDEPENDENT = "independent", _("Independent living")
    OTHER = "other", _("Other")


class Placement(BaseModel):
    """A request for a place in a safe house for people of a case, and the stay it became.

    ``house`` is the house asked (none: the queue, which every safe house and the case's
    supervisors see); a decline returns the request to the queue. ``room`` is a room held
    whole for a family; otherwise each person has a bed (``PlacementPerson.bed``)."""

    CASE_PATH = "case"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="placements")
    dispatch = models.ForeignKey(
        "response.Dispatch",
        verbose_name=_("rapid response dispatch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
    )
    house = models.ForeignKey(
        House,
        verbose_name=_("safe house"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
    )
    status = models.CharField(_("state"), max_length=10, choices=PlacementStatus.choices)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices)
    needs = EncryptedTextField(_("needs"), blank=True)
    needs_wheelchair = models.BooleanField(_("needs wheelchair access"), default=False)
    requested_at = models.DateTimeField(_("requested"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    room = models.ForeignKey(
        Room,
        verbose_name=_("room held for the family"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="held_by",
    )
    checked_in_on = models.DateField(_("checked in"), null=True, blank=True)
    checked_out_on = models.DateField(_("checked out"), null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    destination = models.CharField(
        _("destination"), max_length=16, choices=Destination.choices, blank=True
    )
    end_reason = EncryptedTextField(_("reason"), blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["house", "status"], name="placement_house_status")]

    def __str__(self) -> str:
        return self.get_status_display()

    def nights(self, today: date) -> int:
        """Nights stayed: from the check-in date up to, not including, the check-out date
        (today's, in the deployment's zone, while she stays)."""
        if self.checked_in_on is None:
            return 0
        return max(0, ((self.checked_out_on or today) - self.checked_in_on).days)


class PlacementDecline(models.Model):
    """A house's no, with its reason: the request went back to the queue."""

    CASE_PATH = "placement__case"

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="declines")
    house = models.ForeignKey(House, on_delete=models.CASCADE, related_name="+")
    reason = EncryptedTextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return str(self.house)


class PlacementPerson(models.Model):
    """One of the people placed (the survivor or a dependant: a client of the case), and
    the bed they were given. ``holding`` is true while the placement holds its beds, so
    the database itself refuses a bed to two people at once."""

    CASE_PATH = "placement__case"

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="people")
    client = models.ForeignKey("cases.Client", on_delete=models.PROTECT, related_name="+")
    bed = models.ForeignKey(
        Bed, null=True, blank=True, on_delete=models.PROTECT, related_name="sleepers"
    )
    holding = models.BooleanField(default=False)

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        ordering = ["placement", "id"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "client"], name="placement_person_once"),
            models.UniqueConstraint(
                fields=["bed"], condition=models.Q(holding=True), name="bed_held_once"
            ),
        ]

    def __str__(self) -> str:
        return str(self.client)


class Visitor(models.Model):
    """Someone the house's staff let visit a resident: the list a visit is recorded from.
    Taken off the list (``removed_at``), they stay named on the visits already recorded."""

    CASE_PATH = "placement__case"

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="visitors")
    name = EncryptedCharField(_("visitor's name"), max_length=200)
    relationship = EncryptedCharField(_("relationship to her"), max_length=200)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        ordering = ["added_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class RecordKind(models.TextChoices):
    LOG = "log", _("Daily log")
    INCIDENT = "incident", _("Incident in the house")
    VISIT = "visit", _("Visit")


class StayRecord(models.Model):
    """A line of a resident's stay: the daily log, an incident in the house, or a visit
    (who came, recorded). What staff write is encrypted."""

    CASE_PATH = "placement__case"

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(_("kind"), max_length=10, choices=RecordKind.choices)
    at = models.DateTimeField(_("when"))
    note = EncryptedTextField(_("note"))
    visitor = EncryptedTextField(_("visitor and relationship"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return self.get_kind_display()


class MaxStayAlert(models.Model):
    """A stay whose end was alerted: one row per stay, claimed by a unique insert so it is
    alerted once however many workers run."""

    placement = models.OneToOneField(Placement, on_delete=models.CASCADE, related_name="+")
    run = models.UUIDField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.placement_id)
