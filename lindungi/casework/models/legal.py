"""The UU TPKS police report deadline and the public-employee sanction track."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.cases.querysets import CaseBoundQuerySet
from lindungi.core.fields import EncryptedCharField, EncryptedTextField
from lindungi.core.models import BaseModel


class PoliceReport(BaseModel):
    """UU 12/2022 (TPKS) Pasal 39–41: a UPTD PPA that receives a report of sexual violence
    reports it to the police within 3×24 hours. When, by whom and the police reference are
    recorded, or why it was not reported."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="police_report"
    )
    due_at = models.DateTimeField(_("due"))
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reported by"),
    )
    police_reference = EncryptedCharField(_("police reference"), max_length=100, blank=True)
    not_reported_reason = EncryptedTextField(_("why it was not reported"), blank=True)

    CASE_PATH = "case"

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("police report")
        verbose_name_plural = _("police reports")
        indexes = [models.Index(fields=["reported_at", "due_at"], name="police_report_due")]

    def __str__(self):
        return str(self.case_id)


class SanctionDecision(models.TextChoices):
    PENDING = "pending", _("No decision yet")
    WARNING = "warning", _("Warning")
    SUSPENSION = "suspension", _("Suspension")
    DISMISSAL = "dismissal", _("Dismissal")
    OTHER = "other", _("Other")


class SanctionTrack(BaseModel):
    """The administrative sanction of a public-employee perpetrator, followed to its end."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="sanctions")
    perpetrator = models.OneToOneField(
        "cases.Perpetrator",
        on_delete=models.CASCADE,
        related_name="sanction",
        verbose_name=_("perpetrator"),
    )
    agency = EncryptedCharField(_("employing agency"), max_length=200)
    notified_on = models.DateField(_("agency notified on"), null=True, blank=True)
    notified_how = EncryptedCharField(_("how it was notified"), max_length=200, blank=True)
    decision = models.CharField(
        _("agency's decision"),
        max_length=12,
        choices=SanctionDecision.choices,
        default=SanctionDecision.PENDING,
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    concluded = models.BooleanField(_("concluded"), default=False)
    version = models.PositiveIntegerField(default=1)

    CASE_PATH = "case"

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("sanction track")
        verbose_name_plural = _("sanction tracks")

    def __str__(self):
        # Not the agency: with the perpetrator's occupation it can name him, and a str()
        # ends up in logs and error pages.
        return str(self.pk)
