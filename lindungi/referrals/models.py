"""The referrals app's records: the provider directory and referrals. The consents a
referral needs are the case's consent records (``cases.Consent``); whether one covers a
share is this app's rule (``consents.covers``).

The provider directory: a partner organisation is a unit of the partner-agency type (its
officers are its members, its places the service points of ``places``); ``Provider`` adds
what the directory needs to find it: the services it gives, where, when and how accessibly.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.cases.consent import DataCategory
from lindungi.cases.querysets import CaseBoundQuerySet
from lindungi.cases.vocabulary import Accommodation
from lindungi.casework.models import ServiceType
from lindungi.core.fields import EncryptedCharField, EncryptedTextField
from lindungi.core.models import BaseModel


class Provider(BaseModel):
    """A partner organisation as the directory shows it to case workers. Not case-bound:
    it says what an organisation offers, never whom it served."""

    unit = models.OneToOneField(
        "accounts.Unit",
        verbose_name=_("partner organisation"),
        on_delete=models.PROTECT,
        related_name="provider",
        limit_choices_to={"type": "partner_agency"},
    )
    services = models.JSONField(_("services offered"), default=list, blank=True)
    regions = models.ManyToManyField(
        "places.Region",
        verbose_name=_("regions served"),
        related_name="+",
        blank=True,
        help_text=_("Cities or kecamatan; a city includes all its kecamatan."),
    )
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    accessibility = models.JSONField(_("accessibility"), default=list, blank=True)
    accessibility_note = models.CharField(_("more on accessibility"), max_length=300, blank=True)
    # A phone and a person for staff to call: staff's own details, encrypted all the same.
    staff_contact = EncryptedCharField(_("contact for staff"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("provider directory")
        ordering = ["unit__name"]

    def __str__(self):
        return str(self.unit)

    def service_labels(self):
        return [ServiceType(s).label for s in self.services if s in ServiceType.values]

    def accessibility_labels(self):
        return [Accommodation(a).label for a in self.accessibility if a in Accommodation.values]


class SharedField(models.TextChoices):
    """What a referral may show its partner, field by field, and the data category each
    needs a consent for. The survivor code names nobody and is always shown."""

    SURVIVOR_CODE = "survivor_code", _("Survivor code")
    NAME = "name", _("Name")
    NIK = "nik", _("NIK")
    PHONE = "phone", _("Phone")
    ADDRESS = "address", _("Address")
    AGE = "age", _("Age")
    SEX = "sex", _("Sex")
    INCIDENT_DATE = "incident_date", _("Date of the incident")
    INCIDENT_KIND = "incident_kind", _("Kind of violence")
    NARRATIVE = "narrative", _("What happened, in her words")
    ACCOMMODATIONS = "accommodations", _("Accommodations needed")


CATEGORY_OF = {
    SharedField.SURVIVOR_CODE: None,
    SharedField.NAME: DataCategory.IDENTITY,
    SharedField.NIK: DataCategory.IDENTITY,
    SharedField.PHONE: DataCategory.CONTACT,
    SharedField.ADDRESS: DataCategory.CONTACT,
    SharedField.AGE: DataCategory.DEMOGRAPHICS,
    SharedField.SEX: DataCategory.DEMOGRAPHICS,
    SharedField.INCIDENT_DATE: DataCategory.INCIDENT,
    SharedField.INCIDENT_KIND: DataCategory.INCIDENT,
    SharedField.NARRATIVE: DataCategory.NARRATIVE,
    SharedField.ACCOMMODATIONS: DataCategory.ACCOMMODATIONS,
}


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


# While a referral is open its partner works on it; after, it is the case's record only.
OPEN_REFERRAL = (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)


class Referral(BaseModel):
    """A case referred to a partner organisation for a service, sharing only the fields
    chosen (``fields``), under the consent that covers them (``consent``) or, where the
    deployment allows it, an emergency override the server decided and a supervisor
    reviews. The free text is encrypted; the hand-over note shows to the partner only while
    the referral is open."""

    CASE_PATH = "case"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    client = models.ForeignKey(
        "cases.Client", verbose_name=_("survivor"), on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("to"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    service = models.CharField(_("service"), max_length=24, choices=ServiceType.choices)
    purpose = EncryptedTextField(_("what for"))
    fields = models.JSONField(_("shared fields"), default=list)
    consent = models.ForeignKey(
        "cases.Consent",
        verbose_name=_("consent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    # Set by the send action alone, when no consent covers the share and the deployment
    # lets this actor override; never taken from a form or a request body.
    overridden = models.BooleanField(_("sent without consent (emergency)"), default=False)
    override_reason = EncryptedTextField(_("reason for the emergency override"), blank=True)
    override_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    override_reviewed_at = models.DateTimeField(_("override reviewed"), null=True, blank=True)
    override_review_note = EncryptedTextField(_("review note"), blank=True)
    handover_note = EncryptedTextField(_("warm hand-over note"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent"))
    accept_by = models.DateTimeField(_("to be accepted by"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = EncryptedTextField(_("reason for declining"), blank=True)
    progress = EncryptedTextField(_("progress"), blank=True)
    outcome = EncryptedTextField(_("outcome"), blank=True)
    outcome_on = models.DateField(_("service given on"), null=True, blank=True)
    outcome_reference = EncryptedCharField(
        _("reference (e.g. police report number)"), max_length=100, blank=True
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["provider", "status"], name="referral_provider"),
            models.Index(fields=["status", "accept_by"], name="referral_due"),
        ]

    def __str__(self):
        return self.service

    def field_labels(self):
        return [SharedField(f).label for f in self.fields if f in SharedField.values]

    @property
    def is_open(self):
        return self.status in OPEN_REFERRAL
