"""Requests for a supervisor's decision on the plan or the closure."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.cases.querysets import CaseBoundQuerySet
from lindungi.core.fields import EncryptedTextField
from lindungi.core.models import BaseModel


class Approval(BaseModel):
    """A request for a supervisor's decision on the plan or the closure."""

    class Subject(models.TextChoices):
        PLAN = "plan", _("Service plan")
        CLOSURE = "closure", _("Closure")

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        # The plan changed while it waited: the supervisor must see the new one.
        WITHDRAWN = "withdrawn", _("Withdrawn: the plan changed")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="approvals")
    subject = models.CharField(_("subject"), max_length=8, choices=Subject.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    request_comment = EncryptedTextField(_("comment"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices, blank=True)
    decision_comment = EncryptedTextField(_("supervisor's comment"), blank=True)

    CASE_PATH = "case"

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["-created_at"]
        constraints = [
            # At most one open request per subject: a second one would race the first.
            models.UniqueConstraint(
                fields=["case", "subject"],
                condition=models.Q(decided_at__isnull=True),
                name="approval_one_pending",
            )
        ]

    def __str__(self):
        return self.subject
