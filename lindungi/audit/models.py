from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One thing that happened: who, acting in which unit and role, did what to which object.

    A row is inserted unsealed, in the transaction of the write it describes, with a keyed
    ``tag`` over its content; the sealer (``lindungi/audit/sealer.py``) later gives it its
    place in the chain: ``sequence``, ``prev_hash`` and ``hash``, a keyed HMAC over its
    content and the previous row's hash. Database triggers refuse every other change (and
    DELETE and TRUNCATE), so a change made with database access alone shows up in
    ``lindungi audit-verify``.
    No row holds personal data: objects are named by type and id, changes by field name.
    """

    # Insertion order; the chain's order is the sealing order (``sequence``).
    id = models.BigAutoField(primary_key=True)
    # Position in the chain, 1, 2, 3, ... with no gaps (a gap is a deleted row); None until
    # the row is sealed.
    sequence = models.BigIntegerField(_("sequence"), null=True, unique=True)
    at = models.DateTimeField(_("time (UTC)"))
    # PROTECT: users and units are deactivated, never deleted, and a row that pointed at
    # nothing (or was set to NULL, which the trigger refuses anyway) would break the chain.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("unit"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=32, blank=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    fields = models.JSONField(_("fields changed"), default=list)
    ip = models.GenericIPAddressField(_("IP address"), null=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # The audit key the row was written and sealed under (lindungi/audit/keys.py).
    key_id = models.CharField(_("key id"), max_length=8)
    # HMAC over the content at insertion: a row inserted without the key is caught even if
    # the sealer links it. Empty only on rows sealed before sealing was separate.
    tag = models.CharField(_("insert tag"), max_length=64, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["id"]
        indexes = [
            # What the sealer looks for: small, since rows leave it as they are sealed.
            models.Index(fields=["id"], condition=Q(sequence__isnull=True), name="audit_unsealed"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
        ]

    def __str__(self):
        return f"#{self.sequence or '-'} {self.action}"
