"""``lindungi rotate-keys``: re-encrypt all personal data under the first field key.

Procedure (README, "Encrypted personal data"): put the new key first in
LINDUNGI_FIELD_KEYS and keep the old ones after it, restart every process, run this until
it says every value is under the current key, then drop the old keys.
"""

import time

from django.core.management.base import BaseCommand

from lindungi.cases.attachments import rotate_attachment_blobs
from lindungi.core import crypto, rotation
from lindungi.prevention.photos import rotate_photo_blobs


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value under the first key in LINDUNGI_FIELD_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--max-batches",
            type=int,
            default=None,
            help="Stop after this many batches per model; run again to carry on.",
        )
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="Also rebuild the blind indexes (needed after LINDUNGI_INDEX_KEY changed).",
        )

    def handle(self, *args, batch_size, max_batches, reindex, **options):
        started = time.perf_counter()
        self.stdout.write(f"Current key id: {crypto.keyring().current_id}")
        total = 0
        finished = True
        for model, fields in rotation.encrypted_models():
            tally, done = rotation.rotate_model(
                model, fields, batch_size, max_batches, report=self._progress
            )
            total += tally.values
            finished &= done
            self.stdout.write(
                f"{model._meta.label}: {tally.values} values re-encrypted in {tally.rows} rows"
                + ("" if done else " (stopped early; run again to carry on)")
            )
        # Attachment files are sealed with the same keys; each is rewritten whole.
        self.stdout.write(f"Attachment files: {rotate_attachment_blobs()} re-encrypted")
        self.stdout.write(f"Outreach photos: {rotate_photo_blobs()} re-encrypted")
        elapsed = time.perf_counter() - started
        rate = total / elapsed if elapsed else 0.0
        self.stdout.write(f"Re-encrypted {total} values in {elapsed:.1f} s ({rate:.0f} values/s).")
        if reindex:
            for model in rotation.searchable_models():
                tally = rotation.rebuild_index(model, batch_size, report=self._progress)
                self.stdout.write(f"{model._meta.label}: index rebuilt for {tally.rows} rows")
        if finished:
            self.stdout.write(
                self.style.SUCCESS(
                    "Every encrypted value is under the current key; "
                    "older keys can be removed from LINDUNGI_FIELD_KEYS."
                )
            )
        else:
            self.stdout.write(
                self.style.WARNING("Some values are still under older keys: run again.")
            )

    def _progress(self, model, tally):
        self.stdout.write(
            f"  {model._meta.label}: {tally.rows} rows, {tally.values} values "
            f"({tally.rate:.0f} values/s)"
        )
