"""The case timeline reads like a case file: what happened, to what, by whom, with only the
fields that really changed; every kind of entry has its words; break-glass uses show on the
owning unit's timeline and alert those who answer for the case."""

import ast
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst

from lindungi.accounts.roles import Role
from lindungi.cases import actions
from lindungi.cases.actions import _apply
from lindungi.cases.models import CaseEvent, Incident
from lindungi.cases.timeline import EventKind
from lindungi.casework import actions as work
from lindungi.casework.actions.plan import _validate_service
from lindungi.casework.models import PlannedService
from lindungi.notifications.models import Kind, Notification
from tests.cases.factories import make_case
from tests.cases.timeline_fixtures import BREAK_GLASS_REASON, case_with_every_event, colleague
from tests.html_forms import read_forms
from tests.login import log_in
from tests.page_text import list_items, visible_text

SOURCE = Path(__file__).resolve().parents[2] / "lindungi"


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # attachments of these cases


def timeline(client, case):
    return list_items(
        client.get(reverse("cases:detail", args=[case.pk])).content.decode(), "timeline"
    )


# --- Every kind has its words -------------------------------------------------------------


def test_every_kind_of_entry_has_its_own_words_in_indonesian_and_english():
    labels = {}
    for language in ("en", "id"):
        with translation.override(language):
            labels[language] = [str(kind.label) for kind in EventKind]
    assert len(set(labels["en"])) == len(EventKind)  # no two kinds read the same
    untranslated = [en for en, id_ in zip(labels["en"], labels["id"], strict=True) if en == id_]
    assert untranslated == []


def test_an_entry_of_a_kind_without_words_cannot_be_written(personas):
    case = make_case(personas)
    with pytest.raises(ValueError, match="EventKind"):
        CaseEvent.objects.create(case=case, at=timezone.now(), kind="mystery")
    with pytest.raises(ValueError, match="EventKind"):
        CaseEvent.objects.bulk_create([CaseEvent(case=case, at=timezone.now(), kind="mystery")])


def _kind_arguments():
    """Every expression the code passes as the kind of a timeline entry."""
    positions = {"_log": 5, "_event": 2}
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "create":  # CaseEvent.objects.create(...)
                name = ast.unparse(node.func).removesuffix(".objects.create")
            kinds = [kw.value for kw in node.keywords if kw.arg == "kind"]
            if name in positions and len(node.args) > positions[name]:
                kinds.append(node.args[positions[name]])
            if name in positions or name == "CaseEvent":
                yield from ((path, kind) for kind in kinds)


def test_the_code_names_every_kind_it_writes_from_the_registry_never_as_bare_text():
    found = list(_kind_arguments())
    assert len(found) > 25  # the scan sees the actions' entries
    bare = [
        f"{path.relative_to(SOURCE)}:{kind.lineno}"
        for path, kind in found
        if isinstance(kind, ast.Constant | ast.JoinedStr)
    ]
    assert bare == []


def test_a_case_that_went_through_everything_shows_each_entry_in_words(client, personas):
    case = case_with_every_event(personas)
    log_in(client, personas.case_worker_a)
    lines = timeline(client, case)
    assert len(lines) == case.events.count()
    text = "\n".join(lines)
    for kind in EventKind:
        assert str(kind.label) in text
    assert "_" not in text  # no code shows for a word
    # The entries hold names of fields, codes and ids: nothing anyone typed.
    details = str(list(case.events.values_list("detail", flat=True)))
    for typed in ("Siti", "Canary", "RSUD", "Aman", "Polisi", "Tebet", "Ring the shelter"):
        assert typed not in details


# --- Only what really changed -------------------------------------------------------------


def test_a_value_posted_as_it_is_stored_is_no_change(personas):
    case = make_case(personas)
    service = work.add_service(
        personas.case_worker_a,
        case,
        {"type": "health", "provider_name": "RSUD", "due_on": timezone.localdate()},
    )
    stored = PlannedService.objects.get(pk=service.pk)
    same = {
        "type": "health",
        "provider_unit": None,
        "provider_name": "RSUD",
        "due_on": stored.due_on,
        "status": stored.status,
        "done_on": None,
        "outcome": "",  # stored empty: empty text and no value are the same
    }
    assert _apply(stored, same) == []
    # Validation that turns a value back into the stored one (stripping) leaves no change.
    assert _apply(stored, {"outcome": "   "}, _validate_service) == []
    assert _apply(stored, {"provider_name": "RSUD Tebet"}) == ["provider_name"]


def test_codes_posted_in_another_order_are_no_change(personas):
    case = make_case(personas)
    survivor = case.clients.get()
    survivor = actions.update_client(
        personas.case_worker_a, survivor, survivor.version, {"accommodations": ["sign", "easy"]}
    )
    before = case.events.count()
    actions.update_client(
        personas.case_worker_a, survivor, survivor.version, {"accommodations": ["easy", "sign"]}
    )
    assert case.events.count() == before


def test_an_edit_of_one_field_lists_that_field_alone(client, personas):
    case = make_case(personas)
    incident = case.incidents.get()
    page = reverse("cases:edit_incident", args=[incident.pk])
    log_in(client, personas.case_worker_a)
    (form,) = (f for f in read_forms(client.get(page).content.decode()) if f.posts_to(page))
    data = {**form.data(), "abducted": "on"}
    assert client.post(page, data).status_code == 302
    entry = case.events.latest("at", "id")
    assert entry.kind == EventKind.INCIDENT_UPDATED and entry.detail["fields"] == ["abducted"]
    label = capfirst(Incident._meta.get_field("abducted").verbose_name)
    assert timeline(client, case)[-1].endswith(f"by Case Worker A ({label})")


# --- Break-glass --------------------------------------------------------------------------


@pytest.fixture
def broken_into(personas):
    case = make_case(personas, "a", restricted=True)
    second = colleague(personas.unit_a, Role.SUPERVISOR, "second supervisor")
    actions.restrict_case(personas.supervisor_a, case, case.restriction_reason)  # names them
    grant = actions.break_glass(personas.supervisor_b, case, BREAK_GLASS_REASON)
    return case, grant, second


def test_a_break_glass_use_shows_on_the_owning_units_timeline_with_who_and_why(
    client, personas, broken_into
):
    case, grant, _second = broken_into
    log_in(client, personas.case_worker_a)
    last = timeline(client, case)[-1]
    assert "Case opened by break-glass access" in last
    assert personas.supervisor_b.display_name in last and BREAK_GLASS_REASON in last
    event = case.events.get(kind=EventKind.BREAK_GLASS_USED)
    assert event.actor == personas.supervisor_b
    assert event.detail == {"break_glass": str(grant.pk)}  # the reason stays on the grant


def test_the_owning_units_supervisors_and_the_cases_workers_are_alerted_at_once(
    client, personas, broken_into
):
    case, _grant, second = broken_into
    alerted = set(
        Notification.objects.filter(kind=Kind.BREAK_GLASS_ON_CASE, case=case).values_list(
            "user", flat=True
        )
    )
    assert alerted == {personas.supervisor_a.pk, second.pk, personas.case_worker_a.pk}
    log_in(client, personas.case_worker_a)
    page = client.get(reverse("notifications:list")).content.decode()
    text = " ".join(visible_text(page))
    assert "opened a case of yours by break-glass access" in text
    assert f"{personas.supervisor_b.display_name} opened the case on" in text
    assert BREAK_GLASS_REASON in text
    assert "Siti" not in text and "Canary" not in text  # nothing of what was read


def test_the_break_glass_user_is_not_alerted_about_their_own_use(personas, broken_into):
    assert not Notification.objects.filter(user=personas.supervisor_b).exists()


def test_the_review_of_a_break_glass_use_shows_on_the_timeline(client, personas, broken_into):
    case, grant, _second = broken_into
    reviewer = colleague(personas.unit_b, Role.SUPERVISOR, "reviewer")
    actions.review_break_glass(reviewer, grant, "Justified")
    log_in(client, personas.supervisor_a)
    last = timeline(client, case)[-1]
    assert "Break-glass access reviewed" in last and "Reviewer" in last


# --- The story of one case, in both languages --------------------------------------------

STORY = {
    "en": [
        "Case opened",
        "Person added",
        "Incident added",
        "Case updated by Case Worker A (Priority)",
        "Service added to the plan: Health",
        "Service done: Health",
        "Service plan written",
        "Approval of the service plan asked for",
        "Service plan approved by Supervisor A",
        "Approval of the closure asked for",
        "Closure approved by Supervisor A",
        "Case closed: Needs met",
        "Case reopened",
        "Case opened by break-glass access",
    ],
    "id": [
        "Kasus dibuka",
        "Orang ditambahkan",
        "Kejadian ditambahkan",
        "Kasus diperbarui oleh Case Worker A (Prioritas)",
        "Layanan ditambahkan ke rencana: Kesehatan",
        "Layanan selesai: Kesehatan",
        "Rencana layanan ditulis",
        "Persetujuan rencana layanan diminta",
        "Rencana layanan disetujui oleh Supervisor A",
        "Persetujuan penutupan kasus diminta",
        "Penutupan kasus disetujui oleh Supervisor A",
        "Kasus ditutup: Kebutuhan telah terpenuhi",
        "Kasus dibuka kembali",
        "Kasus dibuka dengan akses darurat",
    ],
}


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_timeline_tells_a_case_from_opening_to_break_glass_in_order(client, personas, language):
    worker, supervisor = personas.case_worker_a, personas.supervisor_a
    today = timezone.localdate()
    case = make_case(personas)
    actions.update_case(worker, case, case.version, {"priority": "high"})
    service = work.add_service(
        worker, case, {"type": "health", "provider_name": "RSUD Tebet", "due_on": today}
    )
    work.update_service(worker, service, service.version, {"status": "done", "done_on": today})
    work.save_plan(worker, case, 1, "Aman di rumah keluarga")
    work.decide_approval(supervisor, work.request_approval(worker, case, "plan"), "approved")
    closure = work.request_closure(worker, case, "needs_met", "Safe, working again")
    work.decide_approval(supervisor, closure.approval, "approved")
    case.refresh_from_db()
    work.reopen_case(worker, case, "She called again")
    actions.break_glass(personas.supervisor_b, case, BREAK_GLASS_REASON)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    log_in(client, worker)
    lines = timeline(client, case)
    expected = STORY[language]
    assert len(lines) == len(expected)
    for line, words in zip(lines, expected, strict=True):
        assert words in line, (line, words)
    edit = lines[3]
    assert edit.endswith("(Priority)" if language == "en" else "(Prioritas)")
    assert "Status" not in edit  # only the field that changed


def test_a_new_record_lists_only_the_fields_it_was_given(personas):
    case = make_case(personas)
    added = case.events.get(kind=EventKind.CLIENT_ADDED)
    assert added.detail["fields"] == sorted(
        ["role", "name", "phone", "nik", "birth_date", "sex", "kelurahan"]
    )
    incident = case.events.get(kind=EventKind.INCIDENT_ADDED)
    assert "abducted" not in incident.detail["fields"]  # given as an unticked box


def test_entries_written_before_the_split_say_what_they_were_about(personas):
    from django.apps import apps as django_apps

    migration = import_module("lindungi.cases.migrations.0006_timeline_words")
    case = make_case(personas)
    old = {
        ("approval_requested", "closure"): "closure_requested",
        ("approval_approved", "plan"): "plan_approved",
        ("assessment_added", "risk"): "assessment_added",
    }
    rows = {}
    for kind, subject in old:
        event = CaseEvent.objects.create(case=case, at=timezone.now(), kind=EventKind.OPENED)
        CaseEvent.objects.filter(pk=event.pk).update(kind=kind, detail={"fields": [subject]})
        rows[kind, subject] = event.pk
    migration.split_kinds(django_apps, None)
    for (kind, subject), pk in rows.items():
        event = CaseEvent.objects.get(pk=pk)
        assert event.kind == old[kind, subject]
        assert event.detail["fields"] == []
    assert CaseEvent.objects.get(pk=rows["assessment_added", "risk"]).detail["assessment"] == "risk"
