"""Case work moved from the cases app to its own (cases.0010_move_casework,
casework.0001_initial, casework.0002_rename_tables): rows written by the code before the
move are all there after it, with the same ids, foreign keys and stored ciphertexts, and
read back as the same text through the case-work models."""

from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone

from lindungi.cases import actions
from lindungi.cases.models import Attachment
from lindungi.casework.models import CaseNote, Closure, SanctionTrack, Task
from lindungi.core.fields import encrypted_fields
from lindungi.core.rotation import raw_column
from tests.browser.marks import commits
from tests.cases.factories import make_case
from tests.migrations import migrate, models_at

# Before the move: the cases app at its last migration with case work, no case-work app.
LAST_WITH_CASEWORK = ("cases", "0009_encrypt_free_text")
BEFORE = [LAST_WITH_CASEWORK, ("casework", None)]
MOVED = [
    "Approval",
    "Assessment",
    "CaseNote",
    "Closure",
    "PlannedService",
    "PoliceReport",
    "SanctionTrack",
    "ServicePlan",
    "Task",
]


def write_old_rows(old, case, perpetrator, worker, supervisor):
    """One row of every moved model (two notes, one correcting the other), every encrypted
    field filled, through the models as they were in the cases app."""
    now = timezone.now()

    def make(name, **values):
        return old.get_model("cases", name).objects.create(**values)

    approval = make(
        "Approval",
        case_id=case.pk,
        subject="closure",
        requested_by_id=worker.pk,
        request_comment="Mohon persetujuan penutupan",
        decided_by_id=supervisor.pk,
        decided_at=now,
        decision="approved",
        decision_comment="Disetujui, kebutuhan terpenuhi",
    )
    note = make("CaseNote", case_id=case.pk, author_id=worker.pk, body="Kunjungan rumah")
    track = make(
        "SanctionTrack",
        case_id=case.pk,
        perpetrator_id=perpetrator.pk,
        agency="Kelurahan Tebet Timur",
        notified_how="Surat resmi",
        notes="Menunggu keputusan",
    )
    rows = [
        approval,
        note,
        track,
        make(
            "CaseNote",
            case_id=case.pk,
            author_id=worker.pk,
            body="Koreksi: kunjungan kantor",
            corrects_id=note.pk,
        ),
        make(
            "Assessment",
            case_id=case.pk,
            kind="risk",
            number=1,
            author_id=worker.pk,
            answers={"weapon": True},
            level="high",
            override_level="medium",
            override_reason="Pelaku sudah pindah kota",
            summary="Ringkasan penilaian",
        ),
        make("ServicePlan", case_id=case.pk, goals="Ingin aman dan bekerja lagi"),
        make(
            "PlannedService",
            case_id=case.pk,
            type="legal_aid",
            provider_name="LBH APIK",
            due_on=date(2026, 12, 20),
            outcome="Pendampingan di kepolisian",
        ),
        make(
            "Task",
            case_id=case.pk,
            assignee_id=worker.pk,
            created_by_id=supervisor.pk,
            title="Telepon kakak Siti",
            due_at=now + timedelta(days=1),
        ),
        make(
            "PoliceReport",
            case_id=case.pk,
            due_at=now + timedelta(hours=72),
            police_reference="LP/B/123/XII/2026",
            not_reported_reason="Belum ada persetujuan",
        ),
        make(
            "Closure",
            case_id=case.pk,
            reason="needs_met",
            summary="Kebutuhan terpenuhi",
            open_services_reason="Layanan hukum berlanjut",
            approval_id=approval.pk,
            by_id=worker.pk,
        ),
    ]
    document = old.get_model("cases", "Attachment").objects.create(
        case_id=case.pk,
        uploaded_by_id=worker.pk,
        original_name="surat.pdf",
        content_type="application/pdf",
        size=1,
        storage_name="a" * 64,
        sha256="0" * 64,
        sanction_id=track.pk,
    )
    return rows, document


def stored(model):
    """Every row of ``model`` as the database holds it: plain columns as read, encrypted
    ones as their raw ciphertext (no decryption), by id."""
    fields = [field for field in model._meta.concrete_fields if field.name != "id"]
    secret = {field.name for field in encrypted_fields(model)}
    rows = models.QuerySet(model).annotate(
        **{f"raw_{name}": raw_column(model._meta.get_field(name)) for name in secret}
    )
    names = {f.attname: f"raw_{f.name}" if f.name in secret else f.attname for f in fields}
    return {
        row["pk"]: {attname: row[name] for attname, name in names.items()}
        for row in rows.values("pk", *names.values())
    }


def test_no_moved_column_has_blind_index_tokens_keyed_by_its_label(db):
    """Blind-index digests and tokens name their column by model label (``cases.client.name``):
    a searchable column moved to case work would need its tokens re-keyed. None is."""
    for name in MOVED:
        model = Task._meta.apps.get_model("casework", name)
        assert [f.name for f in encrypted_fields(model) if f.search] == [], name


@commits
def test_every_row_of_case_work_survives_the_move(personas):
    worker, supervisor = personas.case_worker_a, personas.supervisor_a
    case = make_case(personas)
    perpetrator = actions.add_perpetrator(worker, case.incidents.get(), {"relationship": "lainnya"})
    task_type = ContentType.objects.get_for_model(Task).pk
    try:
        migrate(BEFORE)
        old = models_at(LAST_WITH_CASEWORK)
        written, document = write_old_rows(old, case, perpetrator, worker, supervisor)
        before = {name: stored(old.get_model("cases", name)) for name in MOVED}
    finally:
        migrate()

    for name in MOVED:
        model = old.get_model("cases", name)
        new = Task._meta.apps.get_model("casework", name)
        assert new._meta.db_table == f"casework_{name.lower()}"
        # The same ids, the same foreign keys and plain columns, the same ciphertexts.
        assert stored(new) == before[name], name
        assert before[name], name
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
        assert model._meta.db_table not in tables
    # Every encrypted value written under the cases app reads the same under case work.
    for row in written:
        new = Task._meta.apps.get_model("casework", type(row).__name__)
        again = new.objects.get(pk=row.pk)
        for field in encrypted_fields(new):
            assert getattr(again, field.name) == getattr(row, field.name), field.name
    # Foreign keys across the move still join: the note's correction, the closure's
    # approval, the attachment's sanction track, the case's reverse relations.
    correction = CaseNote.objects.exclude(corrects=None).get()
    assert correction.corrects.body == "Kunjungan rumah"
    assert Closure.objects.get().approval.decision_comment == "Disetujui, kebutuhan terpenuhi"
    assert Attachment.objects.get(pk=document.pk).sanction.agency == "Kelurahan Tebet Timur"
    assert SanctionTrack.objects.get().perpetrator_id == perpetrator.pk
    assert case.tasks.get().title == "Telepon kakak Siti"
    # The content type kept its id (permissions and admin history point to it).
    assert ContentType.objects.get_for_model(Task).pk == task_type
    assert ContentType.objects.filter(app_label="cases", model="task").count() == 0
