"""One consent record, last step: every consent intake recorded (``IntakeConsent``) is
carried into the consent records, then its table goes:
- one the referrals app had already made records of (the same case, purpose and time, by
  the intake form) is those records: they gain the report it came from;
- any other becomes a record of its purpose for each survivor of the case (the case itself
  if it has none), the first keeping its id; a consent refused is a record withdrawn the
  moment it was given, so it is never in force.
Who gave it keeps its meaning: "not known" becomes "someone else", as the records say for
every reporter who is not the survivor. Intake kept no names, so nothing is encrypted here.
"""

import uuid

from django.db import migrations

PURPOSE = {"contact": "contact", "services": "services"}
CATEGORIES = {"contact": ["contact"], "services": []}
GIVEN_BY = {"survivor": "survivor", "other": "other", "unknown": "other"}


def _carry_intake_consents(apps, schema_editor):
    db = schema_editor.connection.alias
    old = apps.get_model("cases", "IntakeConsent").objects.using(db)
    records = apps.get_model("cases", "Consent").objects.using(db)
    clients = apps.get_model("cases", "Client").objects.using(db)
    for row in old.order_by("given_at", "created_at"):
        same = records.filter(
            case_id=row.case_id,
            purpose=PURPOSE[row.kind],
            how="intake_form",
            given_at=row.given_at,
            report__isnull=True,
        )
        if same.exists():
            same.update(report_id=row.report_id)
            continue
        survivors = list(
            clients.filter(case_id=row.case_id, role="survivor")
            .order_by("created_at")
            .values_list("pk", flat=True)
        ) or [None]
        for index, client_id in enumerate(survivors):
            records.create(
                id=row.pk if index == 0 else uuid.uuid4(),
                case_id=row.case_id,
                client_id=client_id,
                purpose=PURPOSE[row.kind],
                categories=CATEGORIES[row.kind],
                given_by=GIVEN_BY[row.given_by],
                how="intake_form",
                given_at=row.given_at,
                recorded_by_id=row.recorded_by_id,
                report_id=row.report_id,
                withdrawn_at=None if row.given else row.given_at,
            )


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0013_consent_table'),
    ]

    operations = [
        # Backwards, the records stay records (the intake consents' table comes back empty).
        migrations.RunPython(_carry_intake_consents, migrations.RunPython.noop),
        migrations.DeleteModel(
            name='IntakeConsent',
        ),
    ]
