"""Maillage settings: one module, driven by environment variables.

Production differs from development only by environment (see README, "Configuration").
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MAILLAGE_VAR_DIR", BASE_DIR / ".var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_rate(name: str, default: str) -> str | None:
    """A DRF throttle rate such as "120/minute"; set but empty means no limit."""
    return os.environ.get(name, default).strip() or None


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-development-key-never-used-in-production"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "hub",
    "marketplace",
    "matching",
    "frontend",
    # After our apps, so that our templates (frontend/templates/account/email/) replace allauth's.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "hub.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "hub.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "hub.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "hub.urls"
WSGI_APPLICATION = "hub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite is the embedded default for `make run`; tests and production set DATABASE_URL. Its folder is
# made here: the services script makes .var/ only when it starts a service itself, not when a search
# node from another checkout already answers.
if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'maillage.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A persistent connection that died between requests (database restarted) is replaced
        # before use instead of failing the next request.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "hub.User"

# Every password check goes through the lockout (hub/security.py): allauth's sign-in (username or email), the
# API's token endpoint and the Django admin. It extends allauth's backend, which allauth's sign-in requires.
AUTHENTICATION_BACKENDS = ["hub.security.LockoutModelBackend"]
# Failed sign-ins allowed within LOGIN_LOCKOUT_MINUTES before signing in is refused for LOGIN_LOCKOUT_MINUTES:
# to one username from one address; from one address to any username (more: a ministry's staff may share
# one); to one username from all addresses, after which only addresses that signed in to it before get
# through (a refusal that doubles each time it trips again within a day). See hub/security.py.
LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "20"))
LOGIN_FAILURES_PER_USERNAME = int(os.environ.get("LOGIN_FAILURES_PER_USERNAME", "10"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))

# django-allauth is the front door (docs/security.md): sign-in, sign-up with a confirmed email address, email
# changes (hub.services.user_email_change_request) and two-factor sign-in (allauth.mfa). Its pages render in
# our layout (frontend/templates/allauth/).
ACCOUNT_ADAPTER = "frontend.account_adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "frontend.forms.signin.LoginForm", "signup": "frontend.forms.signin.SignupForm"}
# Existing accounts keep their username; new ones sign up with an email address (the username is derived).
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"  # Nobody signs in before opening the emailed link.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # A button confirms: mail scanners follow links.
# An address already used gets an email saying so instead of a second account; the page says the same as
# for a new address, so the form does not tell who has an account (allauth's default).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None  # The sign-in form asks.
ACCOUNT_LOGOUT_REDIRECT_URL = "frontend:home"
ACCOUNT_CHANGE_EMAIL = True  # The new address replaces the old one only once it confirms the emailed link.
ACCOUNT_EMAIL_NOTIFICATIONS = True  # The old address is told when the change happens.
ACCOUNT_UNIQUE_EMAIL = True  # Also a constraint on hub.User.email (case-insensitive).
ACCOUNT_EMAIL_CONFIRMATION_HMAC = True  # A signed key: nothing stored, and it expires.
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = int(os.environ.get("EMAIL_CONFIRMATION_DAYS", "3"))
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Maillage] "
# One lockout of failed sign-ins, ours (hub/security.py), which also guards the API's token endpoint and the
# admin: allauth's own count of failed sign-ins is off. Its other limits (sign-ups, confirmation emails,
# password resets, sign-ins per address) have no counterpart here and stay.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
# Two-factor sign-in: optional for everyone, required for coordinators and administrators
# (hub.middleware.TwoFactorRequiredMiddleware).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Maillage"
# Wrong codes count in our lockout too (allauth's own count is its "login_failed" limit, off above).
MFA_FORMS = {
    "authenticate": "frontend.forms.signin.TwoFactorAuthenticateForm",
    "reauthenticate": "frontend.forms.signin.TwoFactorReauthenticateForm",
}
# Social sign-in is only an organization's own OpenID Connect provider (marketplace.OrganizationSignIn, its
# allauth SocialApp kept in step by marketplace.services.organization_sign_in_configure). The adapter refuses
# everything else: connecting a provider to an existing account, unverified or foreign addresses.
SOCIALACCOUNT_ADAPTER = "frontend.socialaccount_adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True  # A first sign-in creates the member; never allauth's own sign-up form.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # Never take over an account because the address matches.
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # The provider must have verified the address (checked).
SOCIALACCOUNT_STORE_TOKENS = False  # We only sign people in; we never call the provider for them.
SOCIALACCOUNT_REQUESTS_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT_SECONDS", "5"))
# allauth reads the client's address (its rate limits, its emails' context) behind the API's proxies (NUM_PROXIES).
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("NUM_PROXIES", "0"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a check: Django tells validators when a password changed, and this one deletes the API tokens then.
    {"NAME": "hub.authentication.ApiTokensDeletedOnPasswordChange"},
]
# API tokens (hub/authentication.py) are refused this many days after they were issued.
API_TOKEN_LIFETIME_DAYS = int(os.environ.get("API_TOKEN_LIFETIME_DAYS", "30"))
# How long an invitation to join an organization or a firm can be accepted (hub.models.Invitation).
INVITATION_LIFETIME_DAYS = int(os.environ.get("INVITATION_LIFETIME_DAYS", "7"))
LOGIN_URL = "frontend:login"
LOGIN_REDIRECT_URL = "frontend:home"
LOGOUT_REDIRECT_URL = "frontend:home"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["hub.language_formats"]  # Dates in full in both languages (hub/formats.py).
TIME_ZONE = "America/Toronto"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
# The Québec government design system (docs/design-system.md): `make frontend-deps` installs it from npm (the
# Dockerfile too), and its dist/ folder is served under static/sdg/. hub/checks.py stops the site without it.
DESIGN_SYSTEM_DIR = BASE_DIR / ".var" / "design-system" / "qc-trousse-sdg" / "dist"
STATICFILES_DIRS = [("sdg", DESIGN_SYSTEM_DIR)]
# Uploaded files (the PDF attachments of proposals) go through Django's storage API: the filesystem under
# MEDIA_ROOT by default, or any S3-compatible store (AWS S3, MinIO, Ceph...) through django-storages once
# STORAGE_S3_BUCKET is set (README, "Stored files"). They are never served from a public URL: a view streams each
# file after checking who asks (there is no MEDIA_URL route).
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGE_S3_BUCKET = os.environ.get("STORAGE_S3_BUCKET", "")
DEFAULT_FILE_STORAGE_CONFIG = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_S3_BUCKET,
            # Empty for AWS itself; the address of the store otherwise (http://minio:9000).
            "endpoint_url": os.environ.get("STORAGE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("STORAGE_S3_REGION") or None,
            # Empty: boto3 finds credentials itself (instance role, AWS_* variables).
            "access_key": os.environ.get("STORAGE_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("STORAGE_S3_SECRET_KEY") or None,
            "location": os.environ.get("STORAGE_S3_PREFIX", ""),
            # "path" for MinIO and most self-hosted stores; "virtual" (or empty) for AWS.
            "addressing_style": os.environ.get("STORAGE_S3_ADDRESSING_STYLE") or None,
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
    if STORAGE_S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": DEFAULT_FILE_STORAGE_CONFIG,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# HTTPS only unless debugging: `make run` stays on plain http, production needs nothing set.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading commits the whole domain, every subdomain included, to HTTPS in browsers for months, however
# it is served later: the domain owner's decision, not the app's. Off by default, and Django's reminder
# that it is off (security.W021) is silenced until DJANGO_HSTS_PRELOAD=1.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "hub.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "hub.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "hub.schema.AutoSchema",
    "EXCEPTION_HANDLER": "hub.api_errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["hub.security.AnonRateThrottle", "hub.security.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("API_THROTTLE_ANON", "300/minute"),  # Per client address.
        "user": env_rate("API_THROTTLE_USER", "1200/minute"),  # Per signed-in user.
        "login": env_rate("API_THROTTLE_LOGIN", "20/minute"),  # Token requests per client address.
    },
    # Proxies in front of the app that append to X-Forwarded-For (0: trust only the connection's address).
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "0")),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Maillage API",
    "DESCRIPTION": "Partner-matching marketplace of Quebec's digital-innovation hub.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Served from our own static files: no asset is fetched from outside the site.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two models have a `kind` field; name their enums apart in the schema.
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "hub.models.Organization.Kind",
        "NotificationKindEnum": "hub.models.Notification.Kind",
        "ConsentKindEnum": "hub.models.Consent.Kind",
        # Delivery languages and required languages are the same choice set: one name for both.
        "LanguageEnum": "marketplace.models.Language",
        # Two different "decision" fields: a verification's outcome, and the answer to a request to join.
        "VerificationDecisionEnum": "marketplace.models.VendorVerification.Decision",
        "JoinRequestDecisionEnum": "marketplace.serializers.JoinRequestDecideInputSerializer.DECISIONS",
        # A proposal's status, in the coordinators' queue and in the firm's own request to be introduced.
        "ProposalStatusEnum": "matching.models.MatchProposal.Status",
    },
}

# Celery: tasks run eagerly in-process unless a broker is configured.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A Redis that stops answering (a network partition, not a refused connection) must not hang the web
# request queueing a task: socket timeouts above the worker's 1-second BRPOP. Redelivery of a dead
# worker's tasks keeps the default one-hour visibility timeout (docs/reliability.md).
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 5, "socket_connect_timeout": 5}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "drain-search-outbox": {"task": "matching.outbox_drain", "schedule": 30.0},
    # CELERY_TIMEZONE is the site's (America/Toronto): 7:00 local time, summer and winter.
    "notifications-digest": {"task": "hub.notifications_digest", "schedule": crontab(hour=7, minute=0)},
    "reconcile-payouts": {"task": "matching.payouts_reconcile", "schedule": 300.0},
    "refresh-proposals": {"task": "matching.proposals_refresh", "schedule": crontab(hour=2, minute=30)},
    # Work whose task could not be queued (broker down at commit) or gave up: see docs/reliability.md.
    "requeue-overdue-emails": {"task": "hub.notifications_email_requeue", "schedule": 600.0},
    "requeue-publication-followups": {"task": "matching.publication_followups_requeue", "schedule": 600.0},
    # Challenges whose deadline passed stop taking proposals and open them (the reads check too).
    "close-passed-deadlines": {"task": "matching.challenges_deadline_close", "schedule": 300.0},
}

# The cache holds the API throttles' and the sign-in lockout's counters, which every web process must
# share: Redis (REDIS_CACHE_URL, else the Celery broker's Redis), or memory in one process otherwise.
REDIS_CACHE_URL = os.environ.get("REDIS_CACHE_URL") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else ""
)
if REDIS_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": "maillage",
            # A stalled Redis must not stall every request: hub/security.py lets requests through then.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# A proposal's PDF attachments: the largest file taken, and how many per proposal.
SUBMISSION_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("SUBMISSION_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))
)
SUBMISSION_ATTACHMENTS_MAX = int(os.environ.get("SUBMISSION_ATTACHMENTS_MAX", "10"))

# How many vendors the matcher proposes to coordinators when a challenge is published.
PROPOSALS_PER_CHALLENGE = int(os.environ.get("PROPOSALS_PER_CHALLENGE", "10"))

# Where the site is served; emails link to SITE_URL + path.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Notification emails, sent by Celery tasks. Under DEBUG they are printed on the console.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Bounds how long a sending task holds the notification's row lock (see hub.services.notification_email).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Maillage <no-reply@maillage.quebec>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The search engine (OpenSearch 2.19, Elasticsearch 7.10 API) is never optional.
SEARCH_URL = os.environ.get("SEARCH_URL", "http://127.0.0.1:9200")
SEARCH_INDEX_PREFIX = os.environ.get("SEARCH_INDEX_PREFIX", "maillage")
SEARCH_TIMEOUT = float(os.environ.get("SEARCH_TIMEOUT", "10"))
# How long an opportunity search answer is kept at most (matching/search/people.py); 0 keeps none.
OPPORTUNITY_CACHE_SECONDS = int(os.environ.get("OPPORTUNITY_CACHE_SECONDS", "300"))

# Payouts to vendors (matching/payments.py). "sandbox" answers locally like the provider (the default
# under DEBUG, so `make run` pays nobody); "http" calls the provider's REST API.
PAYMENT_PROVIDER = os.environ.get("PAYMENT_PROVIDER", "sandbox" if DEBUG else "http")
PAYMENT_API_URL = os.environ.get("PAYMENT_API_URL", "")
PAYMENT_API_KEY = os.environ.get("PAYMENT_API_KEY", "")
# Shared with the provider to sign its webhooks; while empty, every webhook is refused.
PAYMENT_WEBHOOK_SECRET = os.environ.get("PAYMENT_WEBHOOK_SECRET", "")
PAYMENT_TIMEOUT = float(os.environ.get("PAYMENT_TIMEOUT", "10"))

# The version of the privacy policy and of the terms of use: the day their texts took effect, shown on their
# pages (frontend/templates/frontend/about/). One version for both, because one consent covers both (the
# "terms" kind below). Change it in the same commit as the texts.
PRIVACY_POLICY_VERSION = "2026-12-07"

# Quebec's Law 25: the current version of each text users consent to (hub.models.Consent). Change a
# version when its text changes: consents recorded for an older version no longer count as current.
CONSENT_VERSIONS = {
    "terms": PRIVACY_POLICY_VERSION,
    "notifications": os.environ.get("PRIVACY_NOTIFICATIONS_VERSION", "2026-11-28"),
}

# How people reach the Centre's team: the contact page, and the privacy, accessibility and terms pages.
# The defaults are a demonstration's; production sets its own (README, "Configuration").
MAILLAGE_CONTACT = {
    "email": os.environ.get("MAILLAGE_CONTACT_EMAIL", "maillage@cqen.example"),
    "phone": os.environ.get("MAILLAGE_CONTACT_PHONE", "418 555-0142"),
    # The lines of the postal address, separated by semicolons.
    "address": [
        line.strip()
        for line in os.environ.get(
            "MAILLAGE_CONTACT_ADDRESS",
            "Centre québécois d'excellence numérique;875, Grande Allée Est, bureau 100;Québec (Québec)  G1R 4Y8",
        ).split(";")
        if line.strip()
    ],
    # Office hours, Monday to Friday, on a 24-hour clock.
    "opens": os.environ.get("MAILLAGE_CONTACT_OPENS", "08:30"),
    "closes": os.environ.get("MAILLAGE_CONTACT_CLOSES", "16:30"),
    # How many working days the team takes at most to answer a message.
    "answer_days": int(os.environ.get("MAILLAGE_CONTACT_ANSWER_DAYS", "2")),
    "accessibility_email": os.environ.get("MAILLAGE_ACCESSIBILITY_EMAIL", "accessibilite@cqen.example"),
    "technical_email": os.environ.get("MAILLAGE_TECHNICAL_EMAIL", "api@cqen.example"),
    # The person in charge of the protection of personal information (Law 25), by name, and how to reach them.
    "privacy_officer": os.environ.get("MAILLAGE_PRIVACY_OFFICER", "Geneviève Tremblay"),
    "privacy_email": os.environ.get("MAILLAGE_PRIVACY_EMAIL", "confidentialite@cqen.example"),
}
# Where the database, the search node and the backups are hosted: "quebec" or "canada" (the privacy policy says it).
MAILLAGE_HOSTING = os.environ.get("MAILLAGE_HOSTING", "quebec")
if MAILLAGE_HOSTING not in {"quebec", "canada"}:
    raise ImproperlyConfigured('MAILLAGE_HOSTING must be "quebec" or "canada".')

# Demo catalogue loaded by `make run`; the app never reads ../shared at run time.
CATALOG_PATH = Path(
    os.environ.get("MAILLAGE_CATALOG", BASE_DIR / "marketplace" / "fixtures" / "catalog-dev.json")
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"elasticsearch": {"level": "WARNING"}, "urllib3": {"level": "WARNING"}},
}
