"""Prevention work: outreach activities (school sessions, community meetings, training of
OPD staff, campaigns, media) recorded by the unit that ran them, with their audience in
counts only, never a participant's name: nothing here is about a survivor.

The audience is counted by sex and age band (``BANDS``), one column per cell, so the
summary for the statistics sums columns in SQL; persons with disabilities are counted
among them (at most the total).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.core.models import BaseModel


class OutreachKind(models.TextChoices):
    SCHOOL = "school", _("School session")
    COMMUNITY = "community", _("Community meeting (RW, RPTRA)")
    TRAINING = "training", _("Training of OPD staff")
    CAMPAIGN = "campaign", _("Campaign")
    MEDIA = "media", _("Media")


# (column stem, label): the audience's age bands, youngest first.
BANDS = (
    ("children", _("children (0-11)")),
    ("adolescents", _("adolescents (12-17)")),
    ("adults", _("adults (18-59)")),
    ("older", _("older people (60+)")),
)
SEXES = (("female", _("women and girls")), ("male", _("men and boys")))
# Every count column (``<sex>_<band>``), in the order a form shows them.
COUNTS = [f"{sex}_{band}" for sex, _label in SEXES for band, _band_label in BANDS]


class Outreach(BaseModel):
    """One activity and its audience, in counts."""

    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="outreach"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=OutreachKind.choices)
    held_on = models.DateField(_("date"))
    kelurahan = models.ForeignKey(
        "places.Region", verbose_name=_("kelurahan"), on_delete=models.PROTECT, related_name="+"
    )
    # The kota and kecamatan, kept from the kelurahan's code, for the summary.
    kota = models.ForeignKey("places.Region", on_delete=models.PROTECT, related_name="+")
    kecamatan = models.ForeignKey("places.Region", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    female_children = models.PositiveIntegerField(_("Women and girls: children (0-11)"), default=0)
    female_adolescents = models.PositiveIntegerField(
        _("Women and girls: adolescents (12-17)"), default=0
    )
    female_adults = models.PositiveIntegerField(_("Women and girls: adults (18-59)"), default=0)
    female_older = models.PositiveIntegerField(_("Women and girls: older people (60+)"), default=0)
    male_children = models.PositiveIntegerField(_("Men and boys: children (0-11)"), default=0)
    male_adolescents = models.PositiveIntegerField(
        _("Men and boys: adolescents (12-17)"), default=0
    )
    male_adults = models.PositiveIntegerField(_("Men and boys: adults (18-59)"), default=0)
    male_older = models.PositiveIntegerField(_("Men and boys: older people (60+)"), default=0)
    with_disabilities = models.PositiveIntegerField(_("persons with disabilities"), default=0)
    partners = models.TextField(_("partners involved"), blank=True)
    materials = models.TextField(_("materials"), blank=True)
    follow_ups = models.TextField(_("follow-ups"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("outreach activity")
        verbose_name_plural = _("outreach activities")
        ordering = ["-held_on", "-created_at"]
        indexes = [models.Index(fields=["kota", "held_on"], name="outreach_kota_day")]

    def __str__(self) -> str:
        return self.title

    @property
    def total(self) -> int:
        return sum(getattr(self, name) for name in COUNTS)


class OutreachPhoto(BaseModel):
    """A photo of an activity, stored as re-encoded from its pixels: no EXIF (GPS, camera,
    time) or other metadata (``core.images``), and encrypted (``photos.py``: ``data`` is the
    sealed blob). Small enough for a database column."""

    outreach = models.ForeignKey(Outreach, on_delete=models.CASCADE, related_name="photos")
    content_type = models.CharField(max_length=16)
    data = models.BinaryField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.content_type
