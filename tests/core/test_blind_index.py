"""Blind indexes: normalisation, search by name tokens, phone and NIK, and keeping current."""

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.db import connection
from django.test import override_settings

from lindungi.core import blind_index
from lindungi.core.blind_index import (
    digest,
    name_tokens,
    normalise_nik,
    normalise_phone,
)
from lindungi.core.models import BlindToken
from tests.core.encryption_app.models import Person
from tests.core.encryption_app.support import make_key


@pytest.mark.parametrize(
    "typed",
    ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "(0812) 3456 7890", "081234567890"],
)
def test_the_ways_people_type_a_phone_number_normalise_to_e164(typed):
    assert normalise_phone(typed) == "+6281234567890"


@pytest.mark.parametrize("typed", ["08123", "not a number", ""])
def test_an_impossible_phone_number_is_rejected(typed):
    with pytest.raises(ValidationError):
        normalise_phone(typed)


def test_a_nik_may_be_typed_with_separators():
    assert normalise_nik("3174 0912.0385-0007") == "3174091203850007"


@pytest.mark.parametrize("typed", ["317409120385000", "31740912038500071", "3174O91203850007"])
def test_a_nik_without_exactly_16_digits_is_rejected(typed):
    with pytest.raises(ValidationError) as caught:
        normalise_nik(typed)
    assert typed not in str(caught.value)


def test_a_name_becomes_lower_case_tokens_without_diacritics_or_punctuation():
    assert name_tokens("Sîti-Aminah, S.Pd.") == {"siti", "aminah", "s", "pd"}
    assert name_tokens("Ma'ruf  AMIN") == {"maruf", "amin"}
    assert name_tokens(" ... ") == set()


def test_digests_differ_between_columns_and_index_keys():
    first = digest("cases.client.name", "siti")
    assert first != digest("cases.report.name", "siti")
    with override_settings(INDEX_KEY=make_key("another-index-key")):
        assert digest("cases.client.name", "siti") != first
    assert len(first) == 32


@pytest.mark.django_db
class TestSearch:
    @pytest.fixture(autouse=True)
    def people(self):
        self.siti = Person.objects.create(
            name="Siti Aminah", phone="0812-3456-7890", nik="3174091203850007"
        )
        self.rina = Person.objects.create(name="Rina Aminah", alias="Mbak Rin")
        self.budi = Person.objects.create(name="Budi Santoso", phone="+62 813 1111 2222")

    def found(self, queryset):
        return set(queryset.values_list("name", flat=True))

    def test_a_name_is_found_by_any_of_its_tokens_whatever_the_case_or_accents(self):
        for query in ["aminah", "SITI", "Sîti", "siti   aminah", "Aminah, Siti"]:
            assert "Siti Aminah" in self.found(Person.objects.search_name(query)), query

    def test_every_token_of_a_name_query_must_match(self):
        assert self.found(Person.objects.search_name("aminah")) == {"Siti Aminah", "Rina Aminah"}
        assert self.found(Person.objects.search_name("siti aminah")) == {"Siti Aminah"}
        assert self.found(Person.objects.search_name("siti santoso")) == set()

    def test_common_tokens_are_intersected_and_answer_the_same(self, monkeypatch):
        # With every token "common" (a million cases: thousands of "siti"), each token's
        # ids are read once and intersected instead of probed one by one.
        monkeypatch.setattr(blind_index, "RARITY_PROBE", 1)
        both = Person.objects.search_name("aminah siti")
        assert "INTERSECT" in str(both.query)
        assert self.found(both) == {"Siti Aminah"}
        assert self.found(Person.objects.search_name("siti santoso")) == set()
        assert self.found(Person.objects.search_name("mbak aminah")) == {"Rina Aminah"}
        queryset = Person.objects.search_name("aminah siti").exclude(pk=self.rina.pk)
        assert self.found(queryset.with_phone("081234567890")) == {"Siti Aminah"}

    def test_a_name_search_covers_every_name_field(self):
        assert self.found(Person.objects.search_name("rin")) == {"Rina Aminah"}

    def test_a_query_with_no_tokens_finds_nothing(self):
        assert not Person.objects.search_name(" - ").exists()

    def test_a_phone_is_found_however_it_is_typed(self):
        assert self.found(Person.objects.with_phone("+6281234567890")) == {"Siti Aminah"}
        assert self.found(Person.objects.with_phone("0813-1111-2222")) == {"Budi Santoso"}

    def test_a_nik_is_found_exactly(self):
        assert self.found(Person.objects.with_nik("3174 0912 0385 0007")) == {"Siti Aminah"}
        assert not Person.objects.with_nik("3174091203850008").exists()

    def test_an_invalid_search_value_is_a_validation_error(self):
        with pytest.raises(ValidationError):
            Person.objects.with_nik("123")

    def test_search_helpers_combine_with_other_filters(self):
        queryset = Person.objects.search_name("aminah").exclude(pk=self.rina.pk)
        assert self.found(queryset.with_phone("081234567890")) == {"Siti Aminah"}

    def test_matching_searches_one_field_by_its_declared_kind(self):
        assert self.found(Person.objects.matching("alias", "mbak")) == {"Rina Aminah"}
        assert not Person.objects.matching("name", "mbak").exists()
        with pytest.raises(FieldError):
            Person.objects.matching("address", "mawar")

    def test_changing_a_value_moves_its_tokens(self):
        self.siti.name = "Siti Rahmawati"
        self.siti.phone = "0812-9999-0000"
        self.siti.save()
        assert not Person.objects.search_name("aminah").filter(pk=self.siti.pk).exists()
        assert Person.objects.search_name("rahmawati").get() == self.siti
        assert not Person.objects.with_phone("0812-3456-7890").exists()
        assert Person.objects.with_phone("0812-9999-0000").get() == self.siti

    def test_clearing_a_value_removes_its_tokens(self):
        self.siti.nik = None
        self.siti.save(update_fields=["nik"])
        assert not Person.objects.with_nik("3174091203850007").exists()

    def test_deleting_rows_deletes_their_tokens(self):
        Person.objects.filter(pk__in=[self.siti.pk, self.rina.pk]).delete()
        assert set(BlindToken.objects.values_list("object_id", flat=True)) == {self.budi.pk}

    def test_bulk_created_rows_are_searchable(self):
        Person.objects.bulk_create([Person(name="Dewi Lestari"), Person(name="Dewi Sartika")])
        assert self.found(Person.objects.search_name("dewi")) == {"Dewi Lestari", "Dewi Sartika"}

    def test_update_refuses_to_change_a_searchable_field_behind_the_index(self):
        with pytest.raises(FieldError, match="save"):
            Person.objects.filter(pk=self.siti.pk).update(name="Siti Rahmawati")
        Person.objects.filter(pk=self.siti.pk).update(address="Jl. Mawar 2")

    def test_an_unusable_phone_is_kept_but_not_indexed(self):
        person = Person.objects.create(name="Ani", phone="minta lewat tetangga")
        assert Person.objects.get(pk=person.pk).phone == "minta lewat tetangga"
        assert not BlindToken.objects.filter(
            object_id=person.pk, column="encryption_app.person.phone"
        ).exists()

    def test_a_name_search_is_answered_from_the_digest_index(self):
        sql, params = Person.objects.search_name("siti").query.sql_with_params()
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            else:
                # Tiny test tables are cheaper to scan; ask what the planner would use.
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "blind_token_search" in plan, plan
