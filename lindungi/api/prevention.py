"""The prevention API: outreach activities (counts only) and their summary by kota,
kecamatan and month, for the statistics dashboards. Writes go through the prevention
actions: a change needs the activity's ETag in If-Match (428 without, 412 when stale); bad
counts answer 422 naming the field; a unit the user does not work in, 403."""

import uuid
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status as Reply

from lindungi.api.auth import StaffRequest
from lindungi.api.case_schemas import Input, RecordId, RegionCode
from lindungi.api.cases import CREATE, READ, WRITE
from lindungi.api.versions import etag, list_etag, required_version
from lindungi.places.models import Region
from lindungi.prevention import actions
from lindungi.prevention.models import COUNTS, Outreach, OutreachKind
from lindungi.prevention.summary import activities, summary

router = Router(tags=["prevention"])
Body = dict[str, Any]
Count = int | None
LIST_ROWS = 200


class OutreachOut(Schema):
    id: uuid.UUID
    unit: uuid.UUID
    kind: OutreachKind
    held_on: date
    kelurahan: str
    kecamatan: str
    kota: str
    title: str
    counts: dict[str, int]
    with_disabilities: int
    total: int
    partners: str
    materials: str
    follow_ups: str
    version: int


class OutreachPatch(Input):
    kind: OutreachKind | None = None
    held_on: date | None = None
    kelurahan: RegionCode | None = None
    title: str | None = Field(None, max_length=200)
    counts: dict[str, int] | None = Field(None, description=f"Any of {', '.join(COUNTS)}.")
    with_disabilities: int | None = None
    total: int | None = Field(None, description="If given, must equal the sum of the counts.")
    partners: str | None = Field(None, max_length=4000)
    materials: str | None = Field(None, max_length=4000)
    follow_ups: str | None = Field(None, max_length=4000)


class OutreachIn(OutreachPatch):
    unit: uuid.UUID
    kind: OutreachKind
    held_on: date
    kelurahan: RegionCode
    title: str = Field(max_length=200)


class SummaryRow(Schema):
    kota: str
    kecamatan: str
    month: date
    activities: int
    counts: dict[str, int]
    with_disabilities: int
    audience: int


def _out(outreach: Outreach) -> Body:
    return {
        "id": outreach.pk,
        "unit": outreach.unit_id,
        **{name: getattr(outreach, name) for name in ("kind", "held_on", "title", "partners")},
        "materials": outreach.materials,
        "follow_ups": outreach.follow_ups,
        "kelurahan": outreach.kelurahan_id,
        "kecamatan": outreach.kecamatan_id,
        "kota": outreach.kota_id,
        "counts": {name: getattr(outreach, name) for name in COUNTS},
        "with_disabilities": outreach.with_disabilities,
        "total": outreach.total,
        "version": outreach.version,
    }


def _data(payload: OutreachPatch) -> Body:
    """The payload as the action takes it: the counts flat, the kelurahan a region."""
    given = payload.dict(exclude_unset=True, exclude={"unit", "counts"})
    unknown = set(payload.counts or {}) - set(COUNTS)
    if unknown:
        raise ValidationError({"counts": _("Count only by the sexes and age bands listed.")})
    given.update(payload.counts or {})
    if "kelurahan" in given:
        given["kelurahan"] = Region.objects.filter(code=given["kelurahan"]).first()
    return given


@router.get("/outreach", response={200: list[OutreachOut], **READ}, url_name="outreach_list")
def list_outreach(
    request: StaffRequest,
    response: HttpResponse,
    start: date | None = None,
    end: date | None = None,
    kota: RegionCode | None = None,
    kind: OutreachKind | None = None,
) -> list[Body]:
    """The latest outreach activities (counts only), held from ``start`` to ``end`` (both
    included), in ``kota`` (its code), of ``kind``: each filter only when given."""
    rows = list(activities(start, end, kota, kind)[:LIST_ROWS])
    response["ETag"] = list_etag(rows)
    return [_out(row) for row in rows]


@router.post("/outreach", response={201: OutreachOut, **CREATE}, url_name="outreach_list")
def add_outreach(request: StaffRequest, payload: OutreachIn, response: HttpResponse) -> Reply:
    """Record an activity for a unit you work in."""
    units = {unit.pk: unit for unit in actions.outreach_units(request.auth)}
    if payload.unit not in units:
        raise PermissionDenied
    made = actions.record_outreach(
        request.auth, units[payload.unit], _data(payload), request=request
    )
    response["ETag"] = etag(made.version)
    return Reply(201, _out(made))


def _get(outreach_id: str) -> Outreach:
    try:
        return get_object_or_404(Outreach, pk=uuid.UUID(outreach_id))
    except ValueError:
        raise Http404 from None


@router.get(
    "/outreach/summary", response={200: list[SummaryRow], **READ}, url_name="outreach_summary"
)
def outreach_summary(request: StaffRequest, start: date, end: date) -> list[Body]:
    """Activities and audience by kota, kecamatan and month, from ``start`` to ``end``."""
    return [
        {
            "kota": row["kota_id"],
            "kecamatan": row["kecamatan_id"],
            "month": row["month"],
            "activities": row["activities"],
            "counts": {name: row[name] for name in COUNTS},
            "with_disabilities": row["with_disabilities"],
            "audience": row["audience"],
        }
        for row in summary(start, end)
    ]


@router.get("/outreach/{outreach_id}", response={200: OutreachOut, **READ}, url_name="outreach")
def read_outreach(request: StaffRequest, outreach_id: RecordId, response: HttpResponse) -> Body:
    outreach = _get(outreach_id)
    response["ETag"] = etag(outreach.version)
    return _out(outreach)


@router.patch("/outreach/{outreach_id}", response={200: OutreachOut, **WRITE}, url_name="outreach")
def update_outreach(
    request: StaffRequest, outreach_id: RecordId, payload: OutreachPatch, response: HttpResponse
) -> Body:
    outreach = _get(outreach_id)
    version = required_version(request)
    outreach = actions.update_outreach(
        request.auth, outreach, version, _data(payload), request=request
    )
    response["ETag"] = etag(outreach.version)
    return _out(outreach)
