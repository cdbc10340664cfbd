"""What the case-work actions share: text limits, the open-case check, the unit's supervisors."""

import uuid

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lindungi.accounts.models import Unit, User
from lindungi.cases.models import Case, Status

TEXT_LIMIT = 20000


def _text(value: str | None, field: str, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > TEXT_LIMIT:
        raise ValidationError({field: _("Keep this under 20,000 characters.")})
    return value


def _require_open(case: Case) -> None:
    """Work on a closed case waits for its reopening (with a reason); notes stay possible,
    since a contact after closure must still be written down."""
    if Case.objects.filter(pk=case.pk, status=Status.CLOSED).exists():
        raise ValidationError(_("The case is closed: reopen it first."))


def _supervisors(unit_id: uuid.UUID, exclude: User | None = None) -> QuerySet[User]:
    users = Unit(pk=unit_id).supervisors()
    return users.exclude(pk=exclude.pk) if exclude is not None else users
