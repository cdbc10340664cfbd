"""A kelurahan looked up by its code is kept, an unknown code is asked again."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindungi.places.models import Region
from lindungi.places.villages import village


def test_a_kelurahan_is_read_once_then_kept(db):
    with CaptureQueriesContext(connection) as first:
        region = village("31.74.01.1001")
    with CaptureQueriesContext(connection) as again:
        kept = village("31.74.01.1001")
    assert region == Region.objects.get(code="31.74.01.1001") and kept == region
    assert kept.name == region.name and kept.parent_id == region.parent_id
    assert kept is not region and not kept._state.adding
    assert (len(first), len(again)) == (1, 0)


def test_an_unknown_code_or_another_level_is_none_and_asked_again(db):
    for code in ("31.74.01.9999", "31.74.01"):  # no such kelurahan; a kecamatan
        with CaptureQueriesContext(connection) as asked:
            assert village(code) is None
            assert village(code) is None
        assert len(asked) == 2
