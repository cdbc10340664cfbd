"""The three submit-once schemes of intake move to one table, core.SubmittedKey
(lindungi.core.once), and their old homes go.

Carried over, so that nothing acknowledged is lost across the upgrade:
- the intake API's stored answers (IdempotencyRecord with its answer) still within their
  24 hours, with their request hash: a retry still replays, another body is still refused;
- the public form's sendings that made a report (PublicSubmission) still within their day,
  with the reference and PIN, so a resent form still shows its receipt; they had no
  request hash, so the key answers any resending of that form, as before;
- the staff drafts' tokens (Report.draft_token), for an open form that posts with its token
  alone; from now on the form names its draft as well, so a token matters for 24 hours.
A claim without an answer (a crash of an old version) is not carried: its key is free.
"""

import json
from datetime import timedelta

from django.db import migrations
from django.utils import timezone

KEEP = timedelta(hours=24)


def carry_over(apps, schema_editor):
    SubmittedKey = apps.get_model("core", "SubmittedKey")
    IdempotencyRecord = apps.get_model("intake", "IdempotencyRecord")
    PublicSubmission = apps.get_model("intake", "PublicSubmission")
    Report = apps.get_model("intake", "Report")
    now = timezone.now()
    rows = []
    answered = IdempotencyRecord.objects.filter(
        status__isnull=False, created_at__gt=now - KEEP
    ).iterator()
    for record in answered:
        rows.append(
            SubmittedKey(
                scope="api.reports",
                owner=f"apikey:{record.api_key_id}",
                key=record.key,
                digest=record.request_hash,
                outcome=json.dumps({"status": record.status, "body": record.body}),
                created_at=record.created_at,
            )
        )
    sent = PublicSubmission.objects.filter(report__isnull=False, created_at__gt=now - KEEP)
    for submission in sent.select_related("report").iterator():
        rows.append(
            SubmittedKey(
                scope="lapor.form",
                owner="",
                key=submission.token,
                outcome=json.dumps(
                    {"reference": submission.report.reference, "pin": submission.pin}
                ),
                created_at=submission.created_at,
            )
        )
    drafts = Report.objects.filter(status="draft", draft_token__isnull=False)
    for report in drafts.exclude(received_by__isnull=True).iterator():
        rows.append(
            SubmittedKey(
                scope="intake.draft",
                owner=str(report.received_by_id),
                key=str(report.draft_token),
                outcome=json.dumps({"report": str(report.pk)}),
                created_at=now,
            )
        )
    SubmittedKey.objects.bulk_create(rows, batch_size=500)


def forget_sendings(apps, schema_editor):
    """Going back: the rate limit's rows cannot get the tokens they never had."""
    apps.get_model("intake", "PublicSubmission").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_submitted_key"),
        ("intake", "0006_status_attempts_per_reference_and_address"),
    ]

    operations = [
        # Irreversible in substance: going back, the old tables start empty.
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.RemoveField(model_name="publicsubmission", name="pin"),
        migrations.RemoveField(model_name="publicsubmission", name="report"),
        migrations.RemoveField(model_name="publicsubmission", name="token"),
        migrations.RemoveField(model_name="report", name="draft_token"),
        migrations.DeleteModel(name="IdempotencyRecord"),
        migrations.RunPython(migrations.RunPython.noop, forget_sendings),
    ]
