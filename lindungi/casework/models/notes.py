"""Case notes (never edited, corrected by a new note) and tasks."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.cases.querysets import CaseBoundQuerySet
from lindungi.core.fields import EncryptedCharField, EncryptedTextField
from lindungi.core.models import BaseModel


class CaseNote(BaseModel):
    """Never edited after the fact: a correction is a new note pointing to the old one."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    body = EncryptedTextField(_("note"))
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )

    CASE_PATH = "case"

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-created_at"]

    def __str__(self):
        return str(self.pk)

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise NoteIsFinal
        super().save(*args, **kwargs)


class NoteIsFinal(Exception):
    """A note was written; it can only be corrected by a new note."""


class Task(BaseModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="tasks")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="case_tasks",
        verbose_name=_("assigned to"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    # A task's words may name people ("call Siti's sister"), so they are encrypted.
    title = EncryptedCharField(_("task"), max_length=300)
    due_at = models.DateTimeField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    CASE_PATH = "case"

    objects = CaseBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["assignee", "done_at", "due_at"], name="task_assignee_due"),
            models.Index(fields=["done_at", "due_at"], name="task_due"),
        ]

    def __str__(self):
        return str(self.pk)
