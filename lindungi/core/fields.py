"""Model fields that keep personal data encrypted at rest (docs/architecture.md, rule 3).

Code reads and writes plaintext; the database sees only ``crypto.encrypt`` output, in a
``text`` column whatever the plaintext's maximum length (the ciphertext is longer, and
``max_length`` is checked on the plaintext by the usual validator).

Ciphertext is random, so comparing it means nothing: every lookup except ``__isnull``
raises FieldError instead of quietly matching nothing. Search goes through the blind
indexes declared with ``search=`` (see ``lindungi.core.blind_index``).
"""

from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models

from lindungi.core import crypto

# What a field may be searched by: exact match of a normalised phone or NIK, or every
# token of a normalised name.
PHONE = "phone"
NIK = "nik"
NAME = "name"
SEARCH_KINDS = {PHONE, NIK, NAME}


class EncryptedMixin:
    """Encrypts on the way into the database, decrypts on the way out."""

    def __init__(self, *args, search=None, **kwargs):
        for option in ("unique", "db_index", "primary_key"):
            if kwargs.get(option):
                # A unique or indexed ciphertext is meaningless: every encryption differs.
                raise ImproperlyConfigured(
                    f"An encrypted field cannot be {option}; declare search= instead."
                )
        if search is not None and search not in SEARCH_KINDS:
            raise ImproperlyConfigured(
                f"search={search!r}: expected one of {', '.join(sorted(SEARCH_KINDS))}."
            )
        self.search = search
        super().__init__(*args, **kwargs)

    @property
    def column_label(self):
        return f"{self.model._meta.label_lower}.{self.name}"

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.search is not None:
            kwargs["search"] = self.search
        return name, path, args, kwargs

    def get_internal_type(self):
        return "TextField"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return crypto.decrypt(value, self.column_label)

    def get_db_prep_value(self, value, connection, prepared=False):
        value = self.get_prep_value(value)
        if value is None:
            return None
        return crypto.encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise self._no_lookup(lookup_name)

    def get_transform(self, lookup_name):
        raise self._no_lookup(lookup_name)

    def _no_lookup(self, lookup_name):
        return FieldError(
            f"{self.column_label} is encrypted: __{lookup_name} cannot work on ciphertext. "
            "Only __isnull is supported; search through the blind index "
            "(lindungi.core.blind_index)."
        )


class EncryptedTextField(EncryptedMixin, models.TextField):
    """Free text: addresses, narratives."""


class EncryptedCharField(EncryptedMixin, models.CharField):
    """Short text (names, phone numbers, NIK): ``max_length`` limits the plaintext."""


def encrypted_fields(model):
    """The encrypted fields of ``model``, concrete ones only."""
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]
