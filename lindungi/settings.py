"""Django settings for Lindungi. Operators set only the variables in the README's table."""

import base64
import secrets
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from lindungi import config

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = config.boolean("LINDUNGI_DEBUG", default=False)
DATA_DIR = config.directory("LINDUNGI_DATA_DIR", BASE_DIR / "data")


def _urlsafe_key():
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


SECRET_KEY = config.key("LINDUNGI_SECRET_KEY", DATA_DIR, DEBUG, config.random_secret)
# The first key encrypts; all of them decrypt, so keys can be rotated without downtime.
FIELD_KEYS = [
    k.strip()
    for k in config.key("LINDUNGI_FIELD_KEYS", DATA_DIR, DEBUG, _urlsafe_key).split(",")
    if k.strip()
]
INDEX_KEY = config.key("LINDUNGI_INDEX_KEY", DATA_DIR, DEBUG, _urlsafe_key)
AUDIT_KEY = config.key("LINDUNGI_AUDIT_KEY", DATA_DIR, DEBUG, _urlsafe_key)

ALLOWED_HOSTS = [
    h.strip() for h in (config.raw("LINDUNGI_ALLOWED_HOSTS") or "").split(",") if h.strip()
] or (["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in (config.raw("LINDUNGI_TRUSTED_ORIGINS") or "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "lindungi.core",
    "lindungi.accounts",
    "lindungi.places",
    "lindungi.audit",
    "lindungi.core.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
]

MIDDLEWARE = [
    "lindungi.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lindungi.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lindungi.accounts.middleware.ActiveMembershipMiddleware",
    "lindungi.audit.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "lindungi.urls"
WSGI_APPLICATION = "lindungi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lindungi.accounts.context_processors.membership",
            ],
        },
    },
]

DATABASES = {"default": config.database("DATABASE_URL", DATA_DIR / "lindungi.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = ["lindungi.accounts.backends.EmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    # NIST SP 800-63B: length over composition rules; block known-breached passwords.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "lindungi.accounts.validators.MaximumLengthValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "display_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "lindungi_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
USE_I18N = True
# Stored in UTC, shown in the deployment's zone (DESIGN.md rule 7).
USE_TZ = True
TIME_ZONE = config.raw("LINDUNGI_TIME_ZONE") or "Asia/Jakarta"

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "files"

# Cookies and transport. Outside debug everything is HTTPS-only.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_NAME = "__Host-lindungi_session"
    CSRF_COOKIE_NAME = "__Host-lindungi_csrf"
    SECURE_SSL_REDIRECT = config.boolean("LINDUNGI_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
