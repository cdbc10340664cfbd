"""The rapid response unit: its settings, roster and dispatches.

A dispatch is case-bound: it points at the report it was asked from, or the case, or both
(``CASE_PATH``; ``access.py`` registers the rule that also reaches a dispatch whose report
has no case yet, and the crew's limited grant). Free text about the survivor is encrypted.
Each lifecycle step keeps its time and who recorded it; durations are stored for the
statistics.
"""

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.models import Unit
from lindungi.cases.querysets import CaseBoundQuerySet
from lindungi.core.fields import EncryptedCharField, EncryptedTextField
from lindungi.core.models import BaseModel


class CrewRole(models.TextChoices):
    TEAM_LEAD = "team_lead", _("Team lead")
    RESPONDER = "responder", _("Responder")
    DRIVER = "driver", _("Driver")
    BACKUP = "backup", _("Backup")


class UnitSettings(BaseModel):
    """How a rapid response unit runs: its shift pattern, its minimum crew and the order in
    which a dispatch nobody takes up escalates (``EscalationContact``)."""

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, related_name="response_settings", verbose_name=_("unit")
    )
    shift_starts = models.CharField(
        _("shift start times"),
        max_length=100,
        blank=True,
        help_text=_("Times of day, comma separated (07:00,15:00,23:00); empty: the default."),
    )
    min_responders = models.PositiveSmallIntegerField(_("minimum responders per shift"), default=2)

    class Meta:
        verbose_name = _("rapid response settings")
        verbose_name_plural = _("rapid response settings")

    def __str__(self) -> str:
        return str(self.unit)

    def clean(self) -> None:
        for part in self.shift_starts.split(","):
            try:
                if part.strip():
                    time.fromisoformat(part.strip())
            except ValueError:
                raise ValidationError(
                    {"shift_starts": _("Write times of day as 07:00, separated by commas.")}
                ) from None


class EscalationContact(BaseModel):
    """One step of a unit's escalation chain: alerted in turn while a dispatch is not under
    way (after the backup and the supervisors)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="escalation_chain")
    position = models.PositiveSmallIntegerField(_("position"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["unit", "position"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "position"], name="escalation_step_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} #{self.position}"


class Shift(BaseModel):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "starts_at"], name="shift_unique_start")
        ]
        indexes = [models.Index(fields=["unit", "ends_at"], name="shift_unit_end")]

    def __str__(self) -> str:
        return f"{self.unit} {self.starts_at:%Y-%m-%d %H:%M}"


class ShiftAssignment(BaseModel):
    """A person in a role on a shift. A swap hands the place to someone else, leave takes
    the person off: both keep who changed it and when (and the audit trail has the rest)."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shift_assignments"
    )
    role = models.CharField(_("role"), max_length=16, choices=CrewRole.choices)
    on_leave = models.BooleanField(_("on leave"), default=False)
    swapped_from = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["shift__starts_at", "role"]
        constraints = [
            models.UniqueConstraint(fields=["shift", "user"], name="shift_assignment_unique")
        ]

    def __str__(self) -> str:
        return self.role


class RosterGapAlert(models.Model):
    """A shift's gap that was alerted: one row per shift, so supervisors hear once however
    many workers run (the pattern of ``notifications.OverdueAlert``)."""

    shift = models.OneToOneField(Shift, on_delete=models.CASCADE, related_name="+")
    run = models.UUIDField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.shift_id)


class DispatchStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    EN_ROUTE = "en_route", _("En route")
    ON_SCENE = "on_scene", _("On scene")
    SAFE = "safe", _("Survivor safe")
    CLEARED = "cleared", _("Cleared")
    CANCELLED = "cancelled", _("Cancelled")


# The lifecycle in order; cancelled leaves it from any open step.
STEPS = [
    DispatchStatus.REQUESTED,
    DispatchStatus.ACKNOWLEDGED,
    DispatchStatus.EN_ROUTE,
    DispatchStatus.ON_SCENE,
    DispatchStatus.SAFE,
    DispatchStatus.CLEARED,
]
OPEN = [s for s in STEPS if s != DispatchStatus.CLEARED]


class TakenTo(models.TextChoices):
    STAYED = "stayed", _("Safe where she is")
    HEALTH = "health", _("Health facility")
    SAFE_HOUSE = "safe_house", _("Safe house")
    POLICE = "police", _("Police")


class RiskNow(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class DispatchQuerySet(CaseBoundQuerySet):
    def open(self) -> "DispatchQuerySet":
        return self.filter(status__in=OPEN)


class Dispatch(BaseModel):
    """A team sent to a survivor: what the team needs to know, and each step's time."""

    CASE_PATH = "case"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="dispatches")
    report = models.ForeignKey(
        "intake.Report", null=True, blank=True, on_delete=models.PROTECT, related_name="dispatches"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="dispatches"
    )
    survivor_code = models.CharField(_("survivor code"), max_length=32, blank=True)
    # Where and what: only what the team needs.
    location = EncryptedTextField(_("location"))
    kelurahan = models.ForeignKey(
        "places.Region",
        verbose_name=_("kelurahan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kota = models.ForeignKey(
        "places.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    danger = EncryptedTextField(_("danger described"))
    children_present = models.BooleanField(_("children present"), default=False)
    accommodation = EncryptedCharField(
        _("disability or other accommodation needed"), max_length=500, blank=True
    )
    who_is_there = EncryptedTextField(_("who is there"), blank=True)
    safe_approach = EncryptedTextField(_("safe way to approach and contact"), blank=True)

    status = models.CharField(_("state"), max_length=16, choices=DispatchStatus.choices)
    shift = models.ForeignKey(
        Shift, null=True, blank=True, on_delete=models.SET_NULL, related_name="dispatches"
    )
    requested_at = models.DateTimeField(_("requested"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    out_of_order = models.BooleanField(_("times out of order"), default=False)
    cancel_reason = EncryptedTextField(_("reason for cancelling"), blank=True)
    # For the statistics: seconds from the request to each step.
    seconds_to_acknowledge = models.IntegerField(null=True, blank=True)
    seconds_to_en_route = models.IntegerField(null=True, blank=True)
    seconds_to_on_scene = models.IntegerField(null=True, blank=True)
    # The visit's outcome.
    taken_to = models.CharField(_("taken to"), max_length=16, choices=TakenTo.choices, blank=True)
    found = EncryptedTextField(_("what the team found"), blank=True)
    risk_now = models.CharField(_("risk now"), max_length=8, choices=RiskNow.choices, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = DispatchQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["unit", "status"], name="dispatch_unit_status")]

    def __str__(self) -> str:
        return self.get_status_display()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class DispatchStep(models.Model):
    """One step of a dispatch: when it happened (as told) and who recorded it when."""

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=16, choices=DispatchStatus.choices)
    at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    out_of_order = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "recorded_at"]
        constraints = [
            models.UniqueConstraint(fields=["dispatch", "status"], name="dispatch_step_once")
        ]

    def __str__(self) -> str:
        return self.status


class DispatchMember(models.Model):
    """The crew of a dispatch: who was on call when it was asked for, in which role."""

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="crew")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, choices=CrewRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dispatch", "user"], name="dispatch_member_once")
        ]

    def __str__(self) -> str:
        return self.role


class Escalation(models.Model):
    """An escalation step taken: one row per (dispatch, step), claimed by a unique insert so
    it happens once however many workers (or boards) get there."""

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="escalations")
    step = models.PositiveSmallIntegerField()
    run = models.UUIDField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["step"]
        constraints = [models.UniqueConstraint(fields=["dispatch", "step"], name="escalation_once")]

    def __str__(self) -> str:
        return str(self.step)
