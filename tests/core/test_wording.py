"""Wording in Bahasa Indonesia: one verb for edit links ("Ubah"), no doubled words, and no
page shows a raw field key (``gbv_answers``, "gbv answers") or a field's English name where
an Indonesian one exists."""

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.urls import get_resolver, reverse
from django.utils import translation

from lindungi.intake import actions as intake
from tests.cases.timeline_fixtures import case_with_every_event
from tests.login import log_in
from tests.page_text import visible_text

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale/id/LC_MESSAGES/django.po"
EDIT_VERB = "Ubah"
# Other verbs a translator might reach for when a link edits something.
OTHER_EDIT_VERBS = ("Sunting", "Menyunting", "Edit", "Mengedit", "Perbarui", "Memperbarui")
# The same word twice in a row. Reduplication is written with a hyphen (anak-anak), so it
# does not match.
DOUBLED = re.compile(r"(?<![\w-])(\w+)\s+\1(?![\w-])", re.IGNORECASE)
# Where a page's text splits into the phrases a label could stand alone in.
PHRASE_BREAK = re.compile(r"\s*[,;:()·|/]\s*|\s+[-–—]\s+")


def _translations():
    catalogue = polib.pofile(str(CATALOGUE))
    for entry in catalogue.translated_entries():
        yield entry, [entry.msgstr, *entry.msgstr_plural.values()]


def test_no_indonesian_translation_has_a_word_twice_in_a_row():
    doubled = [
        (entry.msgid, text)
        for entry, texts in _translations()
        for text in texts
        if DOUBLED.search(text)
    ]
    assert doubled == []


def test_the_doubled_word_check_tells_a_slip_from_reduplication():
    assert DOUBLED.search("Buka kasus kasus ini")
    assert not DOUBLED.search("Data anak-anak dan orang-orang tua")


def test_every_edit_link_in_the_catalogue_says_ubah():
    wrong = [
        (entry.msgid, entry.msgstr)
        for entry, _texts in _translations()
        if re.match(r"Edit\b", entry.msgid) and not entry.msgstr.startswith(EDIT_VERB)
    ]
    assert wrong == []
    other = [
        (entry.msgid, entry.msgstr)
        for entry, _texts in _translations()
        if entry.msgstr.startswith(OTHER_EDIT_VERBS)
    ]
    assert other == []


# --- The pages ----------------------------------------------------------------------------


def _field_names():
    """(raw keys, English verbose name -> Indonesian) of every field of the project."""
    raw, english = set(), {}
    for model in apps.get_models():
        if not model.__module__.startswith("lindungi."):
            continue
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False):
                continue
            if "_" in field.name:
                raw |= {field.name.lower(), field.name.replace("_", " ").lower()}
            with translation.override("en"):
                name_en = str(field.verbose_name)
            with translation.override("id"):
                name_id = str(field.verbose_name)
            if name_en.lower() != name_id.lower():
                english[name_en.lower()] = name_id
    return raw, english


class _Links(HTMLParser):
    """(href, text) of each link."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.href, self.text = [], None, []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.href, self.text = dict(attrs).get("href") or "", []

    def handle_endtag(self, tag):
        if tag == "a" and self.href is not None:
            self.links.append((self.href, " ".join(" ".join(self.text).split())))
            self.href = None

    def handle_data(self, data):
        if self.href is not None:
            self.text.append(data)


def _edit_links(html):
    parser = _Links()
    parser.feed(html)
    return [(href, text) for href, text in parser.links if "/ubah/" in href]


def _slips(html, raw, english):
    """Visible text that is a raw field key or a field's English name."""
    found = []
    for chunk in visible_text(html):
        lowered = chunk.lower()
        for key in raw:
            if re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", lowered):
                found.append((key, chunk))
        for phrase in PHRASE_BREAK.split(lowered):
            if phrase in english:
                found.append((f"English for {english[phrase]!r}", chunk))
    return found


@pytest.fixture
def staff_pages(personas, settings, tmp_path):
    """Every page of the case, report and alert apps that a GET can open, filled in: the
    case has an entry of every kind on its timeline."""
    settings.DATA_DIR = tmp_path
    case = case_with_every_event(personas)
    draft = intake.save_draft(
        personas.intake_officer,
        personas.call_centre,
        {"channel": "call_112", "what_happened": "Canary story", "injuries": True},
        [{"name": "Siti Aminah", "age": 36, "sex": "female"}],
    )
    report = intake.submit_report(personas.intake_officer, draft, draft.version)
    ids = {
        "case_id": case.pk,
        "client_id": case.clients.first().pk,
        "incident_id": case.incidents.first().pk,
        "perpetrator_id": case.incidents.first().perpetrators.first().pk,
        "plannedservice_id": case.services.first().pk,
        "approval_id": case.approvals.first().pk,
        "assessment_id": case.assessments.first().pk,
        "attachment_id": case.attachments.first().pk,
        "report_id": report.pk,
    }
    pages = []
    resolver = get_resolver()
    for namespace in ("cases", "intake", "notifications"):
        _prefix, sub = resolver.namespace_dict[namespace]
        for name in sub.reverse_dict:
            if not isinstance(name, str):
                continue
            for _possibility, _pattern, _defaults, params in sub.reverse_dict.getlist(name):
                if set(params) <= set(ids):
                    url = reverse(f"{namespace}:{name}", kwargs={p: ids[p] for p in params})
                    pages.append((namespace, name, url))
                    break
    return personas, pages


# The words of the pages' markup, the same whatever the database: CI reads them once.
@pytest.mark.pages_only
@pytest.mark.usefixtures("indonesian")
def test_no_staff_page_shows_a_raw_field_key_or_an_english_field_name(client, staff_pages):
    personas, pages = staff_pages
    raw, english = _field_names()
    readers = {
        "cases": [personas.case_worker_a, personas.supervisor_a],
        "intake": [personas.intake_officer],
        "notifications": [personas.case_worker_a],
    }
    seen, slips, edit_links = set(), [], []
    for namespace, name, url in pages:
        for reader in readers[namespace]:
            log_in(client, reader)
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            assert "<html" not in html or '<html lang="id"' in html
            seen.add(f"{namespace}:{name}")
            slips += [(url, *slip) for slip in _slips(html, raw, english)]
            edit_links += [
                (url, href, text)
                for href, text in _edit_links(html)
                if not text.startswith(EDIT_VERB)
            ]
            break
    main = {
        "cases:detail",
        "cases:caseload",
        "cases:edit_case",
        "cases:edit_client",
        "cases:edit_incident",
        "cases:edit_perpetrator",
        "cases:edit_service",
        "cases:edit_sanction",
        "cases:plan",
        "intake:report",
        "notifications:list",
    }
    assert main <= seen, f"not checked: {sorted(main - seen)}"
    assert slips == []
    assert edit_links == []


def test_the_check_catches_a_raw_key_and_an_english_field_name():
    raw, english = _field_names()
    assert "gbv answers" in raw and "gbv_answers" in raw
    html = "<p>Jawaban (gbv answers)</p><p>Perpetrators: 2</p><script>gbv_answers</script>"
    with translation.override("id"):
        found = _slips(html, raw, english | {"perpetrators": "pelaku"})
    assert [key for key, _chunk in found] == ["gbv answers", "English for 'pelaku'"]
