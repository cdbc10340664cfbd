"""The service plan made with the survivor, and its services."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.cases.querysets import CaseBoundQuerySet
from lindungi.cases.vocabulary import ServiceType
from lindungi.core.fields import EncryptedCharField, EncryptedTextField
from lindungi.core.models import BaseModel


class ServiceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined by the survivor")
    UNAVAILABLE = "unavailable", _("Unavailable")


OPEN_SERVICE_STATUSES = (ServiceStatus.PLANNED, ServiceStatus.IN_PROGRESS)


class ServicePlan(BaseModel):
    """The plan made with the survivor; a supervisor approves it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Returned for changes")

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="plan")
    goals = EncryptedTextField(_("the survivor's goals, in their words"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(default=1)

    CASE_PATH = "case"

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("service plan")
        verbose_name_plural = _("service plans")

    def __str__(self):
        return str(self.case_id)


def plan_of(case):
    """The case's service plan, or None while it has none."""
    try:
        return case.plan
    except ServicePlan.DoesNotExist:
        return None


class PlannedService(BaseModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="services")
    type = models.CharField(_("service"), max_length=24, choices=ServiceType.choices)
    provider_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("provider (unit)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    provider_name = EncryptedCharField(_("provider (other agency)"), max_length=200, blank=True)
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=ServiceStatus.choices, default=ServiceStatus.PLANNED
    )
    outcome = EncryptedTextField(_("outcome"), blank=True)
    done_on = models.DateField(_("date given"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    CASE_PATH = "case"

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["due_on", "created_at"]
        indexes = [models.Index(fields=["status", "due_on"], name="service_due")]

    def __str__(self):
        return self.type
