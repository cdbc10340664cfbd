"""The blind-index rows of seeded clients: exactly what ``blind_index.row_tokens`` gives
(tests/ops/test_seed.py compares them), with what repeats worked out once a seeder.

Seeded names are drawn from Faker's lists, a few hundred words, so each word's tokens and
each token's and pair's digest are worked out once instead of once a client; a seeded phone
number (``0812-3456-7890``) is turned into E.164 by its digits once ``phonenumbers`` has
given the same for the first number of its prefix and length (its parsing and validation were the
largest part of the tokens' time). NIKs are unique: hashed each time, as are the phones.
"""

from itertools import combinations

from django.core.exceptions import ValidationError

from lindungi.core import blind_index
from lindungi.core.blind_index import (
    OVERFLOW,
    PAIRED_TOKENS,
    digest,
    name_tokens,
    normalise_nik,
    normalise_phone,
    pair_column,
)
from lindungi.core.fields import NAME, NIK, PHONE


class Tokens:
    """``rows(clients)``: the blind-index rows of ``clients`` (all of one model)."""

    def __init__(self, model):
        fields = {f.search: f for f in blind_index.searchable_fields(model)}
        if set(fields) != {NAME, NIK, PHONE}:
            raise ValueError(f"{model.__name__}: expected one name, NIK and phone field")
        self.name, self.nik, self.phone = fields[NAME], fields[NIK], fields[PHONE]
        self.pairs = pair_column(model)
        self.words: dict = {}  # a word of a name -> its tokens
        self.digests: dict = {}  # (column, name token or pair) -> digest
        # (a phone's first four digits, its length) -> whether its E.164 is "+62" and the rest
        self.prefixes: dict = {}

    def _digest(self, column, text):
        key = (column, text)
        found = self.digests.get(key)
        if found is None:
            found = self.digests[key] = digest(column, text)
        return found

    def _name(self, value):
        tokens = set()
        for word in value.split():
            known = self.words.get(word)
            if known is None:
                known = self.words[word] = frozenset(name_tokens(word))
            tokens |= known
        column = self.name.column_label
        found = [(column, self._digest(column, token)) for token in tokens]
        if len(tokens) > PAIRED_TOKENS:
            return [*found, (self.pairs, self._digest(self.pairs, OVERFLOW))]
        pairs = combinations(sorted(tokens), 2)
        return found + [(self.pairs, self._digest(self.pairs, f"{a} {b}")) for a, b in pairs]

    def _phone(self, value):
        """The phone's E.164 form, or None for one that does not validate."""
        digits = value.replace("-", "")
        plain = digits.isdigit() and digits.startswith("0")
        shape = (digits[:4], len(digits))  # what decides validity: the prefix and length
        fast = self.prefixes.get(shape) if plain else False
        if fast:
            return "+62" + digits[1:]
        try:
            e164 = normalise_phone(value)
        except ValidationError:
            e164 = None
        if plain and fast is None:
            self.prefixes[shape] = e164 == "+62" + digits[1:]
        return e164

    def _nik(self, value):
        try:
            return normalise_nik(value)
        except ValidationError:
            return None

    def rows(self, clients):
        for client in clients:
            found = self._name(client.name) if client.name else []
            for field, normalise in ((self.nik, self._nik), (self.phone, self._phone)):
                value = getattr(client, field.attname)
                normalised = normalise(value) if value else None
                if normalised is not None:
                    found.append((field.column_label, digest(field.column_label, normalised)))
            for column, token in set(found):
                yield {"digest": token, "object_id": client.pk, "column": column}
