"""The case record: one record that follows a survivor through every service.

Identity (names, NIK, phone numbers, address details) and narratives are encrypted fields;
everything that statistics need (sex, age, kelurahan, classifications) is plain so it can
be counted without decrypting anything.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.cases import classification
from lindungi.cases.querysets import CaseBoundQuerySet
from lindungi.cases.timeline import require_kind
from lindungi.cases.vocabulary import (
    WG_DOMAINS,
    Difficulty,
    PerpetratorAgeGroup,
    PlaceType,
    Relationship,
    Sex,
)
from lindungi.core.blind_index import Searchable, SearchableQuerySet
from lindungi.core.codes import readable_code
from lindungi.core.fields import NAME, NIK, PHONE, EncryptedCharField, EncryptedTextField
from lindungi.core.models import BaseModel


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    ASSESSMENT = "assessment", _("Assessment")
    PLANNING = "planning", _("Planning")
    SERVICES = "services", _("Services")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class RestrictionReason(models.TextChoices):
    STAFF_PERPETRATOR = "staff_perpetrator", _("The perpetrator is a public employee or staff")
    STAFF_SURVIVOR = "staff_survivor", _("The survivor is staff")
    CONFLICT_OF_INTEREST = "conflict_of_interest", _("Declared conflict of interest")


def new_survivor_code():
    return "S-" + readable_code(8)


class ClientQuerySet(CaseBoundQuerySet, SearchableQuerySet):
    pass


class Case(BaseModel):
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("owning unit"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    survivor_code = models.CharField(
        _("survivor code"), max_length=12, unique=True, default=new_survivor_code, editable=False
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.MEDIUM
    )
    restricted = models.BooleanField(_("restricted"), default=False)
    restriction_reason = models.CharField(
        _("reason for restriction"), max_length=32, choices=RestrictionReason.choices, blank=True
    )
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Assignment",
        through_fields=("case", "user"),
        related_name="assigned_cases",
        verbose_name=_("assigned case workers"),
    )
    # Optimistic locking: every edit carries the version it started from (no silent overwrite).
    version = models.PositiveIntegerField(default=1)

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["unit", "status", "-opened_at"], name="case_unit_status"),
            models.Index(fields=["-opened_at"], name="case_opened"),
            # A supervisor's caseload walks their own units' cases newest first: through
            # ``case_opened`` a small unit's page read every other unit's newer cases too.
            models.Index(fields=["unit", "-opened_at"], name="case_unit_opened"),
        ]

    def __str__(self):
        return self.survivor_code


class Assignment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="case_assignments",
        verbose_name=_("case worker"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(verbose_name=_("assigned at"))
    # The case's opening time (which never changes), copied here so that a case worker's
    # list can walk their own assignments in the caseload's order and stop after a page,
    # instead of walking every case of the unit to find theirs (queries.own_parts).
    case_opened_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="assignment_unique")]
        indexes = [
            models.Index(fields=["user", "-case_opened_at", "-case"], name="assignment_user_opened")
        ]

    def __str__(self):
        return f"{self.case_id}:{self.user_id}"

    def save(self, *args, **kwargs):
        if self.case_opened_at is None:
            self.case_opened_at = self.case.opened_at
        super().save(*args, **kwargs)


class NamedAccess(models.Model):
    """The named users of a restricted case: nobody else sees it, supervisors included."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="named_access")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="named_case_access"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="named_access_unique")]
        indexes = [models.Index(fields=["user", "case"], name="named_access_user")]

    def __str__(self):
        return f"{self.case_id}:{self.user_id}"


class BreakGlass(BaseModel):
    """A supervisor's emergency access to one case outside their scope, for a limited time.

    Every use waits in a review queue until another supervisor closes it.
    """

    CASE_PATH = "case"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="break_glass",
        verbose_name=_("supervisor"),
    )
    unit = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    reason = EncryptedTextField(_("reason"))
    expires_at = models.DateTimeField(_("expires"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reviewed at"))
    review_note = EncryptedTextField(_("review note"), blank=True)

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["user", "case", "expires_at"], name="break_glass_active"),
            models.Index(fields=["reviewed_at"], name="break_glass_review"),
        ]

    def __str__(self):
        return str(self.pk)


class ClientRole(models.TextChoices):
    SURVIVOR = "survivor", _("Survivor")
    DEPENDANT = "dependant", _("Dependant")
    GUARDIAN = "guardian", _("Guardian")


class Education(models.TextChoices):
    NONE = "none", _("No schooling")
    SD = "sd", _("Primary (SD)")
    SMP = "smp", _("Junior secondary (SMP)")
    SMA = "sma", _("Senior secondary (SMA/SMK)")
    HIGHER = "higher", _("Higher education")
    UNKNOWN = "unknown", _("Not known")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Not married")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")
    UNKNOWN = "unknown", _("Not known")


def _wg_field(label):
    return models.CharField(label, max_length=8, choices=Difficulty.choices, blank=True)


class WashingtonGroup(models.Model):
    """The six Washington Group short-set answers and the accommodations a person needs:
    asked of every person hurt, at intake and on the case alike."""

    wg_seeing = _wg_field(WG_DOMAINS[0][1])
    wg_hearing = _wg_field(WG_DOMAINS[1][1])
    wg_walking = _wg_field(WG_DOMAINS[2][1])
    wg_remembering = _wg_field(WG_DOMAINS[3][1])
    wg_self_care = _wg_field(WG_DOMAINS[4][1])
    wg_communicating = _wg_field(WG_DOMAINS[5][1])
    accommodations = models.JSONField(_("accommodations needed"), default=list, blank=True)

    class Meta:
        abstract = True

    def wg_answers(self):
        return {domain: getattr(self, f"wg_{domain}") for domain, _label in WG_DOMAINS}


class Client(Searchable, WashingtonGroup, BaseModel):
    """A survivor, a dependant (e.g. a child who comes along to a safe house) or a guardian."""

    CASE_PATH = "case"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clients")
    role = models.CharField(_("role in the case"), max_length=12, choices=ClientRole.choices)
    guardian_of = models.ForeignKey(
        "self",
        verbose_name=_("guardian of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guardians",
    )
    name = EncryptedCharField(_("name"), max_length=200, blank=True, search=NAME)
    nik = EncryptedCharField(_("NIK"), max_length=32, blank=True, search=NIK)
    phone = EncryptedCharField(_("phone"), max_length=32, blank=True, search=PHONE)
    address_detail = EncryptedTextField(_("address detail"), blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    age_estimate = models.PositiveSmallIntegerField(_("age (estimate)"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    kelurahan = models.ForeignKey(
        "places.Region",
        verbose_name=_("kelurahan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    occupation = EncryptedCharField(_("occupation"), max_length=100, blank=True)
    education = models.CharField(
        _("education"), max_length=8, choices=Education.choices, default=Education.UNKNOWN
    )
    marital_status = models.CharField(
        _("marital status"),
        max_length=10,
        choices=MaritalStatus.choices,
        default=MaritalStatus.UNKNOWN,
    )
    version = models.PositiveIntegerField(default=1)

    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["created_at"]

    def __str__(self):
        return self.get_role_display()

    def age_on(self, day):
        if self.birth_date is not None:
            return classification.age_on(self.birth_date, day)
        return self.age_estimate

    def vulnerable_groups(self, on):
        return classification.vulnerable_groups(self.sex, self.age_on(on), self.wg_answers())

    def groups_day(self):
        """The day her vulnerable groups are counted on (``classification.groups_day``)."""
        days = self.incidents.values_list("occurred_on", "reported_on")
        return classification.groups_day(
            [occurred or reported for occurred, reported in days],
            timezone.localdate(self.case.opened_at),
        )

    def groups_at_incident(self):
        return self.vulnerable_groups(self.groups_day())


class TimeOfDay(models.TextChoices):
    MORNING = "morning", _("Morning (sunrise to noon)")
    AFTERNOON = "afternoon", _("Afternoon (noon to sunset)")
    NIGHT = "night", _("Evening or night (sunset to sunrise)")
    UNKNOWN = "unknown", _("Not known")


class Incident(BaseModel):
    """One incident has one survivor; several survivors of one event are several incidents."""

    CASE_PATH = "case"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="incidents")
    survivor = models.ForeignKey(
        Client, verbose_name=_("survivor"), on_delete=models.PROTECT, related_name="incidents"
    )
    occurred_on = models.DateField(_("date of incident"), null=True, blank=True)
    date_is_estimate = models.BooleanField(_("the date is an estimate"), default=False)
    time_of_day = models.CharField(
        _("time of day"), max_length=10, choices=TimeOfDay.choices, default=TimeOfDay.UNKNOWN
    )
    reported_on = models.DateField(_("date reported"))
    place_type = models.CharField(_("place"), max_length=32, choices=PlaceType.choices)
    kelurahan = models.ForeignKey(
        "places.Region",
        verbose_name=_("kelurahan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = EncryptedTextField(_("what happened"), blank=True)
    # The GBVIMS questions as answered, keyed by type; the core type follows from them.
    gbv_answers = models.JSONField(_("answers to the GBVIMS questions"), default=dict, blank=True)
    gbv_type = models.CharField(_("GBVIMS type"), max_length=24, blank=True)
    violence_types = models.JSONField(_("SIMFONI violence types"), default=list, blank=True)
    tpks_forms = models.JSONField(_("UU TPKS forms"), default=list, blank=True)
    goods_exchanged = models.BooleanField(
        _("money, goods or services were exchanged"), default=False
    )
    abducted = models.BooleanField(_("the survivor was abducted"), default=False)
    harmful_practice = models.BooleanField(_("a harmful traditional practice"), default=False)
    context_flags = models.JSONField(_("context flags"), default=list, blank=True)
    reporting_delay = models.CharField(_("time to report"), max_length=8, blank=True)
    reported_elsewhere = models.BooleanField(
        _("already reported to another agency"),
        default=False,
        help_text=_("So that statistics do not count it twice."),
    )
    version = models.PositiveIntegerField(default=1)

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["occurred_on", "created_at"]


class PublicEmployer(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", _("Civil servant (ASN)")
    PPSU = "ppsu", _("Infrastructure worker (PPSU)")
    CITY_STAFF = "city_staff", _("Other city staff")
    CONTRACT = "contract", _("Contract worker of a public body")


class Perpetrator(BaseModel):
    CASE_PATH = "incident__case"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="perpetrators")
    count = models.PositiveSmallIntegerField(_("number of perpetrators"), default=1)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    age_group = models.CharField(
        _("age group"),
        max_length=8,
        choices=PerpetratorAgeGroup.choices,
        default=PerpetratorAgeGroup.UNKNOWN,
    )
    relationship = models.CharField(
        _("relationship to the survivor"), max_length=16, choices=Relationship.choices
    )
    occupation = EncryptedCharField(_("occupation"), max_length=100, blank=True)
    name = EncryptedCharField(_("name"), max_length=200, blank=True)
    public_employment = models.CharField(
        _("public employment"), max_length=16, choices=PublicEmployer.choices, blank=True
    )
    employing_agency = EncryptedCharField(_("employing agency"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("perpetrator")
        verbose_name_plural = _("perpetrators")
        ordering = ["created_at"]

    @property
    def intimate_partner(self):
        """Derived from the relationship, never typed: a separate box could contradict it."""
        return classification.is_intimate_partner(self.relationship)


class CaseEventManager(models.Manager.from_queryset(CaseBoundQuerySet)):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for event in objs:
            require_kind(event.kind)
        return super().bulk_create(objs, *args, **kwargs)


class CaseEvent(models.Model):
    """The case timeline: what happened to the case, in words for the people working it.

    Written by the actions beside the audit row; holds a kind and ids, never content. The
    kind is one of ``EventKind``, checked on every write, so no entry lacks its words.
    """

    CASE_PATH = "case"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=40)
    detail = models.JSONField(default=dict, blank=True)

    objects = CaseEventManager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_case")]

    def __str__(self):
        return self.kind

    def save(self, *args, **kwargs):
        require_kind(self.kind)
        super().save(*args, **kwargs)


class Attachment(BaseModel):
    """A document on a case, stored encrypted under a random name outside any public folder.

    The original file name may itself name the survivor, so it is encrypted too.
    """

    CASE_PATH = "case"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    original_name = EncryptedCharField(_("file name"), max_length=255)
    description = EncryptedTextField(_("description"), blank=True)
    # A document of a public-employee sanction track (the agency's letter, its decision).
    sanction = models.ForeignKey(
        "casework.SanctionTrack",
        verbose_name=_("sanction track"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    storage_name = models.CharField(max_length=64, unique=True, editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    # A supervisor's removal destroys the file, its name and description; the row stays as
    # the record of what was there (type, size, hash), who removed it, when and why.
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("removed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    removal_reason = EncryptedTextField(_("reason for removal"), blank=True)

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-created_at"]


# What a case keeps of its intake report lives in its own module; importing it registers
# its models in this app.
from lindungi.cases.consent import *  # noqa: E402, F403
from lindungi.cases.first_account import *  # noqa: E402, F403
