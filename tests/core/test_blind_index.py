"""Blind indexes: normalisation, search by name tokens, phone and NIK, and keeping current."""

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from lindungi.core import blind_index
from lindungi.core.blind_index import (
    digest,
    name_tokens,
    normalise_nik,
    normalise_phone,
)
from lindungi.core.fields import NAME, PHONE
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
        # With even the pair of tokens "common" (more rows than RARITY_PROBE), each token's
        # ids are read once and intersected instead of probed one by one.
        monkeypatch.setattr(blind_index, "RARITY_PROBE", 0)
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


@pytest.mark.django_db
class TestNamePairs:
    """A search for several name tokens starts from the rarest of their pairs
    (``blind_index.name_pairs``): it must find exactly what the tokens alone would."""

    LONG = "Siti Nur Rahayu binti Haji Abdul Rahman bin Umar Said Ali Akbar"

    @pytest.fixture(autouse=True)
    def people(self):
        self.people = {}
        for name, alias in [
            ("Siti Rahayu", ""),
            ("Siti Nur Rahayu", ""),
            ("Rahayu Siti", ""),
            ("Siti Lestari", ""),
            ("Dewi Rahayu", "Siti"),  # one token in each name field
            (self.LONG, ""),  # more tokens than are paired
        ]:
            self.people[name] = Person.objects.create(name=name, alias=alias)

    def found(self, queryset):
        return set(queryset.values_list("name", flat=True))

    def pairs(self, name):
        person = self.people[name]
        column = blind_index.pair_column(Person)
        return BlindToken.objects.filter(object_id=person.pk, column=column)

    def test_each_sorted_pair_of_a_rows_name_tokens_is_indexed_once(self):
        assert self.pairs("Siti Rahayu").count() == 1
        assert self.pairs("Siti Nur Rahayu").count() == 3
        both = {d for (d,) in self.pairs("Siti Rahayu").values_list("digest")}
        assert both == {d for (d,) in self.pairs("Rahayu Siti").values_list("digest")}
        assert self.pairs("Dewi Rahayu").count() == 3  # across its name and alias
        assert self.pairs(self.LONG).count() == 1  # the overflow token, not 66 pairs

    def test_a_full_name_search_finds_exactly_the_people_holding_every_token(self):
        everyone_with_both = {
            "Siti Rahayu",
            "Siti Nur Rahayu",
            "Rahayu Siti",
            "Dewi Rahayu",
            self.LONG,
        }
        assert self.found(Person.objects.search_name("Siti Rahayu")) == everyone_with_both
        assert self.found(Person.objects.search_name("rahayu, siti")) == everyone_with_both
        assert self.found(Person.objects.search_name("siti nur rahayu")) == {
            "Siti Nur Rahayu",
            self.LONG,
        }
        assert self.found(Person.objects.search_name("nur rahayu umar")) == {self.LONG}
        assert self.found(Person.objects.search_name("siti lestari")) == {"Siti Lestari"}
        assert self.found(Person.objects.search_name("lestari rahayu")) == set()
        assert self.found(Person.objects.search_name("siti santoso")) == set()

    def test_the_search_starts_from_the_pair_and_reads_no_token_list(self):
        column = blind_index.pair_column(Person)
        pair = blind_index.digest(column, "lestari siti")
        with CaptureQueriesContext(connection) as queries:
            found = self.found(Person.objects.search_name("siti lestari"))
        assert found == {"Siti Lestari"}
        assert pair in queries.captured_queries[0]["sql"]
        assert blind_index.digest("encryption_app.person.name", "siti") not in str(queries)

    def test_common_pairs_fall_back_to_intersecting_the_tokens(self, monkeypatch):
        monkeypatch.setattr(blind_index, "RARITY_PROBE", 1)
        queryset = Person.objects.search_name("siti rahayu")
        assert "INTERSECT" in str(queryset.query)
        assert len(self.found(queryset)) == 5

    def test_find_says_how_many_people_a_rare_pair_can_be_at_most(self, monkeypatch):
        found = Person.objects.find(NAME, "Siti Rahayu")
        assert found.at_most == 5 and len(self.found(found.rows)) == 5
        assert Person.objects.find(NAME, "siti santoso").at_most == 0
        # Any number: a common pair (tokens intersected), one token, a phone number.
        monkeypatch.setattr(blind_index, "RARITY_PROBE", 1)
        common = Person.objects.find(NAME, "siti rahayu")
        assert common.at_most is None and len(self.found(common.rows)) == 5
        assert Person.objects.find(NAME, "rahayu").at_most is None
        assert Person.objects.find(PHONE, "0812-3456-7890").at_most is None

    def test_one_field_is_searched_alone_even_where_the_pair_spans_two(self):
        assert "Dewi Rahayu" not in self.found(Person.objects.matching("name", "siti rahayu"))
        assert self.found(Person.objects.matching("name", "siti lestari")) == {"Siti Lestari"}

    def test_pairs_follow_a_changed_name(self):
        person = self.people["Siti Lestari"]
        person.alias = "Rahayu"
        person.save(update_fields=["alias"])
        assert "Siti Lestari" in self.found(Person.objects.search_name("siti rahayu"))
        person.name = "Ani Lestari"
        person.save()
        assert not Person.objects.search_name("siti lestari").exists()
        assert self.found(Person.objects.search_name("ani rahayu")) == {"Ani Lestari"}

    def test_a_database_indexed_before_pairs_gets_them_from_index_name_pairs(self):
        BlindToken.objects.filter(column=blind_index.pair_column(Person)).delete()
        assert not Person.objects.search_name("siti lestari").exists()
        blind_index.index_name_pairs(Person, batch_size=2)
        blind_index.index_name_pairs(Person, batch_size=2)  # again: replaced, not doubled
        assert self.pairs("Siti Nur Rahayu").count() == 3
        assert self.found(Person.objects.search_name("siti lestari")) == {"Siti Lestari"}
        assert len(self.found(Person.objects.search_name("siti rahayu"))) == 5
