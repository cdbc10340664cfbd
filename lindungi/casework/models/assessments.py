"""Assessments: needs and risk, each kept forever."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.cases.querysets import CaseBoundQuerySet
from lindungi.core.fields import EncryptedTextField
from lindungi.core.models import BaseModel


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
