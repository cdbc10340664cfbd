"""Django settings for Lindungi. Operators set only the variables in the README's table."""

import base64
import secrets
from datetime import timedelta
from pathlib import Path
from string import Template

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
# The first key tags and seals new audit events; all of them verify (lindungi/audit/keys.py).
AUDIT_KEY = config.key("LINDUNGI_AUDIT_KEY", DATA_DIR, DEBUG, _urlsafe_key)
# Where the worker writes the audit chain's sealed head every minute (none: it does not).
AUDIT_CHECKPOINT_DIR = (
    config.directory("LINDUNGI_AUDIT_CHECKPOINT_DIR", "")
    if config.raw("LINDUNGI_AUDIT_CHECKPOINT_DIR")
    else None
)

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
    "lindungi.cases",
    "lindungi.casework",
    "lindungi.notifications",
    "lindungi.intake",
    "lindungi.response",
    "lindungi.prevention",
    "lindungi.shelter",
    "lindungi.referrals",
    "lindungi.stats",
    "lindungi.ops",
    "lindungi.accounts.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    # Serves the API docs' Swagger UI from our own static files (the CSP allows no CDN).
    "ninja",
    # django-otp's framework only: the devices are lindungi.accounts.mfa.models (the secret
    # encrypted, recovery codes hashed), not its plugins, which keep both in clear.
    "django_otp",
    "axes",
]

MIDDLEWARE = [
    "lindungi.core.request_id.RequestIdMiddleware",
    "lindungi.core.logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "lindungi.core.middleware.LanguageMiddleware",
    "lindungi.core.security.SecurityHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lindungi.audit.middleware.AuditContextMiddleware",
    # The routes of API_KEY_ROUTES go from here to their view: what follows is for browsers
    # (sessions, CSRF, second factor, lockouts), what precedes it for every response.
    "lindungi.core.key_routes.KeyRoutesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Text that is not UTF-8 or holds control characters: refused before any view runs.
    "lindungi.core.input_policy.FormInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before the second factor: a session past its time ends, verified or not.
    "lindungi.accounts.sessions.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lindungi.accounts.mfa.middleware.SecondFactorMiddleware",
    # Every page needs a login unless its view says otherwise (@login_not_required).
    "lindungi.accounts.middleware.LoginRequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lindungi.accounts.middleware.ActiveMembershipMiddleware",
    # Last, so that it turns a lockout raised anywhere into the lockout page.
    "axes.middleware.AxesMiddleware",
]
# Called by integrations with an API key only, never by a browser (lindungi/core/key_routes.py).
API_KEY_ROUTES = ["api:create_report"]

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
                "lindungi.notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {"default": config.database("DATABASE_URL", DATA_DIR / "lindungi.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Axes first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "lindungi.accounts.backends.EmailBackend",
]
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

# Second factor (django-otp) and login throttling (django-axes): README, "Second factor and
# throttling". Every staff account needs an authenticator app; recovery codes for a lost phone.
OTP_TOTP_ISSUER = "Lindungi"
# An enrolment code, handed over by an administrator, is valid this long and once.
ENROLMENT_CODE_LIFETIME = timedelta(hours=24)
# How long a submit-once key (a form's token, an API Idempotency-Key) answers with the
# outcome of its first request (lindungi.core.once); the worker forgets older keys.
SUBMIT_ONCE_KEEP = timedelta(hours=24)
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Failures count per account and per address separately: either reaching the limit locks.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A lock lasts 15 minutes from when it began; failing again while locked does not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The login form's email field is called "username" (Django's AuthenticationForm). Axes
# stores and logs it; ours is a keyed hash of the email, never the email itself.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "lindungi.accounts.mfa.throttling.account_key"
AXES_CLIENT_STR_CALLABLE = "lindungi.accounts.mfa.throttling.client_description"
AXES_CLIENT_IP_CALLABLE = "lindungi.accounts.mfa.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "lindungi.accounts.mfa.throttling.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "password", "code", "csrfmiddlewaretoken"]
# Logins are in the audit trail; axes' own access log would hold emails.
AXES_DISABLE_ACCESS_LOG = True

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "lindungi_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
USE_I18N = True
# Stored in UTC, shown in the deployment's zone (docs/architecture.md, rule 7).
USE_TZ = True
TIME_ZONE = config.raw("LINDUNGI_TIME_ZONE") or "Asia/Jakarta"
# Proxies in front of the app: the client's address is that many entries from the end of
# X-Forwarded-For (lindungi.core.client_ip).
PROXY_HOPS = config.integer("LINDUNGI_PROXY_HOPS", 0 if DEBUG else 1, 0, 5)

# Local SOP choices (docs/glossary.md, risk level and priority): minutes to answer a report
# by risk, hours to follow up a case by priority (a level left out has no deadline), seconds
# the public form must take.
LINDUNGI_RESPONSE_MINUTES = config.levels(
    "LINDUNGI_RESPONSE_MINUTES", {"high": 0, "medium": 6 * 60, "low": 24 * 60}
)
LINDUNGI_FOLLOW_UP_HOURS = config.levels(
    "LINDUNGI_FOLLOW_UP_HOURS", {"high": 24, "medium": 72}, minimum=1
)
LINDUNGI_PUBLIC_FORM_MIN_SECONDS = config.integer("LINDUNGI_PUBLIC_FORM_MIN_SECONDS", 5, 0, 600)

# Outbound messages (lindungi.notifications.gateways): the address staff alerts link to,
# email through Django's SMTP backend, SMS and WhatsApp through a gateway adapter ("http",
# "file" in development; none in production until one is set: nothing is faked as sent),
# and how the worker retries.
LINDUNGI_SITE_URL = (config.raw("LINDUNGI_SITE_URL") or "").rstrip("/")
LINDUNGI_EMAIL_HOST = config.raw("LINDUNGI_EMAIL_HOST") or ""
EMAIL_HOST = LINDUNGI_EMAIL_HOST
EMAIL_PORT = config.integer("LINDUNGI_EMAIL_PORT", 587, 1, 65535)
EMAIL_HOST_USER = config.raw("LINDUNGI_EMAIL_USER") or ""
EMAIL_HOST_PASSWORD = config.raw("LINDUNGI_EMAIL_PASSWORD") or ""
EMAIL_USE_TLS = config.boolean("LINDUNGI_EMAIL_TLS", default=True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = config.raw("LINDUNGI_EMAIL_FROM") or "noreply@localhost"
LINDUNGI_GATEWAY = config.choice(
    "LINDUNGI_GATEWAY", "file" if DEBUG else "", {"http", "file", "none", ""}
).replace("none", "")
LINDUNGI_GATEWAY_URL = config.raw("LINDUNGI_GATEWAY_URL") or ""
LINDUNGI_GATEWAY_KEY = config.raw("LINDUNGI_GATEWAY_KEY") or ""
LINDUNGI_GATEWAY_TEMPLATE = (
    config.raw("LINDUNGI_GATEWAY_TEMPLATE")
    or '{"to": $to, "channel": $channel, "text": $body, "reference": $id}'
)
LINDUNGI_GATEWAY_TIMEOUT = 20
if not set(Template(LINDUNGI_GATEWAY_TEMPLATE).get_identifiers()) <= {
    "to",
    "channel",
    "body",
    "id",
}:
    raise config.ImproperlyConfigured(
        "LINDUNGI_GATEWAY_TEMPLATE: use only $to, $channel, $body and $id."
    )
if LINDUNGI_GATEWAY == "http" and not LINDUNGI_GATEWAY_URL.startswith(("https://", "http://")):
    raise config.ImproperlyConfigured(
        "LINDUNGI_GATEWAY=http needs an http(s) LINDUNGI_GATEWAY_URL."
    )
LINDUNGI_MESSAGE_MAX_ATTEMPTS = config.integer("LINDUNGI_MESSAGE_MAX_ATTEMPTS", 8, 1, 50)
LINDUNGI_MESSAGE_RETRY_SECONDS = config.integer("LINDUNGI_MESSAGE_RETRY_SECONDS", 60, 1, 3600)
LINDUNGI_MESSAGE_LEASE_SECONDS = config.integer("LINDUNGI_MESSAGE_LEASE_SECONDS", 300, 1, 3600)

# Statistics (lindungi.stats; README, "Statistics"): the DHIS2 data set the monthly
# dataValueSets file is for (its 11-character identifier in the deployment's DHIS2).
STATS_DHIS2_DATASET = config.raw("LINDUNGI_DHIS2_DATASET") or ""
# Row-level exports (lindungi.stats.row_exports): the worker writes them here, their
# requester may download one for this long, then the worker deletes it.
STATS_EXPORT_DIR = DATA_DIR / "exports"
STATS_EXPORT_KEEP = timedelta(hours=config.integer("LINDUNGI_EXPORT_KEEP_HOURS", 24, 1, 336))

# The rapid response unit (lindungi.response; README, "Rapid response"): the shifts' start
# times in the deployment's zone (each lasts until the next starts), how far ahead a roster
# gap is alerted, the minutes before an unacknowledged dispatch and one not yet under way
# escalate, and how long the crew still sees a dispatch after it ended.
RESPONSE_SHIFT_STARTS = config.raw("LINDUNGI_RESPONSE_SHIFT_STARTS") or "07:00,15:00,23:00"
RESPONSE_GAP_ALERT_HOURS = config.integer("LINDUNGI_RESPONSE_GAP_ALERT_HOURS", 24, 1, 24 * 14)
RESPONSE_ACK_MINUTES = config.integer("LINDUNGI_RESPONSE_ACK_MINUTES", 5, 1, 120)
RESPONSE_EN_ROUTE_MINUTES = config.integer("LINDUNGI_RESPONSE_EN_ROUTE_MINUTES", 15, 1, 240)
RESPONSE_VISIBLE_AFTER_HOURS = config.integer("LINDUNGI_RESPONSE_VISIBLE_AFTER_HOURS", 2, 0, 48)

# The safe houses (lindungi.shelter; README, "Safe houses"): the longest stay the deployment
# allows (days), how many days before its end the case's workers and the house are alerted,
# and how long the house's staff still see a resident's placement after the check-out.
SHELTER_MAX_STAY_DAYS = config.integer("LINDUNGI_SHELTER_MAX_STAY_DAYS", 180, 1, 3650)
SHELTER_ALERT_DAYS_BEFORE = config.integer("LINDUNGI_SHELTER_ALERT_DAYS_BEFORE", 14, 0, 365)
SHELTER_VISIBLE_AFTER_HOURS = config.integer("LINDUNGI_SHELTER_VISIBLE_AFTER_HOURS", 72, 0, 720)
# Referrals (lindungi.referrals; README, "Referrals and consent"): the days a partner has to
# accept a referral before it expires, and the emergency override of a missing consent:
# which roles may use it, for which services (comma separated; empty: nobody, nothing).
REFERRAL_ACCEPT_DAYS = config.integer("LINDUNGI_REFERRAL_ACCEPT_DAYS", 7, 1, 90)
REFERRAL_OVERRIDE_ROLES = {
    part.strip()
    for part in (config.raw("LINDUNGI_REFERRAL_OVERRIDE_ROLES", "supervisor") or "").split(",")
    if part.strip()
}
REFERRAL_OVERRIDE_SERVICES = {
    part.strip()
    for part in (
        config.raw("LINDUNGI_REFERRAL_OVERRIDE_SERVICES", "health,law_enforcement") or ""
    ).split(",")
    if part.strip()
}

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
# The largest attachment a case takes (README, "Attachments"); checked while the upload
# arrives, so a larger one is never held whole.
MAX_UPLOAD_MB = config.integer("LINDUNGI_MAX_UPLOAD_MB", 10, minimum=1, maximum=100)

# Sessions: README, "Sessions, headers and logs". The limits are enforced on the server by
# lindungi.accounts.sessions.SessionTimeoutMiddleware, whatever the browser does with cookies.
SESSION_ENGINE = "lindungi.accounts.session_store"
SESSION_IDLE_TIMEOUT = 15 * 60
SESSION_ABSOLUTE_TIMEOUT = 12 * 60 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
# Closing the browser on a shared complaint-post computer ends the session too.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Cookies and transport. Outside debug everything is HTTPS-only.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Not "no-referrer": under it Chromium sends "Origin: null" with every form POST, which
# Django's CSRF origin check must refuse over HTTPS. "same-origin" sends nothing to any
# other site (quick exit, outside links) and keeps our own forms working.
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline scripts or styles anywhere (templates, htmx config, Django's admin): 'self' only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
# Browser features no Lindungi page uses (lindungi.core.security.SecurityHeadersMiddleware).
PERMISSIONS_POLICY_DENIED = [
    "accelerometer",
    "autoplay",
    "bluetooth",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "serial",
    "usb",
    "xr-spatial-tracking",
]
if not DEBUG:
    SESSION_COOKIE_NAME = "__Host-lindungi_session"
    CSRF_COOKIE_NAME = "__Host-lindungi_csrf"
    SECURE_SSL_REDIRECT = config.boolean("LINDUNGI_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# One JSON object per line, without personal data: lindungi.core.logging.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "lindungi.core.logging.PersonalDataFilter"}},
    "formatters": {"json": {"()": "lindungi.core.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # Django's own handlers go: mail_admins would e-mail request data. Its records reach
        # the console handler (and its filter) through the root logger.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # The runserver line holds the raw URL; RequestLogMiddleware logs every request.
        "django.server": {"handlers": [], "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}
# Error reports never show form values or local variables (they hold personal data).
DEFAULT_EXCEPTION_REPORTER_FILTER = "lindungi.core.logging.PersonalDataReporterFilter"
