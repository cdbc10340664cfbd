"""The statistics' own tables: rollups, the cases waiting to be counted again, published
snapshots and the DHIS2 mapping. None of them holds anything about a person: a rollup row
is a count under a key of codes; a case's contribution is the list of such keys."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.core.fields import EncryptedCharField
from lindungi.core.models import BaseModel
from lindungi.stats.vocabulary import DIMENSIONS, MEASURES


class PendingCase(models.Model):
    """A case whose counts may have moved: written in the transaction of the change (so a
    rolled-back change leaves none, a committed one always one), read by the worker.
    Several rows for one case are fine; the worker deletes the ids it handled."""

    case_id = models.UUIDField()

    class Meta:
        indexes = [models.Index(fields=["case_id"], name="stats_pending_case")]

    def __str__(self):
        return str(self.case_id)


class Contribution(models.Model):
    """What one case adds to the rollups now: {"unit": id, "keys": [[key..., count], ...]}
    (``rollup.contribution``; rows written before 4 December 2026 are [[unit id, key...,
    count], ...], read alike). Kept so that a change or a deletion subtracts exactly what
    the case added before."""

    case_id = models.UUIDField(primary_key=True)
    keys = models.JSONField(default=list)

    def __str__(self):
        return str(self.case_id)


class Counted(models.Model):
    """A rollup row: a count under a key of codes, with the unit, kota and GBVIMS type that
    every dashboard filters by. ``measure`` is one of ``vocabulary.MEASURES``."""

    unit_id = models.UUIDField()
    kota = models.CharField(max_length=13, blank=True)
    gbv_type = models.CharField(max_length=24, blank=True)
    measure = models.CharField(max_length=16)
    dimension = models.CharField(max_length=16)
    value = models.CharField(max_length=32, blank=True)
    count = models.IntegerField(default=0)

    class Meta:
        abstract = True


class Tally(Counted):
    """The rollup by day."""

    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "unit_id", "kota", "gbv_type", "measure", "dimension", "value"],
                name="stats_tally_key",
            )
        ]
        indexes = [models.Index(fields=["measure", "dimension", "day"], name="stats_tally_md")]

    def __str__(self):
        return f"{self.day} {self.measure}/{self.dimension}/{self.value}: {self.count}"


class MonthTally(Counted):
    """The rollup by month: ``Tally``'s rows summed over each month, written by the same
    worker run. Every page and file asks for whole months, so a year's page reads a month's
    row where ``Tally`` has up to 31, and stays fast as the cases grow."""

    month = models.DateField()  # the month's first day

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "unit_id", "kota", "gbv_type", "measure", "dimension", "value"],
                name="stats_month_tally_key",
            )
        ]
        indexes = [
            models.Index(fields=["measure", "dimension", "month"], name="stats_month_tally_md")
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.measure}/{self.dimension}/{self.value}: {self.count}"


class Snapshot(BaseModel):
    """A public table as an analyst published it: the figures the public page and its CSV
    show until the next publication, so that nobody can difference two nearby days."""

    period = models.CharField(_("period"), max_length=7)  # "2026" or "2026-11"
    published_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )
    published_at = models.DateTimeField(_("published"))
    # {"tables": [{"title", "rows": [...], "columns": [...], "cells": [[int|None]]...}]}
    tables = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("published statistics")
        verbose_name_plural = _("published statistics")
        ordering = ["-published_at"]


class Dhis2Mapping(models.Model):
    """The administrator's table from our codes to a DHIS2 deployment's identifiers: there
    is no standard violence package, so each deployment maps its own."""

    measure = models.CharField(_("measure"), max_length=16, choices=list(MEASURES.items()))
    dimension = models.CharField(_("dimension"), max_length=16, choices=list(DIMENSIONS.items()))
    value = models.CharField(
        _("value"),
        max_length=32,
        blank=True,
        help_text=_("The code counted, e.g. female, seksual, 31.71.01; empty for a total."),
    )
    data_element = models.CharField(_("data element"), max_length=11)
    category_option_combo = models.CharField(_("category option combo"), max_length=11, blank=True)

    class Meta:
        verbose_name = _("DHIS2 mapping")
        verbose_name_plural = _("DHIS2 mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "dimension", "value"], name="stats_dhis2_code"
            )
        ]

    def __str__(self):
        return f"{self.measure}/{self.dimension}/{self.value}"


class Dhis2OrgUnit(models.Model):
    """A kota's organisation unit in DHIS2."""

    kota = models.CharField(_("kota code"), max_length=13, unique=True)
    org_unit = models.CharField(_("organisation unit"), max_length=11)

    class Meta:
        verbose_name = _("DHIS2 organisation unit")
        verbose_name_plural = _("DHIS2 organisation units")

    def __str__(self):
        return self.kota


class RollupLock(models.Model):
    """One row, locked by whoever changes the rollups, so two workers never add a case's
    change twice. It also keeps the day the worker last looked for consents that ran out."""

    consents_checked_on = models.DateField(null=True)

    def __str__(self):
        return "rollup lock"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Being written")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired and deleted")
    DELIVERED = "delivered", _("Written by the command line")


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    CSV = "csv", "CSV"


class RowExport(BaseModel):
    """A row-level export (one row per survivor) asked for on the page or the command line,
    written by ``lindungi worker`` under the data directory, downloadable by its requester
    only, until ``expires_at``; then the worker deletes the file. It holds no personal data:
    which cases it covers is the access module's answer for the requester, asked again when
    the file is written. The password of an export with names is kept (encrypted) only
    until the worker has used it."""

    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=32)
    language = models.CharField(max_length=8)
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    with_names = models.BooleanField(_("with names"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(null=True)
    rows_done = models.PositiveIntegerField(default=0)
    password = EncryptedCharField(max_length=64, blank=True)
    file_name = models.CharField(max_length=64, blank=True)
    finished_at = models.DateTimeField(null=True)
    expires_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("row-level export")
        verbose_name_plural = _("row-level exports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="stats_export_status")]

    def __str__(self):
        return str(self.pk)

    @property
    def downloadable(self):
        """Written, and its time not up (the worker deletes it soon after)."""
        return (
            self.status == ExportStatus.READY
            and bool(self.file_name)
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )

    @property
    def waiting(self):
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    @property
    def percent(self):
        if not self.rows_total:
            return 100 if self.status == ExportStatus.READY else 0
        return min(100, self.rows_done * 100 // self.rows_total)
