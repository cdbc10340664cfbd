"""The row-level export (issue 16): one row per survivor of the cases a unit's supervisor
supervises, de-identified unless names are asked for, and then only in an AES zip whose
password is shown once; written by the worker, downloaded by its requester only, until it
expires; every file in the audit trail with its columns and row count."""

import csv
import io
import uuid
from datetime import timedelta

import pytest
import pyzipper
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lindungi.audit.models import AuditEvent
from lindungi.stats import row_exports
from lindungi.stats.exports.files import BOM
from lindungi.stats.models import ExportStatus, RowExport
from tests.login import log_in
from tests.stats.world import new_case

pytestmark = pytest.mark.django_db
NAME = "Canary Survivor Name"


@pytest.fixture(scope="module")
def world(module_personas):
    cases = [new_case(module_personas, survivors=2) for _n in range(2)]
    other = new_case(module_personas, unit="b")
    return module_personas, cases, other


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.STATS_EXPORT_DIR = tmp_path / "exports"
    return settings.STATS_EXPORT_DIR


def _client(user):
    client = Client()
    log_in(client, user)
    return client


def _ask(client, **data):
    response = client.post(reverse("stats:row_exports"), {"form_token": uuid.uuid4(), **data})
    assert response.status_code == 200
    export = RowExport.objects.latest("created_at")
    assert row_exports.write_next() == 1
    export.refresh_from_db()
    return response, export


def _sheet(body):
    return list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))


def _csv(body):
    text = body.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(BOM))))


def test_a_de_identified_csv_has_a_row_per_survivor_of_the_supervised_cases(world):
    personas, cases, other = world
    client = _client(personas.supervisor_a)
    response, export = _ask(client, format="csv")
    assert "export-password" not in response.content.decode()
    assert export.status == ExportStatus.READY and export.rows_done == 4 and not export.password
    page = client.get(reverse("stats:row_exports")).content.decode()
    assert reverse("stats:row_export_file", args=[export.pk]) in page
    download = client.get(reverse("stats:row_export_file", args=[export.pk]))
    rows = _csv(b"".join(download.streaming_content))
    assert rows[0][:4] == ["Survivor code", "Sex", "Age at the incident", "Kota"]
    codes = sorted(row[0] for row in rows[1:])
    assert codes == sorted(f"{c.survivor_code}/{n}" for c in cases for n in (1, 2))
    assert other.survivor_code not in str(rows)
    assert rows[1][1:6] == ["female", "25-44", "31.71", "31.71.01", "open"]
    assert NAME not in str(rows)
    event = AuditEvent.objects.get(action="data.export", object_id=str(export.pk))
    assert event.reason == "rows=4" and "survivor_code" in event.fields
    assert "name" not in event.fields and event.actor_id == personas.supervisor_a.pk


def test_names_come_only_in_an_aes_zip_under_the_password_shown_once(world):
    personas, _cases, _other = world
    client = _client(personas.supervisor_a)
    response, export = _ask(client, format="csv", with_names="on")
    password = response.context["password"]
    assert len(password) >= 20 and password in response.content.decode()
    assert password not in client.get(reverse("stats:row_exports")).content.decode()
    assert RowExport.objects.get(pk=export.pk).password == ""
    download = client.get(reverse("stats:row_export_file", args=[export.pk]))
    body = b"".join(download.streaming_content)
    assert NAME.encode() not in body
    with pyzipper.AESZipFile(io.BytesIO(body)) as archive:
        (entry,) = archive.infolist()
        assert entry.flag_bits & 1  # encrypted
        with pytest.raises(RuntimeError):
            archive.read(entry.filename)
        archive.setpassword(password.encode())
        rows = _csv(archive.read(entry.filename))
    assert rows[0][:2] == ["Survivor code", "Name"] and len(rows) == 5
    assert {row[1] for row in rows[1:]} == {NAME}
    event = AuditEvent.objects.get(action="data.export", object_id=str(export.pk))
    assert "name" in event.fields and event.reason == "rows=4"


def test_a_spreadsheet_with_names_comes_only_inside_the_aes_zip(world, export_dir):
    """Our XLSX writer keeps no temporary file: the workbook streams into the zip, and the
    export directory only ever holds the encrypted file."""
    personas, _cases, _other = world
    client = _client(personas.supervisor_a)
    _response, plain = _ask(client, format="xlsx")
    download = client.get(reverse("stats:row_export_file", args=[plain.pk]))
    rows = _sheet(b"".join(download.streaming_content))
    assert "Name" not in rows[0] and len(rows) == 5
    assert NAME not in {cell for row in rows for cell in row}
    response, export = _ask(client, format="xlsx", with_names="on")
    password = response.context["password"]
    assert sorted(p.name for p in export_dir.iterdir()) == sorted(
        [plain.file_name, export.file_name]
    )
    download = client.get(reverse("stats:row_export_file", args=[export.pk]))
    assert download["Content-Disposition"].endswith('.zip"')
    body = b"".join(download.streaming_content)
    assert NAME.encode() not in body
    with pyzipper.AESZipFile(io.BytesIO(body)) as archive:
        (entry,) = archive.infolist()
        assert entry.filename.endswith(".xlsx") and entry.flag_bits & 1
        archive.setpassword(b"not the password")
        with pytest.raises(RuntimeError):
            archive.read(entry.filename)
        archive.setpassword(password.encode())
        rows = _sheet(archive.read(entry.filename))
    assert rows[0][:2] == ("Survivor code", "Name") and len(rows) == 5
    assert {row[1] for row in rows[1:]} == {NAME}


def test_an_export_its_worker_left_half_written_is_written_again(world):
    personas, _cases, _other = world
    client = _client(personas.supervisor_a)
    client.post(reverse("stats:row_exports"), {"format": "csv", "form_token": uuid.uuid4()})
    # A worker claims it and is killed with half a file written.
    left = row_exports._claim()
    half = row_exports.path_of(left)
    half.parent.mkdir(parents=True, exist_ok=True)
    half.write_bytes(b"half a file")
    assert row_exports.write_next() == 0  # its writer may still be at work
    silent = timezone.now() - row_exports.SILENT - timedelta(seconds=1)
    RowExport.objects.filter(pk=left.pk).update(updated_at=silent)
    assert row_exports.write_next() == 1
    export = RowExport.objects.get(pk=left.pk)
    assert export.status == ExportStatus.READY and export.rows_done == 4
    assert not half.exists() and row_exports.path_of(export).exists()
    assert AuditEvent.objects.filter(action="data.export", object_id=str(export.pk)).count() == 1


def test_only_the_requester_reaches_an_export_and_only_until_it_expires(world):
    personas, _cases, _other = world
    owner = _client(personas.supervisor_a)
    _response, export = _ask(owner, format="csv")
    other = _client(personas.supervisor_b)
    for route in ("stats:row_export", "stats:row_export_file"):
        url = reverse(route, args=[export.pk])
        assert owner.get(url).status_code == 200
        assert other.get(url).status_code == 404
    for user in (personas.analyst, personas.case_worker_a, personas.administrator):
        client = _client(user)
        assert client.get(reverse("stats:row_exports")).status_code == 404
        asked = {"format": "csv", "form_token": uuid.uuid4()}
        assert client.post(reverse("stats:row_exports"), asked).status_code == 404
    path = row_exports.path_of(export)
    assert path.exists()
    # Its time is up (moved on the row: the clock would end the owner's session too).
    RowExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert owner.get(reverse("stats:row_export_file", args=[export.pk])).status_code == 404
    assert row_exports.delete_expired() == 1
    assert not path.exists()
    assert RowExport.objects.get(pk=export.pk).status == ExportStatus.EXPIRED


def test_the_page_polls_while_the_worker_writes(world):
    personas, _cases, _other = world
    client = _client(personas.supervisor_a)
    asked = {"format": "csv", "form_token": uuid.uuid4()}
    client.post(reverse("stats:row_exports"), asked)
    # A resent form (a double click) asks once.
    again = client.post(reverse("stats:row_exports"), asked)
    assert "already asked for" in again.content.decode()
    assert RowExport.objects.filter(requested_by=personas.supervisor_a).count() == 1
    export = RowExport.objects.latest("created_at")
    line = client.get(reverse("stats:row_export", args=[export.pk]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in line.content.decode()
    assert line.content.decode().lstrip().startswith("<li")
    row_exports.write_next()
    line = client.get(reverse("stats:row_export", args=[export.pk]), HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in line.content.decode() and "download" in line.content.decode()


def test_a_cell_a_spreadsheet_would_run_is_written_as_text(tmp_path):
    from lindungi.stats.exports.files import write_csv

    out = io.StringIO(newline="")
    write_csv(out, ["a"], [["=HYPERLINK(1)"], ["+1"], ["-1"], ["@x"], ["\tx"], ["\rx"], [5]])
    values = [row[0] for row in _csv(out.getvalue().encode())[1:]]
    assert values == ["'=HYPERLINK(1)", "'+1", "'-1", "'@x", "'\tx", "'\rx", "5"]


def test_the_command_writes_the_same_export(world, tmp_path, capsys):
    personas, _cases, _other = world
    target = tmp_path / "out.zip"
    call_command("stats-export", personas.supervisor_a.email, output=str(target), names=True)
    printed = capsys.readouterr().out
    password = printed.rsplit(": ", 1)[1].strip()
    with pyzipper.AESZipFile(target) as archive:
        archive.setpassword(password.encode())
        rows = _csv(archive.read(archive.namelist()[0]))
    assert len(rows) == 5 and rows[1][1] == NAME
    export = RowExport.objects.latest("created_at")
    assert export.status == ExportStatus.DELIVERED and export.password == ""
    assert AuditEvent.objects.filter(action="data.export", object_id=str(export.pk)).exists()
    assert timezone.now() >= export.finished_at
