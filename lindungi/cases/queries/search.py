"""Searching cases by survivor code, case reference, name, phone number or NIK."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.cases.models import Client
from lindungi.core.fields import NAME, NIK, PHONE


class SearchBy(models.TextChoices):
    CODE = "code", _("Survivor code or case reference")
    NAME = "name", _("Name")
    PHONE = "phone", _("Phone number")
    NIK = "nik", _("NIK")


# How each kind of search finds people (lindungi.core.blind_index).
KINDS = {SearchBy.NAME: NAME, SearchBy.PHONE: PHONE, SearchBy.NIK: NIK}

# Searching by these finds people, so only roles that may see names may use them.
PERSONAL = {SearchBy.NAME, SearchBy.PHONE, SearchBy.NIK}


# Up to this many matching cases, a search's list is driven from their ids (search_cases).
SEARCH_DRIVE_LIMIT = 500


def search_cases(queryset, by, term):
    """Cases of ``queryset`` matching ``term``; ValidationError for a malformed phone/NIK.

    Names, phone numbers and NIKs are found through their blind indexes, never by
    decrypting anything.
    """
    term = term.strip()
    if by == SearchBy.CODE:
        try:
            return queryset.filter(pk=uuid.UUID(term))
        except ValueError:
            code = term.upper().replace(" ", "")
            if not code.startswith("S-"):
                code = f"S-{code}"
            return queryset.filter(survivor_code=code)
    if by not in KINDS:
        raise ValidationError(_("Choose what to search by."))
    found = Client.objects.find(KINDS[by], term)
    matching = found.rows.values("case_id")
    # A search usually matches a handful of cases: by their ids, the database looks them up
    # by primary key instead of walking the caseload in its order and testing each case
    # against the blind-index subquery (2 ms at 100,000 cases, growing with them).
    if found.at_most is not None and found.at_most <= SEARCH_DRIVE_LIMIT:
        # Few people, known by id (a name's rare pair of tokens), each in one case: their
        # cases' ids are read inside the page's own query (``__any``), not in a query of
        # their own whose up to 200 ids come to Python and go back (a round trip and about
        # 1 ms a search at a million cases).
        return queryset.filter(pk__any=matching)
    ids = list(
        matching.order_by().values_list("case_id", flat=True).distinct()[: SEARCH_DRIVE_LIMIT + 1]
    )
    if len(ids) > SEARCH_DRIVE_LIMIT:
        return queryset.filter(pk__in=matching)
    return queryset.filter(pk__any=ids)  # one statement whatever the count (core/lookups.py)
