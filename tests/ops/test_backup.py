"""`lindungi backup` under write load, then `lindungi restore` into an empty database: the
app serves, the audit chain verifies, the attachment reads back to its checksum. On the
database the suite runs on (SQLite in `make test`, PostgreSQL in CI's second run), with
the commands run as an operator runs them: in their own processes, on their own data."""

import hashlib
import json
import subprocess
import sys

import pytest
from django.conf import settings

from tests.cases.test_attachments import minimal_pdf
from tests.deployments import ROOT, deployment, run

PDF = minimal_pdf()

# Run inside the deployment's own settings, with the data the snippets make.
MAKE_DATA = """
import django, hashlib, json
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from lindungi.cases.attachments import upload_attachment
from lindungi.places.loader import load_province
from tests.cases.factories import make_case
from tests.cases.test_attachments import minimal_pdf
from tests.personas import make_personas
load_province("31")
personas = make_personas()
case = make_case(personas, "a")
upload_attachment(personas.case_worker_a, case, SimpleUploadedFile("surat.pdf", minimal_pdf()))
"""
# Keeps writing reports (each one audited) until it is stopped; prints each reference.
WRITE_REPORTS = """
import django, sys
django.setup()
from lindungi.intake.actions import receive_public_report
while True:
    report, _pin = receive_public_report({"what_happened": "x"})
    print(report.reference, flush=True)
"""
CHECK_RESTORED = """
import django, hashlib, json
from django.conf import settings
django.setup()
# Pages name their hashed static files, which only collectstatic lists: not what is tested.
settings.STORAGES["staticfiles"]["BACKEND"] = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
from django.test import Client
from lindungi.cases.attachments import open_attachment
from lindungi.cases.models import Attachment
from lindungi.intake.models import Report
web = Client()
print(json.dumps({
    "health": web.get("/healthz").status_code,
    "report_form": web.get("/lapor/").status_code,
    "attachments": [
        hashlib.sha256(open_attachment(a)).hexdigest() for a in Attachment.objects.all()
    ],
    "references": sorted(Report.objects.values_list("reference", flat=True)),
}))
"""


@pytest.fixture(scope="module")
def source(tmp_path_factory, databases):
    """One deployment with a case and an attachment, read (never changed) by every test."""
    env = deployment(tmp_path_factory.mktemp("source"), "data", databases.migrated("source"))
    run(env, code=MAKE_DATA)
    return env


def backup_while_writing(env, directory):
    """The backup taken while another process keeps writing; returns the references the
    writer had acknowledged before the backup started."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITE_REPORTS],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        before = [writer.stdout.readline().strip() for _ in range(20)]
        run(env, "backup", str(directory))
        after = writer.stdout.readline().strip()
    finally:
        writer.kill()
        writer.wait()
    assert after, "the writer went on writing through the backup"
    return before


def test_a_backup_taken_under_writes_restores_into_an_empty_database(
    tmp_path, source, new_database
):
    backup = tmp_path / "backup"
    acknowledged = backup_while_writing(source, backup)
    manifest = json.loads((backup / "manifest.json").read_text())
    assert all(len(prints) == 1 for prints in manifest["keys"].values())
    assert "LINDUNGI_FIELD_KEYS" in manifest["keys"]
    # Keys are named by fingerprint only, never written into the backup.
    for secret in (*settings.FIELD_KEYS, settings.INDEX_KEY, settings.AUDIT_KEY):
        assert not any(
            secret.encode() in path.read_bytes() for path in backup.rglob("*") if path.is_file()
        )

    target = deployment(tmp_path, "target", new_database("target"))
    restored = run(target, "restore", str(backup))
    assert "audit" in restored.stdout.lower()
    assert run(target, "audit-verify").returncode == 0
    facts = json.loads(run(target, code=CHECK_RESTORED).stdout.splitlines()[-1])
    assert facts["health"] == 200 and facts["report_form"] == 200
    assert facts["attachments"] == [hashlib.sha256(PDF).hexdigest()]
    assert set(acknowledged) <= set(facts["references"])


def test_a_restore_refuses_a_target_that_is_not_empty(tmp_path, source):
    backup = tmp_path / "backup"
    run(source, "backup", str(backup))
    again = run(source, "restore", str(backup), check=False)
    assert again.returncode == 1
    assert "basis data yang kosong" in again.stderr  # the deployment speaks Indonesian
    assert run(source, "audit-verify").returncode == 0


def test_a_restore_refuses_a_damaged_backup_and_changes_nothing(tmp_path, source, new_database):
    backup = tmp_path / "backup"
    run(source, "backup", str(backup))
    dump = next(path for path in backup.iterdir() if path.name.startswith("database."))
    damaged = bytearray(dump.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    dump.write_bytes(bytes(damaged))
    target = deployment(tmp_path, "target", new_database("target"))
    refused = run(target, "restore", str(backup), check=False)
    assert refused.returncode == 1 and "checksum" in refused.stderr
    assert not (tmp_path / "target" / "files").exists()


def test_a_restore_names_the_keys_it_lacks_and_restores_nothing(tmp_path, source, new_database):
    backup = tmp_path / "backup"
    run(source, "backup", str(backup))
    other_key = "b3RoZXItYXVkaXQta2V5LTAwMDAwMDAwMDAwMDAwMDA="
    target = deployment(tmp_path, "target", new_database("target"), LINDUNGI_AUDIT_KEY=other_key)
    refused = run(target, "restore", str(backup), check=False)
    assert refused.returncode == 1
    assert "LINDUNGI_AUDIT_KEY" in refused.stderr
    assert "LINDUNGI_FIELD_KEYS" not in refused.stderr
    assert run(target, "showmigrations", "audit").stdout.count("[X]") == 0


def test_a_backup_goes_only_into_a_new_or_empty_directory(tmp_path, source):
    backup = tmp_path / "backup"
    backup.mkdir()
    (backup / "notes.txt").write_text("kept")
    refused = run(source, "backup", str(backup), check=False)
    assert refused.returncode == 1 and "tidak kosong" in refused.stderr
    assert [path.name for path in backup.iterdir()] == ["notes.txt"]
