"""Rapport settings, read from environment variables with safe defaults.

No ``DATABASE_URL`` means a SQLite file in ``RAPPORT_DATA_DIR`` (default ``./var``). Local mode
generates a secret key once and keeps it in the data directory; production mode
(``RAPPORT_PRODUCTION=1``) requires every unsafe default to be replaced and refuses to start
otherwise (see ``unsafe_production_settings``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


PRODUCTION = env_bool("RAPPORT_PRODUCTION")
DEBUG = env_bool("RAPPORT_DEBUG", default=not PRODUCTION)

DATA_DIR = Path(os.environ.get("RAPPORT_DATA_DIR", PROJECT_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _local_secret_key() -> str:
    """Generate a secret key on first use and keep it in the data directory (local mode only)."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("RAPPORT_SECRET_KEY") or ("" if PRODUCTION else _local_secret_key())

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "rapport.workspaces",
    "rapport.creators",
    "rapport.campaigns",
    "rapport.finance",
    "rapport.tracking",
    "rapport.performance",
    "rapport.hub",
    "rapport.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /r/<slug>, the tracking redirect, needs nothing below: answered here (decisions/0006).
    "rapport.tracking.middleware.TrackingRedirectMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rapport.workspaces.middleware.PersonalSettingsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "rapport.urls"
WSGI_APPLICATION = "rapport.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rapport.workspaces.context_processors.workspace",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "rapport.sqlite3"),
            "OPTIONS": {
                # WAL lets the worker and the web process read and write side by side.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
            # Keep each worker's connection: opening one per request would cost the tracking
            # redirect more than its own work.
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "workspaces.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Front-end packages come from the npm registry into node_modules at set-up; never from a CDN.
NODE_MODULES = PROJECT_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/pico", NODE_MODULES / "@picocss" / "pico" / "css"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

# Uploads: imports may be large spreadsheets, but nothing unbounded.
RAPPORT_MAX_UPLOAD_BYTES = int(os.environ.get("RAPPORT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
# Hub forms get a page of their own when their protection expired (rapport/hub/views/csrf.py).
CSRF_FAILURE_VIEW = "rapport.hub.views.csrf.failure"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Rapport <rapport@localhost>")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION or os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = DATA_DIR / "outbox"

# The cache holds short-lived counters (sign-in limits); files work across the workers of one box.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
        # Room for many locked-out addresses before old entries are dropped.
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

# Background work: Django's tasks API, stored in the database by default.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "RAPPORT_TASKS_BACKEND", "django_tasks_db.backend.DatabaseBackend"
        ),
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = env_bool("RAPPORT_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("RAPPORT_SECURE_COOKIES", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Both off by default: HSTS is hard to take back, and the proxy in front usually redirects.
SECURE_HSTS_SECONDS = env_int("RAPPORT_HSTS_SECONDS", 0)
SECURE_SSL_REDIRECT = env_bool("RAPPORT_SSL_REDIRECT")
# Behind a reverse proxy, the client's address is the first X-Forwarded-For entry.
RAPPORT_TRUSTED_PROXY = env_bool("RAPPORT_TRUSTED_PROXY")
# A request header set by the proxy in front of Rapport with the visitor's two-letter country
# (for example CF-IPCountry behind Cloudflare); tracked clicks record it. Empty: no country.
RAPPORT_COUNTRY_HEADER = os.environ.get("RAPPORT_COUNTRY_HEADER", "")

RAPPORT_BASE_URL = os.environ.get("RAPPORT_BASE_URL", "http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("RAPPORT_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}


def unsafe_production_settings() -> list[str]:
    """What makes these settings unsafe for production, one readable reason per problem."""
    problems = []
    if not os.environ.get("RAPPORT_SECRET_KEY"):
        problems.append("RAPPORT_SECRET_KEY is not set: give a long random value.")
    elif len(SECRET_KEY) < 40:
        problems.append("RAPPORT_SECRET_KEY is shorter than 40 characters.")
    if DEBUG:
        problems.append("RAPPORT_DEBUG is on: debug pages leak settings and data.")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS is empty: list the host names Rapport is served on.")
    if "*" in ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS contains '*': list the real host names.")
    base_url = os.environ.get("RAPPORT_BASE_URL", "")
    if not base_url:
        problems.append("RAPPORT_BASE_URL is not set: give the public https:// address.")
    elif base_url.startswith("http://"):
        if not env_bool("RAPPORT_ALLOW_HTTP"):
            problems.append(
                "RAPPORT_BASE_URL starts with http://: serve Rapport over https://, or set "
                "RAPPORT_ALLOW_HTTP=1 on a private network."
            )
    elif not base_url.startswith("https://"):
        problems.append("RAPPORT_BASE_URL must start with https://.")
    return problems


if PRODUCTION and (_problems := unsafe_production_settings()):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "Rapport refuses to start in production mode with unsafe settings:\n- "
        + "\n- ".join(_problems)
    )
