"""Closures and reopenings: closing never deletes anything."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.cases.querysets import CaseBoundQuerySet
from lindungi.casework.models.approvals import Approval
from lindungi.core.fields import EncryptedTextField
from lindungi.core.models import BaseModel


class ClosureReason(models.TextChoices):
    NEEDS_MET = "needs_met", _("Needs met")
    NO_CONTACT = "no_contact", _("No contact for the set number of days")
    SURVIVOR_ASKED = "survivor_asked", _("The survivor asked to close")
    MOVED_AWAY = "moved_away", _("Moved away")
    TRANSFERRED = "transferred", _("Transferred")
    OTHER = "other", _("Other")


class Closure(BaseModel):
    """A closure as requested; it takes effect when a supervisor approves it. Closing never
    deletes anything. A reopening is a row too, so the history stays whole."""

    class Kind(models.TextChoices):
        CLOSE = "close", _("Closure")
        REOPEN = "reopen", _("Reopening")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="closures")
    kind = models.CharField(
        max_length=8, choices=Kind.choices, default=Kind.CLOSE, verbose_name=_("kind")
    )
    reason = models.CharField(_("reason"), max_length=16, choices=ClosureReason.choices, blank=True)
    summary = EncryptedTextField(_("closing summary or reason to reopen"))
    open_services_reason = EncryptedTextField(_("why services are still open"), blank=True)
    approval = models.OneToOneField(
        Approval,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="closure",
        verbose_name=_("approval"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )

    CASE_PATH = "case"

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["-created_at"]

    def __str__(self):
        return self.kind
