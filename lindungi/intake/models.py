"""One report record for every channel: 112, complaint posts, the desk, phone, WhatsApp,
email, outreach, referrals and the public form. Nothing a person tells us is lost: a
report is saved as a draft while the officer types, and never refused for being partial.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.cases.models import WashingtonGroup
from lindungi.cases.safe_contact import SafeContact
from lindungi.cases.vocabulary import Sex
from lindungi.core.blind_index import Searchable, SearchableQuerySet
from lindungi.core.fields import NAME, PHONE, EncryptedCharField, EncryptedTextField
from lindungi.core.models import BaseModel
from lindungi.intake.references import new_reference
from lindungi.intake.risk import Risk


class Channel(models.TextChoices):
    CALL_112 = "call_112", _("112 call")
    COMPLAINT_POST = "complaint_post", _("Complaint post")
    WALK_IN = "walk_in", _("Walk-in at the service centre")
    PHONE = "phone", _("Phone")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("Email")
    OUTREACH = "outreach", _("Outreach")
    REFERRAL_IN = "referral_in", _("Referral from another agency")
    ONLINE = "online", _("Online form")
    API = "api", _("Integration (API)")


class ReporterType(models.TextChoices):
    SURVIVOR = "survivor", _("The survivor")
    OTHER = "other", _("Someone else")
    ANONYMOUS = "anonymous", _("Anonymous")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RECEIVED = "received", _("Received")
    CASE_OPENED = "case_opened", _("Case opened")
    LINKED = "linked", _("Linked to a case")
    REFERRED = "referred", _("Referred out")
    CLOSED = "closed", _("Closed: not a protection matter")


class ReportQuerySet(SearchableQuerySet):
    def restrict(self, user, need="view", membership=None):
        """The reports ``user`` may ``need`` (``lindungi.intake.access`` decides)."""
        # Replaced by lindungi.intake.access.restrict when the app is ready (access.attach):
        # the access module reads these models, so they do not import it.
        raise ImproperlyConfigured("The intake app is not ready: the access rule is not attached.")


class Report(Searchable, SafeContact, BaseModel):
    reference = models.CharField(
        _("reference"), max_length=16, unique=True, default=new_reference, editable=False
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("receiving unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    service_point = models.ForeignKey(
        "places.ServicePoint",
        verbose_name=_("service point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received"), null=True, blank=True)

    reporter_type = models.CharField(
        _("who reports"), max_length=12, choices=ReporterType.choices, blank=True
    )
    reporter_relation = EncryptedCharField(
        _("relation to the survivor"), max_length=100, blank=True
    )
    reporter_name = EncryptedCharField(
        _("reporter's name"), max_length=200, blank=True, search=NAME
    )
    contact_phone = EncryptedCharField(_("phone"), max_length=32, blank=True, search=PHONE)
    contact_email = EncryptedCharField(_("email"), max_length=254, blank=True)

    what_happened = EncryptedTextField(_("what happened"), blank=True)
    occurred_on = models.DateField(_("date"), null=True, blank=True)
    occurred_estimate = EncryptedCharField(_("when, roughly"), max_length=100, blank=True)
    kelurahan = models.ForeignKey(
        "places.Region",
        verbose_name=_("kelurahan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    street_detail = EncryptedTextField(_("street and place"), blank=True)
    people_affected = models.PositiveSmallIntegerField(_("people hurt"), null=True, blank=True)

    # Immediate danger screening: yes / no / not asked (null).
    in_danger_now = models.BooleanField(_("in danger now"), null=True, blank=True)
    perpetrator_nearby = models.BooleanField(
        _("perpetrator present or nearby"), null=True, blank=True
    )
    weapon_or_threat = models.BooleanField(_("weapon or threats to kill"), null=True, blank=True)
    injuries = models.BooleanField(_("injuries needing care"), null=True, blank=True)
    child_alone = models.BooleanField(_("a child or dependant left alone"), null=True, blank=True)
    self_harm = models.BooleanField(_("thoughts of self-harm"), null=True, blank=True)
    sexual_violence_72h = models.BooleanField(
        _("sexual violence in the last 72 hours"), null=True, blank=True
    )

    consent_contact = models.BooleanField(_("consents to be contacted"), default=False)
    consent_services = models.BooleanField(_("consents to receive services"), default=False)
    consent_statistics = models.BooleanField(
        _("consents to non-identifying data in the statistics"), default=False
    )

    risk = models.CharField(_("risk"), max_length=8, choices=Risk.choices, blank=True)
    risk_computed = models.CharField(max_length=8, choices=Risk.choices, blank=True)
    risk_override_reason = EncryptedTextField(_("reason for changing the risk"), blank=True)
    due_at = models.DateTimeField(_("respond by"), null=True, blank=True)
    urgent = models.BooleanField(_("rapid response requested"), default=False)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    # An officer who cannot open or see the case (e.g. at 112) hands the report to a
    # service centre, whose supervisors open the case or link it: it joins their queue.
    handed_to = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("handed over to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handed_reports",
    )
    handed_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referred_to = EncryptedCharField(_("referred to"), max_length=200, blank=True)
    closed_reason = EncryptedTextField(_("reason for closing"), blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)

    # Public reports: the status page opens with reference + PIN (hashed like a password).
    pin_hash = models.CharField(max_length=128, blank=True)

    version = models.PositiveIntegerField(default=1)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["due_at", "received_at"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="report_queue"),
            models.Index(fields=["unit", "status", "due_at"], name="report_unit_queue"),
        ]

    def __str__(self):
        return self.reference


class ReportPerson(Searchable, WashingtonGroup, BaseModel):
    """Someone hurt, as the report describes them. Becomes a Client when a case opens."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="people")
    name = EncryptedCharField(_("name"), max_length=200, blank=True, search=NAME)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    age_is_estimate = models.BooleanField(_("the age is an estimate"), default=False)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)

    class Meta:
        verbose_name = _("person hurt")
        verbose_name_plural = _("people hurt")
        ordering = ["created_at"]

    def __str__(self):
        return str(self.pk)


class ReporterMessage(BaseModel):
    """A message to the person who made the report, sent from the report: who sent it, and
    the queued message (``notifications.OutboundMessage``: its channel, text, state, and
    why it was held or refused). Written only by ``intake/reporter_messages.py``."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    message = models.OneToOneField(
        "notifications.OutboundMessage", on_delete=models.PROTECT, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("message to the reporter")
        verbose_name_plural = _("messages to the reporter")
        ordering = ["-created_at"]

    def __str__(self):
        return str(self.pk)


class ApiKey(BaseModel):
    """A key for one integration (112 dispatch, the citizen app), scoped to intake only.

    Only a SHA-256 of the key is stored: the key is shown once, when it is created.
    """

    name = models.CharField(_("integration"), max_length=100, unique=True)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=16, default="intake")
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return self.name


class PublicSubmission(models.Model):
    """One report sent through the public form (/lapor/), counted for the rate limit.

    ``address`` is a keyed hash of the sender's address: the limit counts rows per address,
    in the database, so it holds across every server process. Rows are forgotten once
    they no longer count (``actions.receive_public_report``). A resent form is answered by
    ``lindungi.core.once``, not from here.
    """

    address = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["address", "created_at"], name="public_submit_rate")]

    def __str__(self):
        return str(self.pk)


class StatusAttempt(models.Model):
    """A wrong try at the public status page (/lapor/status/), kept while it counts.

    Counted per reference tried, whether a report has it or not, and per address: a lock
    then says nothing about whether a report exists. Both are keyed hashes.
    """

    reference = models.CharField(max_length=64)
    address = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["reference", "created_at"], name="status_try_reference"),
            models.Index(fields=["address", "created_at"], name="status_try_address"),
        ]

    def __str__(self):
        return str(self.pk)
