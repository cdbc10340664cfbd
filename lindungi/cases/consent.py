"""Consent records (docs/architecture.md, rule 5): the one record of what a survivor agreed
to, read by every app that asks (the messages to her, intake, referrals, statistics).

A consent is a record, not a tick box: who gave it (the survivor, or a parent or guardian
for a child, with the child's own view), how (spoken, signed, by the form at intake), for
what purpose, to which recipient (a named partner organisation, or a kind of service),
which data categories, until when, recorded by whom, and withdrawn when and by whom. The
consents given at intake are records like any other (``how``: the intake form, ``report``:
the report that carried them). ``Consent.objects.in_force`` says which are in force; the
sharing rules (whether one covers a share) are the referrals app's
(``lindungi.referrals.consents``).

Kept apart from models.py so each file stays readable; models.py imports this module so
Django registers the model in the cases app.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.cases.querysets import CaseBoundQuerySet
from lindungi.cases.vocabulary import ServiceType
from lindungi.core.fields import EncryptedCharField, EncryptedTextField
from lindungi.core.models import BaseModel


class ConsentPurpose(models.TextChoices):
    SERVICES = "services", _("To receive services")
    CONTACT = "contact", _("To be contacted")
    REFERRAL = "referral", _("To be referred to another organisation")
    STATISTICS = "statistics", _("To include non-identifying data in statistics reporting")
    POLICE = "police", _("To give information to the police")


class DataCategory(models.TextChoices):
    """What a share may carry, in the categories a survivor consents to. The survivor code
    belongs to none: it names nobody."""

    IDENTITY = "identity", _("Name and NIK")
    CONTACT = "contact", _("Phone and address")
    DEMOGRAPHICS = "demographics", _("Age and sex")
    INCIDENT = "incident", _("Date and kind of incident")
    NARRATIVE = "narrative", _("What happened, in her words")
    ACCOMMODATIONS = "accommodations", _("Accommodations needed")


class GivenBy(models.TextChoices):
    SURVIVOR = "survivor", _("The survivor")
    PARENT = "parent", _("A parent")
    GUARDIAN = "guardian", _("A guardian")
    OTHER = "other", _("Someone else")


class ConsentMethod(models.TextChoices):
    SPOKEN = "spoken", _("Spoken")
    SIGNED = "signed", _("Signed")
    INTAKE_FORM = "intake_form", _("By the form at intake")


class ConsentQuerySet(CaseBoundQuerySet):
    def in_force(self, at: datetime | None = None) -> "ConsentQuerySet":
        """The consents in force at ``at`` (now): given by then, not withdrawn, not
        expired. A withdrawn or expired consent is out at once, and whatever it covered
        stops with it."""
        at = at or timezone.now()
        return self.filter(
            Q(given_at__lte=at),
            Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at),
            Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate(at)),
        )


class Consent(BaseModel):
    CASE_PATH = "case"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="consent_records")
    # Empty only for a consent carried from a report whose case had nobody recorded yet: it
    # is about the case as a whole.
    client = models.ForeignKey(
        "cases.Client",
        verbose_name=_("about"),
        null=True,
        on_delete=models.CASCADE,
        related_name="consent_records",
    )
    purpose = models.CharField(_("purpose"), max_length=12, choices=ConsentPurpose.choices)
    # A referral's consent names the organisation, or the kind of service it may go to.
    recipient = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("recipient organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient_kind = models.CharField(
        _("recipient kind of service"), max_length=24, choices=ServiceType.choices, blank=True
    )
    categories = models.JSONField(_("data categories"), default=list, blank=True)
    given_by = models.CharField(
        _("given by"), max_length=10, choices=GivenBy.choices, default=GivenBy.SURVIVOR
    )
    given_by_name = EncryptedCharField(_("name of who gave it"), max_length=200, blank=True)
    child_view = EncryptedTextField(_("the child's own view"), blank=True)
    how = models.CharField(_("how"), max_length=12, choices=ConsentMethod.choices)
    given_at = models.DateTimeField(_("given"))
    # Inclusive: in force through this day (in the deployment's zone); empty, until withdrawn.
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The intake report whose form carried it, for the consents given at intake.
    report = models.ForeignKey(
        "intake.Report", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]
        indexes = [
            models.Index(fields=["case", "purpose"], name="consent_case_purpose"),
            models.Index(fields=["purpose", "withdrawn_at"], name="consent_purpose"),
        ]

    def __str__(self):
        return self.purpose

    def category_labels(self):
        return [DataCategory(c).label for c in self.categories if c in DataCategory.values]
