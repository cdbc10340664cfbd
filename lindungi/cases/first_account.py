"""What the case keeps of the intake report it was opened from, so the survivor tells her
story once: her first account (narrative, reporter, screening, triage), how to contact her
safely (the consents she gave at intake are consent records: ``cases.consent``).

Kept apart from models.py so each file stays readable; models.py imports this module so
Django registers these models in the cases app. Narratives and identities are encrypted.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.cases.querysets import CaseBoundQuerySet
from lindungi.cases.safe_contact import SafeContact
from lindungi.core.fields import EncryptedCharField, EncryptedTextField
from lindungi.core.models import BaseModel


class FirstAccount(BaseModel):
    """One intake report as it stood when its case was opened. Never edited afterwards: it
    is what was said, when and to whom; the case's own records say what was found."""

    CASE_PATH = "case"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="accounts")
    report = models.OneToOneField(
        "intake.Report", on_delete=models.PROTECT, related_name="first_account"
    )
    reference = models.CharField(_("reference"), max_length=16)
    channel = models.CharField(_("channel"), max_length=16)
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("receiving unit"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    service_point = models.ForeignKey(
        "places.ServicePoint",
        verbose_name=_("service point"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received"), null=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    handed_to = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("handed over to"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handed_at = models.DateTimeField(_("handed over"), null=True)
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    reporter_type = models.CharField(_("who reports"), max_length=12, blank=True)
    reporter_relation = EncryptedCharField(
        _("relation to the survivor"), max_length=100, blank=True
    )
    reporter_name = EncryptedCharField(_("reporter's name"), max_length=200, blank=True)

    what_happened = EncryptedTextField(_("what happened"), blank=True)
    occurred_on = models.DateField(_("date"), null=True)
    occurred_estimate = EncryptedCharField(_("when, roughly"), max_length=100, blank=True)
    kelurahan = models.ForeignKey(
        "places.Region",
        verbose_name=_("kelurahan"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    street_detail = EncryptedTextField(_("street and place"), blank=True)
    people_affected = models.PositiveSmallIntegerField(_("people hurt"), null=True)

    in_danger_now = models.BooleanField(_("in danger now"), null=True)
    perpetrator_nearby = models.BooleanField(_("perpetrator present or nearby"), null=True)
    weapon_or_threat = models.BooleanField(_("weapon or threats to kill"), null=True)
    injuries = models.BooleanField(_("injuries needing care"), null=True)
    child_alone = models.BooleanField(_("a child or dependant left alone"), null=True)
    self_harm = models.BooleanField(_("thoughts of self-harm"), null=True)
    sexual_violence_72h = models.BooleanField(_("sexual violence in the last 72 hours"), null=True)

    risk = models.CharField(_("risk"), max_length=8, blank=True)
    risk_computed = models.CharField(_("risk as computed"), max_length=8, blank=True)
    risk_override_reason = EncryptedTextField(_("reason for changing the risk"), blank=True)
    due_at = models.DateTimeField(_("respond by"), null=True)
    urgent = models.BooleanField(_("rapid response requested"), default=False)

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("first account")
        verbose_name_plural = _("first accounts")
        ordering = ["received_at", "created_at"]

    def __str__(self):
        return self.reference


class CaseContact(SafeContact, BaseModel):
    """How to reach the survivor, and how not to: one per case, carried from the report."""

    CASE_PATH = "case"

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="contact")
    contact_phone = EncryptedCharField(_("phone"), max_length=32, blank=True)
    contact_email = EncryptedCharField(_("email"), max_length=254, blank=True)
    # Messages to her use a neutral text unless she agreed that they may name the service.
    may_name_service = models.BooleanField(_("messages may name the service"), default=False)
    version = models.PositiveIntegerField(default=1)

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("safe contact")
        verbose_name_plural = _("safe contacts")

    def __str__(self):
        return str(self.pk)


class SurvivorMessage(BaseModel):
    """A message to the survivor sent from the case: who sent it, and the queued message
    (``notifications.OutboundMessage``: its channel, text, state, and why it was held or
    refused). Written only by ``cases/survivor_messages.py``."""

    CASE_PATH = "case"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="messages")
    message = models.OneToOneField(
        "notifications.OutboundMessage", on_delete=models.PROTECT, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("message to the survivor")
        verbose_name_plural = _("messages to the survivor")
        ordering = ["-created_at"]

    def __str__(self):
        return str(self.pk)
