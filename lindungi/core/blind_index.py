"""Search encrypted personal data through keyed blind indexes (docs/architecture.md, rule 3).

A model declares which encrypted fields are searchable and how, and inherits
``Searchable``::

    class Client(Searchable, BaseModel):
        name = EncryptedCharField(_("name"), max_length=200, search=NAME)
        nik = EncryptedCharField(_("NIK"), max_length=16, null=True, blank=True, search=NIK)
        phone = EncryptedCharField(_("phone"), max_length=32, blank=True, search=PHONE)

    Client.objects.search_name("siti aminah")  # every token must match
    Client.objects.with_phone("0812-3456-7890")
    Client.objects.with_nik("3174 0123 4567 8901")
    Client.objects.find(NAME, "siti aminah")  # Found: the rows, and at most how many

Every save (and ``bulk_create``) writes the row's digests to ``core.BlindToken`` in the same
transaction; deleting the row deletes them. The digest is HMAC-SHA256 under
LINDUNGI_INDEX_KEY of the column label and the normalised value, truncated to 128 bits.

A row's name tokens (of all its name fields together) are also indexed in sorted pairs
(``name_pairs``), so that a search for a full name whose every token is common ("siti
rahayu": thousands of rows each at a million cases) starts from the few rows holding that
pair instead of intersecting the thousands.

What a blind index gives away: someone with the database alone sees which rows share a
value (or a name token, or a pair of name tokens) in the same column, and how many tokens
a name has. Not the values.
"""

import hashlib
import hmac
import re
import unicodedata
import uuid
from dataclasses import dataclass
from itertools import combinations

import phonenumbers
from django.core import checks
from django.core.exceptions import FieldError, ValidationError
from django.db import connections, migrations, models, router, transaction
from django.db.models.signals import class_prepared, post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from lindungi.core import crypto
from lindungi.core.fields import NAME, NIK, PHONE, EncryptedMixin
from lindungi.core.models import BlindToken

PHONE_REGION = "ID"
DIGEST_HEX = 32
# Enough to tell a rare name token from a common one without counting all of "siti".
RARITY_PROBE = 200
# A row with more distinct name tokens than this (a pasted paragraph, not a name) gets one
# OVERFLOW token instead of its pairs (45 at ten tokens, 4,950 at a hundred); a pair search
# reads every such row as a candidate, and checks its tokens as it checks every candidate's.
PAIRED_TOKENS = 10
OVERFLOW = "*"  # never a pair: tokens are word characters, a pair is two joined by a space
# A longer query still has every token checked; its first pairs are enough to start from.
QUERY_PAIRS = 10


# --- Normalisation -----------------------------------------------------------------------


def normalise_phone(value):
    """E.164 (``+6281234567890``) from what people type: ``0812-3456-7890``, ``62812...``."""
    text = str(value).strip()
    digits = re.sub(r"\D", "", text)
    # "62812..." without a plus is how WhatsApp shows Indonesian numbers.
    if not text.startswith(("+", "0")) and digits.startswith("62"):
        text = "+" + digits
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a valid phone number."), code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_nik(value):
    """The 16 digits of a NIK (Nomor Induk Kependudukan); spaces, dots and dashes allowed."""
    digits = re.sub(r"[\s.\-]", "", str(value))
    if not re.fullmatch(r"\d{16}", digits):
        raise ValidationError(_("A NIK has exactly 16 digits."), code="invalid_nik")
    return digits


def name_tokens(value):
    """Lower-case words of a name without diacritics or punctuation: "Sîti-Aminah" ->
    {"siti", "aminah"}. Apostrophes join ("Ma'ruf" -> "maruf"), other marks split."""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"['’‘`ʼ]", "", text)
    return set(re.findall(r"[^\W_]+", text))


NORMALISERS = {PHONE: normalise_phone, NIK: normalise_nik}


def digest(column, normalised):
    """The keyed digest of one normalised value of ``column`` (``app.model.field``)."""
    message = f"{column}\x1f{normalised}".encode()
    mac = hmac.new(crypto.keyring().index_key, message, hashlib.sha256)
    return mac.hexdigest()[:DIGEST_HEX]


def stored_digests(field, value):
    """The digests a row keeps for ``field`` holding ``value``.

    A phone or NIK that cannot be normalised gets none: it stays stored (nothing that was
    acknowledged is lost: rule 8 of docs/architecture.md) but cannot be found by an exact
    search. Forms reject such values through the field's validators first.
    """
    if value is None or value == "":
        return set()
    if field.search == NAME:
        normalised = name_tokens(value)
    else:
        try:
            normalised = {NORMALISERS[field.search](value)}
        except ValidationError:
            return set()
    return {digest(field.column_label, n) for n in normalised}


def pair_column(model):
    """The column label of ``model``'s name pairs: not a field's, so no field's digest of
    the same text links up with it."""
    return f"{model._meta.label_lower}:name-pairs"


def name_pairs(model, obj):
    """The digests of the sorted pairs of ``obj``'s name tokens, over all its name fields
    (a name search matches a token in any of them), or its one OVERFLOW digest."""
    tokens = set()
    for field in searchable_fields(model, NAME):
        value = getattr(obj, field.attname)
        if value:
            tokens |= name_tokens(value)
    column = pair_column(model)
    if len(tokens) > PAIRED_TOKENS:
        return {digest(column, OVERFLOW)}
    return {digest(column, f"{a} {b}") for a, b in combinations(sorted(tokens), 2)}


def row_tokens(model, obj):
    """Every (column, digest) the index keeps for ``obj``: its fields' and its name pairs."""
    fields = searchable_fields(model)
    tokens = {
        (f.column_label, d) for f in fields for d in stored_digests(f, getattr(obj, f.attname))
    }
    if any(f.search == NAME for f in fields):
        tokens |= {(pair_column(model), d) for d in name_pairs(model, obj)}
    return tokens


def _pair_terms(model, terms):
    """The query's pairs of name tokens as search terms: each with the OVERFLOW digest,
    whose rows hold every pair."""
    column = pair_column(model)
    overflow = digest(column, OVERFLOW)
    pairs = list(combinations(sorted(terms), 2))[:QUERY_PAIRS]
    return [[digest(column, f"{a} {b}"), overflow] for a, b in pairs]


def searchable_fields(model, kind=None):
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, EncryptedMixin) and f.search and (kind is None or f.search == kind)
    ]


# --- Keeping the index current -----------------------------------------------------------


def index_rows(model, objects, using, new=False):
    """Make the tokens of ``objects`` match their current values.

    ``new``: the rows were just inserted, so there are no old tokens to compare with.
    """
    fields = searchable_fields(model)
    if not objects or not fields:
        return
    columns = [f.column_label for f in fields] + [pair_column(model)]
    wanted = {(obj.pk, column, d) for obj in objects for column, d in row_tokens(model, obj)}
    tokens = BlindToken.objects.using(using)
    existing = set()
    if not new:
        existing = set(
            tokens.filter(object_id__in=[o.pk for o in objects], column__in=columns).values_list(
                "object_id", "column", "digest"
            )
        )
    if wanted == existing:
        return
    stale_ids = {row[0] for row in existing ^ wanted}
    if existing:
        tokens.filter(object_id__in=stale_ids, column__in=columns).delete()
    tokens.bulk_create(
        BlindToken(object_id=pk, column=column, digest=d)
        for pk, column, d in wanted
        if pk in stale_ids
    )


def index_name_pairs(model, tokens=BlindToken, batch_size=2000):
    """Write the name pairs of every row of ``model`` (a migration's historical model, and
    its ``tokens`` model), replacing any: for a database indexed before pairs existed
    (``pairs_migration``). ``lindungi rotate-keys --reindex`` rebuilds them too."""
    names = [f.name for f in searchable_fields(model, NAME)]
    if not names:
        return
    column = pair_column(model)
    tokens.objects.filter(column=column).delete()
    rows = model._base_manager.order_by("pk").only("pk", *names)
    last_pk = None
    while True:
        batch = list((rows if last_pk is None else rows.filter(pk__gt=last_pk))[:batch_size])
        tokens.objects.bulk_create(
            tokens(object_id=obj.pk, column=column, digest=d)
            for obj in batch
            for d in name_pairs(model, obj)
        )
        if len(batch) < batch_size:
            return
        last_pk = batch[-1].pk


def _delete_tokens(sender, instance, using, **kwargs):
    BlindToken.objects.using(using).filter(object_id=instance.pk).delete()


@receiver(class_prepared)
def _connect_token_cleanup(sender, **kwargs):
    # Per model, not for every model: a receiver for all senders would turn every fast
    # bulk delete in the project into a row-by-row one.
    if issubclass(sender, Searchable) and not sender._meta.abstract:
        post_delete.connect(_delete_tokens, sender=sender, weak=False)


# --- Searching ---------------------------------------------------------------------------


def _common_to_all(wanted):
    """The ids holding every term (a list of digests), when every term is common: each
    term's ids read once from the digest index and intersected (a hash in the database),
    which costs the sum of the lists. Probing the index once per id of the rarest list
    costs their product: at a million cases, "siti" and "rahayu" are thousands each."""
    first, *others = (BlindToken.objects.filter(digest__in=d).values("object_id") for d in wanted)
    return first.intersection(*others)


@dataclass(frozen=True)
class Found:
    """The rows a search matches, and at most how many they are when the search knows it
    (a name found from the rows holding its rarest pair of tokens: ``RARITY_PROBE`` at
    most); ``None`` when they may be any number (one common token, a phone number)."""

    rows: models.QuerySet
    at_most: int | None


class SearchableQuerySet(models.QuerySet):
    """Search helpers for models with searchable encrypted fields.

    Values are normalised as they are when stored; an invalid phone or NIK raises
    ValidationError (with a message fit for the user, not containing the value).
    """

    def search_name(self, text):
        """Rows where every token of ``text`` appears in one of the model's name fields."""
        return self.find(NAME, text).rows

    def with_phone(self, value):
        return self.find(PHONE, value).rows

    def with_nik(self, value):
        return self.find(NIK, value).rows

    def find(self, kind, value):
        """``Found``: the rows matching ``value`` in any field searched as ``kind`` (NAME,
        PHONE or NIK), as ``search_name``, ``with_phone`` and ``with_nik`` give them."""
        return self._match(searchable_fields(self.model, kind), kind, value)

    def matching(self, field_name, value):
        """Search one field by its declared kind: ``matching("phone", "0812...")``."""
        field = self.model._meta.get_field(field_name)
        if getattr(field, "search", None) is None:
            raise FieldError(f"{self.model._meta.label}.{field_name} has no search index.")
        return self._match([field], field.search, value).rows

    def _match(self, fields, kind, value):
        if not fields:
            raise FieldError(f"{self.model._meta.label} has no field with search={kind!r}.")
        if kind == NAME:
            terms = name_tokens(value)
            if not terms:
                return Found(self.none(), 0)
        else:
            terms = {NORMALISERS[kind](value)}
        # One list of digests per term: a name token may be in any of the name fields.
        wanted = [[digest(f.column_label, term) for f in fields] for term in terms]
        if len(wanted) > 1:
            return self._by_pairs(fields, terms, wanted)
        return Found(
            self.filter(pk__in=BlindToken.objects.filter(digest__in=wanted[0]).values("object_id")),
            None,
        )

    def _by_pairs(self, fields, terms, wanted):
        """``Found``: rows holding every name token of ``wanted`` (one list of digests per
        token).

        A pair of tokens is never more common than its rarer token, so the rows holding the
        rarest of the query's pairs are the candidates: read here, up to RARITY_PROBE of
        each pair in one query, so that what follows runs on a known handful of ids. (As a
        subquery, the planner, which cannot know how common a token is, read whole token
        lists to test the candidates: at a million cases, thousands of ids.) Only when every
        pair is that common are the tokens' own lists intersected.
        """
        pairs = _pair_terms(self.model, terms)
        found = min(self._pair_rows(pairs), key=len)
        if len(found) > RARITY_PROBE:
            return Found(self.filter(pk__in=_common_to_all(wanted)), None)
        overflow = pairs[0][1]
        # A row found by its pair holds every token, in one of the name fields: enough when
        # the search covers all of them. An overflowing row, or a search of fewer fields
        # (``matching``), has its tokens checked.
        every_field = set(fields) == set(searchable_fields(self.model, NAME))
        sure = {pk for pk, d in found if every_field and d != overflow}
        unsure = {pk for pk, _d in found} - sure
        ids = list(sure | self._holding_all(unsure, wanted))
        return Found(self.filter(pk__any=ids), len(ids))

    def _pair_rows(self, pairs):
        """For each pair (a list of digests), the (object id, digest) of the rows holding it,
        no more than RARITY_PROBE + 1 of them, in one query: the ORM would take one a pair."""
        connection = connections[self.db]
        quote = connection.ops.quote_name
        table = quote(BlindToken._meta.db_table)
        digest_column = quote(BlindToken._meta.get_field("digest").column)
        id_column = quote(BlindToken._meta.get_field("object_id").column)
        selects, params = [], []
        for n, digests in enumerate(pairs):
            marks = ", ".join(["%s"] * len(digests))
            # Put together from quoted names, numbers and %s marks only: every value is a
            # parameter.
            rows = (
                f"SELECT {id_column}, {digest_column} FROM {table} "  # noqa: S608
                f"WHERE {digest_column} IN ({marks}) LIMIT %s"
            )
            selects.append(f"SELECT {n}, * FROM ({rows}) AS pair{n}")  # noqa: S608
            params += [*digests, RARITY_PROBE + 1]
        found = [[] for _pair in pairs]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(selects), params)
            for n, pk, d in cursor.fetchall():
                found[n].append((pk if isinstance(pk, uuid.UUID) else uuid.UUID(pk), d))
        return found

    def _holding_all(self, ids, wanted):
        """Those of ``ids`` that hold every term of ``wanted``, in one query on their ids."""
        if not ids:
            return set()
        digests = [d for term in wanted for d in term]
        held = {}
        tokens = BlindToken.objects.using(self.db).filter(object_id__any=list(ids))
        tokens = tokens.filter(digest__in=digests)
        for pk, d in tokens.values_list("object_id", "digest"):
            held.setdefault(pk, set()).add(d)
        return {pk for pk, mine in held.items() if all(mine & set(term) for term in wanted)}

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            # Rows that met a conflict may have existed before: compare with their tokens.
            conflicts = kwargs.get("update_conflicts") or kwargs.get("ignore_conflicts")
            index_rows(self.model, created, self.db, new=not conflicts)
        return created

    def update(self, **kwargs):
        indexed = {f.name for f in searchable_fields(self.model)} & set(kwargs)
        if indexed:
            # An UPDATE cannot compute the new digests; only save() can.
            raise FieldError(
                f"{self.model._meta.label}: update() cannot change searchable fields "
                f"({', '.join(sorted(indexed))}); save() the objects so their index stays "
                "current."
            )
        return super().update(**kwargs)


class Searchable(models.Model):
    """Base for a model with ``search=`` encrypted fields: saving keeps the index current."""

    objects = SearchableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        update_fields = kwargs.get("update_fields")
        new = self._state.adding
        # One transaction: a row is never committed with tokens that describe other values.
        # No savepoint (two more round trips per save): a failure here fails the caller's
        # whole transaction, as a failed save() would.
        with transaction.atomic(using=using, savepoint=False):
            super().save(*args, **kwargs)
            if update_fields is None or {f.name for f in searchable_fields(type(self))} & set(
                update_fields
            ):
                index_rows(type(self), [self], using, new=new)

    @classmethod
    def check(cls, **kwargs):
        errors = super().check(**kwargs)
        if not isinstance(cls._meta.pk, models.UUIDField):
            errors.append(
                checks.Error(
                    "A Searchable model needs a UUID primary key (core.BlindToken.object_id).",
                    obj=cls,
                    id="lindungi.E002",
                )
            )
        return errors


def pairs_migration(app_label, model_names):
    """A migration's operation that indexes the name pairs of ``model_names`` (models of
    ``app_label`` with name fields) and, reversed, drops them: a row indexed before pairs
    existed would not be found by a search of two or more name tokens."""

    def index_pairs(apps, schema_editor):
        tokens = apps.get_model("core", "BlindToken")
        for name in model_names:
            index_name_pairs(apps.get_model(app_label, name), tokens)

    def drop_pairs(apps, schema_editor):
        tokens = apps.get_model("core", "BlindToken")
        for name in model_names:
            tokens.objects.filter(column=pair_column(apps.get_model(app_label, name))).delete()

    return migrations.RunPython(index_pairs, drop_pairs)
