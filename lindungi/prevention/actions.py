"""Outreach actions: record an activity and edit it. Each checks that the actor works in
the unit that records it, validates the counts (whole numbers, none negative, the persons
with disabilities at most the audience, a total given equal to the sum of the cells), writes
and audits in one transaction. Nothing here names a person."""

from collections.abc import Mapping
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.models import Unit, User
from lindungi.accounts.roles import Role
from lindungi.audit.events import record
from lindungi.cases.actions import StaleVersion
from lindungi.core.dates import EARLIEST, TOO_EARLY
from lindungi.core.images import IMAGE_FORMATS, clean_image, image_type
from lindungi.places.models import Region, RegionLevel
from lindungi.prevention.models import COUNTS, Outreach, OutreachKind, OutreachPhoto
from lindungi.prevention.photos import seal_photo

# Roles that never record outreach: they configure or count, they do not run activities.
NOT_OUTREACH = {Role.ADMINISTRATOR, Role.ANALYST}
# Activities that have an audience in the room; a campaign or media piece may count none.
IN_PERSON = {OutreachKind.SCHOOL, OutreachKind.COMMUNITY, OutreachKind.TRAINING}
TEXTS = ("title", "partners", "materials", "follow_ups")


def outreach_units(user: User) -> list[Unit]:
    """The units ``user`` may record outreach for."""
    return [
        m.unit
        for m in user.memberships.select_related("unit")
        if m.role not in NOT_OUTREACH and m.unit.is_active
    ]


def _count(data: Mapping[str, object], name: str) -> int:
    value = data.get(name)
    if value in (None, ""):
        return 0
    try:
        number = int(str(value))
    except ValueError:
        raise ValidationError({name: _("Write a whole number.")}) from None
    if number < 0:
        raise ValidationError({name: _("A count cannot be negative.")})
    return number


def counts(data: Mapping[str, object]) -> dict[str, int]:
    """The audience's counts, checked: whole, not negative, consistent."""
    found = {name: _count(data, name) for name in [*COUNTS, "with_disabilities"]}
    total = sum(found[name] for name in COUNTS)
    if found["with_disabilities"] > total:
        raise ValidationError(
            {"with_disabilities": _("More persons with disabilities than people in the audience.")}
        )
    stated = data.get("total")
    if stated not in (None, "") and _count(data, "total") != total:
        raise ValidationError(
            {
                "total": _("The total is not the sum of the counts by sex and age (%(sum)s).")
                % {"sum": total}
            }
        )
    if total == 0 and data.get("kind") in IN_PERSON:
        raise ValidationError(_("Count the audience: at least one person came."))
    return found


def _facts(data: Mapping[str, object]) -> dict[str, object]:
    kind = data.get("kind")
    if kind not in OutreachKind.values:
        raise ValidationError({"kind": _("Choose the kind of activity.")})
    held_on = data.get("held_on")
    if not isinstance(held_on, date):
        raise ValidationError({"held_on": _("Give the date of the activity.")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("This date is in the future.")})
    if held_on < EARLIEST:
        raise ValidationError({"held_on": TOO_EARLY})
    kelurahan = data.get("kelurahan")
    if not isinstance(kelurahan, Region) or kelurahan.level != RegionLevel.VILLAGE:
        raise ValidationError({"kelurahan": _("Choose a kelurahan.")})
    texts = {name: str(data.get(name) or "").strip()[:4000] for name in TEXTS}
    if not texts["title"]:
        raise ValidationError({"title": _("Give the activity a title.")})
    texts["title"] = texts["title"][:200]
    code = kelurahan.code.split(".")
    return {
        "kind": kind,
        "held_on": held_on,
        "kelurahan": kelurahan,
        "kota_id": ".".join(code[:2]),
        "kecamatan_id": ".".join(code[:3]),
        **texts,
        **counts(data),
    }


def _check_unit(actor: User, unit: Unit) -> None:
    if unit not in outreach_units(actor):
        raise PermissionDenied


@transaction.atomic
def record_outreach(
    actor: User, unit: Unit, data: Mapping[str, object], *, request: HttpRequest | None = None
) -> Outreach:
    """A new outreach activity of ``unit``."""
    _check_unit(actor, unit)
    outreach = Outreach.objects.create(unit=unit, recorded_by=actor, **_facts(data))
    record("outreach.create", request=request, actor=actor, obj=outreach, fields=list(data))
    return outreach


@transaction.atomic
def update_outreach(
    actor: User,
    outreach: Outreach,
    version: int,
    data: Mapping[str, object],
    *,
    request: HttpRequest | None = None,
) -> Outreach:
    """Change an activity; a stale edit is refused with the activity as it is now."""
    current = Outreach.objects.select_for_update().get(pk=outreach.pk)
    _check_unit(actor, current.unit)
    if current.version != version:
        raise StaleVersion(current)
    saved = ("kind", "held_on", "kelurahan", *TEXTS, *COUNTS, "with_disabilities")
    facts = _facts({**{name: getattr(current, name) for name in saved}, **data})
    changed = [name for name, value in facts.items() if getattr(current, name) != value]
    if not changed:
        return current
    for name, value in facts.items():
        setattr(current, name, value)
    current.version += 1
    current.save()
    record("outreach.update", request=request, actor=actor, obj=current, fields=changed)
    return current


@transaction.atomic
def add_photo(
    actor: User, outreach: Outreach, upload: UploadedFile, *, request: HttpRequest | None = None
) -> OutreachPhoto:
    """A photo of the activity, without its metadata and encrypted at rest (``photos``);
    anything but a photo is refused."""
    _check_unit(actor, outreach.unit)
    if upload.size is None or upload.size > settings.MAX_UPLOAD_MB * 1024 * 1024:
        raise ValidationError({"photo": _("The photo is too large.")})
    data = upload.read()
    content_type = image_type(data)
    if content_type is None:
        raise ValidationError({"photo": _("Attach a photo (JPEG, PNG or WebP).")})
    photo = OutreachPhoto(outreach=outreach, content_type=content_type, added_by=actor)
    photo.data = seal_photo(photo.pk, clean_image(data, IMAGE_FORMATS[content_type]))
    photo.save()
    record("outreach.photo", request=request, actor=actor, obj=photo)
    return photo
