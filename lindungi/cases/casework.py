"""Case work records (issue "Case work"): assessments, the service plan, services, notes,
tasks, approvals, the UU TPKS police report, the public-employee sanction track, closure.

Kept apart from models.py so each file stays readable; models.py imports this module so
Django registers these models in the cases app. Narratives are encrypted; codes that
statistics count are plain.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.cases.querysets import CaseBoundQuerySet
from lindungi.core.fields import EncryptedCharField, EncryptedTextField
from lindungi.core.models import BaseModel

# --- Assessments -------------------------------------------------------------------------


class NeedLevel(models.TextChoices):
    NONE = "none", _("No need")
    SOME = "some", _("Some need")
    URGENT = "urgent", _("Urgent need")


# The biopsychosocial domains of the in-depth assessment (Permen PPPA 2/2022).
NEED_DOMAINS = [
    ("health", _("Health")),
    ("safety", _("Safety")),
    ("psychological", _("Psychological state")),
    ("legal", _("Legal needs")),
    ("shelter", _("Shelter")),
    ("economic", _("Economic situation")),
    ("education", _("Education")),
    ("family_support", _("Family and social support")),
    ("disability", _("Disability accommodations")),
]

# The structured risk checklist, in the order it is asked.
RISK_FACTORS = [
    ("escalating", _("Violence is getting more frequent or more severe")),
    ("weapon", _("A weapon was used or is at hand")),
    ("threats_to_kill", _("Threats to kill")),
    ("strangulation", _("Strangulation or choking")),
    ("jealousy_control", _("Extreme jealousy or controlling behaviour")),
    ("pregnancy", _("The survivor is pregnant")),
    ("separation", _("Recent or planned separation")),
    ("child_at_risk", _("A child is at risk")),
    ("perpetrator_access", _("The perpetrator can reach the survivor")),
]


class Assessment(BaseModel):
    """One assessment, kept forever: a new one is a new row with the next number."""

    class Kind(models.TextChoices):
        NEEDS = "needs", _("Needs assessment")
        RISK = "risk", _("Risk assessment")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    number = models.PositiveIntegerField(_("number"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    # Needs: {domain: NeedLevel}; risk: {factor: bool}. Codes only, never words.
    answers = models.JSONField(default=dict, verbose_name=_("answers"))
    level = models.CharField(_("risk level"), max_length=8, blank=True)
    override_level = models.CharField(_("level set by the worker"), max_length=8, blank=True)
    override_reason = EncryptedTextField(_("reason for the level"), blank=True)
    summary = EncryptedTextField(_("summary"), blank=True)

    CASE_PATH = "case"

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["kind", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "number"], name="assessment_number")
        ]

    def __str__(self):
        return f"{self.kind} {self.number}"

    @property
    def effective_level(self):
        return self.override_level or self.level


# --- Service plan and services -----------------------------------------------------------


class ServiceType(models.TextChoices):
    """SIMFONI-PPA service types, then the centre's own."""

    HEALTH = "health", _("Health")
    LEGAL_AID = "legal_aid", _("Legal aid")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    SOCIAL_REHABILITATION = "social_rehabilitation", _("Social rehabilitation")
    SOCIAL_REINTEGRATION = "social_reintegration", _("Social reintegration")
    REPATRIATION = "repatriation", _("Repatriation")
    RELIGIOUS_COUNSELLING = "religious_counselling", _("Religious counselling")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    SHELTER = "shelter", _("Shelter")
    MEDIATION = "mediation", _("Mediation")
    ECONOMIC = "economic", _("Economic empowerment")


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


# --- Notes and tasks ---------------------------------------------------------------------


class CaseNote(BaseModel):
    """Never edited after the fact: a correction is a new note pointing to the old one."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    body = EncryptedTextField(_("note"))
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )

    CASE_PATH = "case"

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-created_at"]

    def __str__(self):
        return str(self.pk)

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise NoteIsFinal
        super().save(*args, **kwargs)


class NoteIsFinal(Exception):
    """A note was written; it can only be corrected by a new note."""


class Task(BaseModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="tasks")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="case_tasks",
        verbose_name=_("assigned to"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    # A task's words may name people ("call Siti's sister"), so they are encrypted.
    title = EncryptedCharField(_("task"), max_length=300)
    due_at = models.DateTimeField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    CASE_PATH = "case"

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["assignee", "done_at", "due_at"], name="task_assignee_due"),
            models.Index(fields=["done_at", "due_at"], name="task_due"),
        ]

    def __str__(self):
        return str(self.pk)


# --- Approvals ---------------------------------------------------------------------------


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


# --- Legal deadlines and the sanction track ----------------------------------------------


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


# --- Closure -----------------------------------------------------------------------------


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
