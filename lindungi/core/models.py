import uuid

from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lindungi.core.fields import EncryptedTextField


class BaseModel(models.Model):
    """Random UUID keys, so ids in URLs say nothing about how many records exist."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        """``get_FOO_display``: the label of the stored value, from ``choice_labels``.

        Django's own builds a dict of every choice on each call, hashing each (lazily
        translated) label, which translates it: a label cost 25 to 40 µs, and the case page
        shows a few dozen."""
        value = getattr(self, field.attname)
        return force_str(choice_labels(field).get(make_hashable(value), value), strings_only=True)


# (field, language) -> {stored value: label}. Fields and translations are fixed while the
# process runs, so the labels of each language are worked out once.
_CHOICE_LABELS = {}


def choice_labels(field):
    """{stored value: label in the active language} of a field with choices."""
    key = (field, get_language())
    labels = _CHOICE_LABELS.get(key)
    if labels is None:
        labels = {make_hashable(value): str(label) for value, label in field.flatchoices}
        _CHOICE_LABELS[key] = labels
    return labels


class BlindToken(models.Model):
    """One keyed digest of a normalised value of an encrypted field, for search.

    A client named "Siti Aminah" gets one row per name token; a phone number or a NIK gets
    one row. The digest is HMAC-SHA256 under LINDUNGI_INDEX_KEY over the column's label and
    the normalised value (``lindungi.core.blind_index``), so equal values in different
    columns do not link up, and nothing here can be turned back into a name without the key.

    Kept in one table rather than a column per field so that token search (many digests
    per row) and exact search work the same way, and a searchable model needs no extra
    columns. ``object_id`` is the row's UUID key (searchable models are BaseModels).
    """

    digest = models.CharField(max_length=32)
    object_id = models.UUIDField()
    # "<app label>.<model>.<field>": which column the digest was made from.
    column = models.CharField(max_length=100)

    class Meta:
        indexes = [
            # Search: digest -> ids, answered from the index alone.
            models.Index(fields=["digest", "object_id"], name="blind_token_search"),
            # Keeping a row's tokens current on save and delete.
            models.Index(fields=["object_id", "column"], name="blind_token_object"),
        ]

    def __str__(self):
        return self.column


class SubmittedKey(models.Model):
    """A key that a form or an endpoint was sent with, and what the request made
    (``lindungi.core.once``): one row per (scope, owner, key), kept ``SUBMIT_ONCE_KEEP``.

    The row is inserted before the work, in its transaction, so the unique constraint
    picks one winner among twin requests; ``outcome`` (JSON, encrypted: a public report's
    receipt holds its PIN) is stored before that transaction commits.
    """

    scope = models.CharField(max_length=64)
    owner = models.CharField(max_length=64, blank=True)
    key = models.CharField(max_length=255)
    digest = models.CharField(max_length=64, blank=True)
    outcome = EncryptedTextField(null=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "owner", "key"], name="submitted_key_unique")
        ]

    def __str__(self):
        return self.scope
