from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.roles import Role, UnitType
from lindungi.core.fields import EncryptedCharField
from lindungi.core.models import BaseModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        # Emails are matched case-insensitively: people type them both ways.
        return self.get(email__iexact=email)

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(BaseModel, AbstractBaseUser, PermissionsMixin):
    """A member of staff. The public never has an account."""

    email = models.EmailField(_("email"), unique=True)
    display_name = models.CharField(_("name"), max_length=150)
    is_active = models.BooleanField(_("active"), default=True)
    # Gives access to the Django admin; only administrators get it.
    is_staff = models.BooleanField(_("may use the administration site"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Demo accounts have published passwords; they are refused when debug is off.
    is_demo = models.BooleanField(_("demo account"), default=False, editable=False)
    # Where alerts reach them besides the app: any of "email", "sms", "whatsapp"
    # (lindungi.notifications.outbound.Channel), the phone for SMS and WhatsApp.
    alert_channels = models.JSONField(_("alert channels"), default=list, blank=True)
    alert_phone = EncryptedCharField(_("phone for alerts"), max_length=32, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def unit_ids(self):
        return set(self.memberships.values_list("unit_id", flat=True))


class Unit(BaseModel):
    """An organisational unit that owns work: the service centre, a complaint post, ..."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=32, choices=UnitType.choices)
    region = models.ForeignKey(
        "places.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="units",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def supervisors(self) -> "models.QuerySet[User]":
        """The unit's active supervisors: to whom its alerts go."""
        return User.objects.filter(
            memberships__unit=self, memberships__role=Role.SUPERVISOR, is_active=True
        ).distinct()


class Membership(BaseModel):
    """A user's role in a unit. A user may hold several (e.g. supervisor in two posts)."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["unit__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_role_display()}"


# The second factor's models live beside its code, the session's beside its engine; Django
# finds them through these imports.
from lindungi.accounts.mfa.models import (  # noqa: E402
    Authenticator,
    EnrolmentCode,
    RecoveryCode,
    RecoveryCodes,
)
from lindungi.accounts.session_store import Session  # noqa: E402

__all__ = [
    "Authenticator",
    "EnrolmentCode",
    "Membership",
    "RecoveryCode",
    "RecoveryCodes",
    "Session",
    "Unit",
    "User",
    "UserManager",
]
