"""The SESSION_ENGINE: Django's database engine over ``Session``, a session row that also
records its user (``sessions.py`` holds the time limits). The model and its engine name
each other, so they live together; ``models.py`` imports the model so Django registers it.
"""

from django.conf import settings
from django.contrib import auth
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import DatabaseError, models, router, transaction
from django.utils.translation import gettext_lazy as _


class Session(AbstractBaseSession):
    """Django's database session with the user it belongs to (the SESSION_ENGINE's table).

    The user column lets an administrator, or a deactivation, end every session of one
    user with one DELETE (``lindungi.accounts.sessions.end_sessions``); Django's own
    session table can only be searched by decoding every row.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        related_name="sessions",
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls):
        return SessionStore


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls):
        return Session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = data.get(auth.SESSION_KEY)
        return session

    def save(self, must_create=False):
        """Django's save, without its savepoint when the session is updated inside a
        caller's transaction (a search keeps the session with its audit event, one commit):
        an UPDATE that fails leaves nothing to undo but the caller's whole transaction,
        which the error rolls back anyway. Two round trips fewer. A new session is saved
        as Django saves it (a clash of keys is caught at its savepoint)."""
        if must_create or self.session_key is None:
            return super().save(must_create)
        session = self.create_model_instance(self._get_session())
        using = router.db_for_write(self.model, instance=session)
        try:
            with transaction.atomic(using=using, savepoint=False):
                session.save(force_update=True, using=using)
        except DatabaseError as error:
            raise UpdateError from error
        return None
