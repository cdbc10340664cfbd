"""Former partners, intimate partner violence derived from the relationship, and the
removal of an attachment by a supervisor.

The perpetrator's "intimate partner" box goes; its facts move into the relationship:

- "pacar/teman" splits into boyfriend/girlfriend (box ticked) and friend (not ticked);
- any other relationship with the box ticked becomes "former partner". The box read
  "current or former intimate partner", and a current husband or boyfriend had a place of
  his own on the list, which the worker chose instead; a former partner had none, so the
  box was the only way to say it. The code it replaces is kept on the case's timeline
  (an entry "perpetrator updated: relationship", with the previous code), so that nothing
  recorded is lost and the case worker sees the change;
- husband/wife stays: the box was always ticked for it.

Timeline entries that named the box as a changed field now name the relationship.
The incidents' stored context flags stay as they are: every perpetrator who counted as a
partner still does, and no other does.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

import lindungi.core.fields

PARTNERS = {"suami_istri", "pacar", "mantan_pasangan"}
BATCH = 2000


def _events(CaseEvent, alias):
    return CaseEvent.objects.using(alias).filter(
        kind__in=["perpetrator_added", "perpetrator_updated"]
    )


def relationship_from_box(apps, schema_editor):
    alias = schema_editor.connection.alias
    Perpetrator = apps.get_model("cases", "Perpetrator")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    perpetrators = Perpetrator.objects.using(alias)
    perpetrators.filter(relationship="pacar_teman", intimate_partner=True).update(
        relationship="pacar"
    )
    perpetrators.filter(relationship="pacar_teman").update(relationship="teman")
    former = perpetrators.filter(intimate_partner=True).exclude(relationship__in=PARTNERS)
    now = timezone.now()
    events = [
        CaseEvent(
            case_id=case_id,
            at=now,
            actor=None,
            kind="perpetrator_updated",
            detail={
                "fields": ["relationship"],
                "perpetrator": str(pk),
                "previous_relationship": previous,
            },
        )
        for pk, case_id, previous in former.values_list("pk", "incident__case_id", "relationship")
    ]
    CaseEvent.objects.using(alias).bulk_create(events, batch_size=BATCH)
    former.update(relationship="mantan_pasangan")
    renamed = []
    for event in _events(CaseEvent, alias).iterator(chunk_size=BATCH):
        fields = event.detail.get("fields") if isinstance(event.detail, dict) else None
        if isinstance(fields, list) and "intimate_partner" in fields:
            names = {"relationship" if name == "intimate_partner" else name for name in fields}
            event.detail = {**event.detail, "fields": sorted(names)}
            renamed.append(event)
    CaseEvent.objects.using(alias).bulk_update(renamed, ["detail"], batch_size=BATCH)


def box_from_relationship(apps, schema_editor):
    """Back to the box: as close as the old list allows (a former partner without the code
    it replaced becomes "other")."""
    alias = schema_editor.connection.alias
    Perpetrator = apps.get_model("cases", "Perpetrator")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    perpetrators = Perpetrator.objects.using(alias)
    perpetrators.filter(relationship__in=PARTNERS).update(intimate_partner=True)
    previous = {}
    for detail in _events(CaseEvent, alias).values_list("detail", flat=True):
        if isinstance(detail, dict) and detail.get("previous_relationship"):
            previous[detail["perpetrator"]] = detail["previous_relationship"]
    for perpetrator in perpetrators.filter(relationship="mantan_pasangan"):
        perpetrator.relationship = previous.get(str(perpetrator.pk), "lainnya")
        perpetrator.save(update_fields=["relationship"])
    perpetrators.filter(relationship__in=["pacar", "teman"]).update(relationship="pacar_teman")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_timeline_words"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="perpetrator",
            name="relationship",
            field=models.CharField(
                choices=[
                    ("orang_tua", "Parent"),
                    ("keluarga", "Family / relative"),
                    ("suami_istri", "Husband / wife"),
                    ("pacar", "Boyfriend / girlfriend"),
                    ("mantan_pasangan", "Former husband, wife, boyfriend or girlfriend"),
                    ("teman", "Friend"),
                    ("tetangga", "Neighbour"),
                    ("guru", "Teacher"),
                    ("majikan", "Employer"),
                    ("rekan_kerja", "Co-worker"),
                    ("lainnya", "Other"),
                    ("tidak_diketahui", "Not known"),
                ],
                max_length=16,
                verbose_name="relationship to the survivor",
            ),
        ),
        migrations.RunPython(relationship_from_box, box_from_relationship),
        migrations.RemoveField(
            model_name="perpetrator",
            name="intimate_partner",
        ),
        migrations.AddField(
            model_name="attachment",
            name="removal_reason",
            field=lindungi.core.fields.EncryptedTextField(
                blank=True, verbose_name="reason for removal"
            ),
        ),
        migrations.AddField(
            model_name="attachment",
            name="removed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="removed"),
        ),
        migrations.AddField(
            model_name="attachment",
            name="removed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="removed by",
            ),
        ),
    ]
