"""The case's contact record: how to reach the survivor, and how not to. Carried from the
intake report when the case opens; changed here when she says something new."""

from django.db import transaction
from django.http import HttpRequest

from lindungi.accounts.models import User
from lindungi.cases.actions import Data, _codes, _log, _only, _require_edit, _save_version
from lindungi.cases.first_account import CaseContact
from lindungi.cases.models import Case
from lindungi.cases.safe_contact import SAFE_CONTACT_FIELDS, SafeChannel, clean_windows
from lindungi.cases.timeline import EventKind

CONTACT_FIELDS = {"contact_phone", "contact_email", "may_name_service", *SAFE_CONTACT_FIELDS}


def _validate(contact: CaseContact) -> None:
    contact.safe_channels = _codes(contact.safe_channels, SafeChannel.values, "safe_channels")
    contact.contact_windows = clean_windows(contact.safe_channels, contact.contact_windows)


@transaction.atomic
def save_contact(
    actor: User,
    case: Case,
    version: int | None,
    changes: Data,
    *,
    request: HttpRequest | None = None,
) -> CaseContact:
    """Change the case's contact record (made on first use for a case opened directly)."""
    _require_edit(actor, case)
    _only(changes, CONTACT_FIELDS)
    contact, _created = CaseContact.objects.get_or_create(case=case)
    contact, changed = _save_version(CaseContact, contact, version, changes, _validate)
    if changed:
        _log(
            request, actor, "case.contact_update", contact, case, EventKind.CONTACT_UPDATED, changed
        )
    return contact
