"""Every user-facing string has an Indonesian translation, checked against the source itself."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory):
    """Extract the strings of the current source into a copy of the catalogues."""
    work = tmp_path_factory.mktemp("messages")
    for name in ("lindungi", "templates", "locale"):
        shutil.copytree(ROOT / name, work / name, ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "lindungi.cli",
            "makemessages",
            "-l",
            "id",
            "-l",
            "en",
            "--no-obsolete",
        ],
        cwd=work,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return work / "locale"


def test_every_string_has_an_indonesian_translation(fresh_catalogues):
    catalogue = polib.pofile(str(fresh_catalogues / "id/LC_MESSAGES/django.po"))
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert missing == [], f"{len(missing)} strings lack Indonesian: {missing[:10]}"
    assert fuzzy == [], f"{len(fuzzy)} Indonesian translations are marked fuzzy: {fuzzy[:10]}"


def test_the_committed_catalogues_hold_every_string(fresh_catalogues):
    for language in ("id", "en"):
        committed = {
            e.msgid for e in polib.pofile(str(ROOT / f"locale/{language}/LC_MESSAGES/django.po"))
        }
        fresh = {
            e.msgid
            for e in polib.pofile(str(fresh_catalogues / f"{language}/LC_MESSAGES/django.po"))
        }
        assert fresh - committed == set(), f"run `make messages`: new strings for {language}"


def test_placeholders_match_in_every_translation():
    for language in ("id", "en"):
        po = ROOT / f"locale/{language}/LC_MESSAGES/django.po"
        result = subprocess.run(
            ["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
