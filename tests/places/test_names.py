"""Where a place lies, in words: names from nested codes, read once and then kept."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindungi.places.names import place_labels


def test_a_kelurahan_reads_kelurahan_kecamatan_and_kota(db):
    labels = place_labels(["31.74.01.1001", None, ""])
    assert labels == {"31.74.01.1001": "Tebet Timur, Tebet, Kota Administrasi Jakarta Selatan"}


def test_names_are_read_in_one_query_and_then_kept(db):
    with CaptureQueriesContext(connection) as first:
        place_labels(["31.74.01.1001", "31.71.01.1001"])
    assert len(first) == 1
    with CaptureQueriesContext(connection) as again:
        assert place_labels(["31.74.01.1001"])["31.74.01.1001"].startswith("Tebet Timur")
    assert len(again) == 0


def test_an_unknown_code_shows_what_is_known_of_it(db):
    assert place_labels(["31.74.99.9999"]) == {"31.74.99.9999": "Kota Administrasi Jakarta Selatan"}


def test_a_miss_keeps_the_names_of_its_whole_kota(db):
    place_labels(["31.74.01.1001"])
    with CaptureQueriesContext(connection) as neighbour:
        label = place_labels(["31.74.02.1001"])["31.74.02.1001"]
    assert len(neighbour) == 0 and label.endswith("Kota Administrasi Jakarta Selatan")
