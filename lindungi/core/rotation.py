"""Re-encrypt stored personal data under the current field key (``lindungi rotate-keys``).

Walks every model with encrypted fields in primary-key order, one batch per transaction.
A value whose header already names the current key is skipped by the database itself
(a prefix comparison on the raw column), so a run that was interrupted, or a second run,
costs one pass over the keys and rewrites nothing twice. Rows are written with
``QuerySet.update``, which leaves ``updated_at`` and any version counter alone: rotation
is not an edit.
"""

import time
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models, transaction
from django.db.models import ExpressionWrapper, F, Q

from lindungi.core import crypto
from lindungi.core.blind_index import Searchable, index_rows
from lindungi.core.fields import encrypted_fields


@dataclass
class Tally:
    rows: int = 0
    values: int = 0
    batches: int = 0
    started: float = field(default_factory=time.perf_counter)

    @property
    def rate(self):
        elapsed = time.perf_counter() - self.started
        return self.values / elapsed if elapsed > 0 else 0.0


def encrypted_models():
    """Every installed model with at least one encrypted field, with those fields."""
    found = []
    for model in apps.get_models():
        fields = encrypted_fields(model)
        if fields:
            found.append((model, fields))
    return found


def raw_column(field):
    """The column as stored: a plain TextField output has no converter, so no decryption."""
    return ExpressionWrapper(F(field.name), output_field=models.TextField())


def rotate_model(model, fields, batch_size=500, max_batches=None, report=None):
    """Re-encrypt ``fields`` of ``model``; return (Tally, finished).

    ``max_batches`` stops early (``finished`` is then False), the way an interrupted run
    stops: every committed batch is complete, and the next run carries on from there.
    """
    prefix = crypto.keyring().current_prefix
    raw_names = [f"raw_{f.name}" for f in fields]
    # A plain QuerySet: the model's own may refuse update() on searchable fields, which
    # rotation does not change.
    rows = models.QuerySet(model).annotate(
        **{n: raw_column(f) for n, f in zip(raw_names, fields, strict=True)}
    )
    stale = Q()
    for name in raw_names:
        stale |= Q(**{f"{name}__isnull": False}) & ~Q(**{f"{name}__startswith": prefix})
    rows = rows.filter(stale).order_by("pk")
    tally = Tally()
    last_pk = None
    while max_batches is None or tally.batches < max_batches:
        with transaction.atomic(using=rows.db):
            batch = rows if last_pk is None else rows.filter(pk__gt=last_pk)
            # Locked until commit, so a save racing with rotation is never overwritten
            # with the older plaintext (SQLite: the IMMEDIATE transaction locks instead).
            found = list(batch.select_for_update().values_list("pk", *raw_names)[:batch_size])
            for pk, *tokens in found:
                changes = {
                    f.name: crypto.decrypt(token, f.column_label)
                    for f, token in zip(fields, tokens, strict=True)
                    if token is not None and not token.startswith(prefix)
                }
                models.QuerySet(model).filter(pk=pk).update(**changes)
                tally.values += len(changes)
        tally.rows += len(found)
        tally.batches += 1
        if found:
            last_pk = found[-1][0]
            if report:
                report(model, tally)
        if len(found) < batch_size:
            return tally, True
    return tally, False


def rebuild_index(model, batch_size=500, report=None):
    """Recompute every blind-index token of ``model`` (after LINDUNGI_INDEX_KEY changed)."""
    tally = Tally()
    rows = model._base_manager.order_by("pk")
    last_pk = None
    while True:
        with transaction.atomic(using=rows.db):
            batch = rows if last_pk is None else rows.filter(pk__gt=last_pk)
            found = list(batch.select_for_update()[:batch_size])
            index_rows(model, found, rows.db)
        tally.rows += len(found)
        tally.batches += 1
        if found:
            last_pk = found[-1].pk
            if report:
                report(model, tally)
        if len(found) < batch_size:
            return tally


def searchable_models():
    return [m for m in apps.get_models() if issubclass(m, Searchable)]
