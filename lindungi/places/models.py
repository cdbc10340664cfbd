from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.core.fields import EncryptedTextField
from lindungi.core.models import BaseModel


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    REGENCY_CITY = 2, _("Regency / city")
    DISTRICT = 3, _("District (kecamatan)")
    VILLAGE = 4, _("Village (kelurahan / desa)")


class RegionType(models.TextChoices):
    PROVINSI = "provinsi", _("Province")
    KABUPATEN = "kabupaten", _("Regency")
    KOTA = "kota", _("City")
    KECAMATAN = "kecamatan", _("District")
    KELURAHAN = "kelurahan", _("Urban village")
    DESA = "desa", _("Village")


class Region(models.Model):
    """A Kemendagri administrative region. The code is the key: it is stable, national,
    and what SIMFONI-PPA and other agencies use to exchange data."""

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices)
    type = models.CharField(_("type"), max_length=16, choices=RegionType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "name"])]

    def __str__(self):
        return self.name

    def ancestor(self, level):
        """The region at ``level`` that contains this one, read from the code itself."""
        parts = self.code.split(".")
        return Region.objects.get(code=".".join(parts[:level]))


class ServicePointKind(models.TextChoices):
    COMPLAINT_POST = "complaint_post", _("Complaint post")
    CALL_CENTRE_112 = "call_centre_112", _("112 centre")
    UPTD_PPA_OFFICE = "uptd_ppa_office", _("UPTD PPA office")
    SAFE_HOUSE = "safe_house", _("Safe house")
    PARTNER_OFFICE = "partner_office", _("Partner office")


# Kinds whose address is never public: a leaked safe-house address can get someone killed.
CONFIDENTIAL_KINDS = {ServicePointKind.SAFE_HOUSE}


class ServicePointQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class ServicePoint(BaseModel):
    """A place where people are served: a complaint post, the 112 centre, a safe house..."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=ServicePointKind.choices)
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="service_points",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="service_points"
    )
    # Encrypted: a safe house's address is what a perpetrator looks for (rule 3 of
    # docs/architecture.md).
    address = EncryptedTextField(_("address"), blank=True)
    address_confidential = models.BooleanField(
        _("address is confidential"),
        default=False,
        help_text=_("Shown only to the people of the unit that runs this place."),
    )
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ServicePointQuerySet.as_manager()

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="service_point_unique_name"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # A safe house's address is confidential whatever the form said.
        if self.kind in CONFIDENTIAL_KINDS:
            self.address_confidential = True
        super().save(*args, **kwargs)

    def address_visible_to(self, unit_ids):
        """Only the unit that runs a confidential place may read its address.

        ``unit_ids`` are the viewer's units (``User.unit_ids()``), passed in so a list of
        places costs no query per row.
        """
        return not self.address_confidential or self.unit_id in unit_ids
