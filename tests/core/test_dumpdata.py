"""``dumpdata`` writes personal data decrypted, so with debug off it runs only when the
operator says, by a flag, that they know (issue 11)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from lindungi.places.models import Region

FLAG = "--i-know-this-dumps-personal-data"


def dump(*args):
    out = io.StringIO()
    call_command("dumpdata", "places.Region", "--pks", "31", *args, stdout=out)
    return json.loads(out.getvalue())


def test_with_debug_off_dumpdata_refuses_and_says_why(db):
    with pytest.raises(CommandError) as refused:
        dump()
    message = str(refused.value)
    assert "decrypted" in message and "lindungi backup" in message and FLAG in message


def test_the_refusal_is_in_the_deployments_language(db):
    with translation.override("id"), pytest.raises(CommandError) as refused:
        dump()
    assert "didekripsi" in str(refused.value) and FLAG in str(refused.value)


def test_the_flag_lets_it_run(db):
    assert [row["pk"] for row in dump(FLAG)] == ["31"]
    assert Region.objects.filter(pk="31").exists()


def test_with_debug_on_it_runs_without_the_flag(db, settings):
    settings.DEBUG = True
    assert [row["pk"] for row in dump()] == ["31"]
