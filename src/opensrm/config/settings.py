"""OpenSRM settings: one module, driven by environment variables with safe defaults.

Every setting a deployment may change is read from an ``OPENSRM_*`` (or conventional)
environment variable; the README's configuration table lists them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NotRequired, TypedDict

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(os.environ.get("OPENSRM_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("OPENSRM_VAR_DIR", BASE_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("OPENSRM_DEBUG", False)
# Under pytest: fast password hashing and jobs run immediately, in-process.
TESTING = "pytest" in sys.modules or env_bool("OPENSRM_TESTING", False)
# A random key is generated once per installation and kept under var/, so a fresh checkout
# is safe by default and sessions survive restarts; production sets OPENSRM_SECRET_KEY.
_key_file = VAR_DIR / "secret_key"
SECRET_KEY = os.environ.get("OPENSRM_SECRET_KEY", "")
if not SECRET_KEY:
    if not _key_file.exists():
        from django.core.management.utils import get_random_secret_key

        _key_file.write_text(get_random_secret_key())
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("OPENSRM_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("OPENSRM_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
# The largest request body accepted (bytes); the API answers a larger one 413, naming the limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("OPENSRM_MAX_BODY_BYTES", str(2_621_440)))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "huey.contrib.djhuey",
    "opensrm.core",
    "opensrm.people",
    "opensrm.crm",
    "opensrm.allocation",
    # The pages; listed before allauth so its templates override allauth's plain ones.
    "opensrm.web",
    "allauth",
    "allauth.account",
    "allauth.mfa",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "opensrm.web.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "opensrm.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "opensrm.config.urls"
WSGI_APPLICATION = "opensrm.config.wsgi.application"
AUTH_USER_MODEL = "people.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# --- Sign-in (django-allauth) ---------------------------------------------------------------
# Users are created by administrators: no public sign-up, no e-mail verification round trip.
ACCOUNT_ADAPTER = "opensrm.web.auth.AccountAdapter"
ACCOUNT_FORMS = {"login": "opensrm.web.auth.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
# Brute-force limits (R4): more than 10 failed sign-ins a minute from one IP, or more than 5
# in 5 minutes for one account, are refused. Counters live in the default cache, so
# deployments with several processes set OPENSRM_CACHE=redis (see "Cache" below).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/300s/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "OpenSRM"

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
    }
]

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default: WAL journal, IMMEDIATE transactions (writers queue instead
# of failing on lock upgrade) and a busy timeout. PostgreSQL through DATABASE_URL.
_default_sqlite = f"sqlite:///{VAR_DIR / 'opensrm.sqlite3'}"
DATABASE_URL = os.environ.get("DATABASE_URL", _default_sqlite)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=int(os.environ.get("OPENSRM_CONN_MAX_AGE", "60"))
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections persist (like PostgreSQL's): a new SQLite connection per request would rerun
    # the PRAGMAs and throw away its page cache.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000; PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY;"
        ),
    }
    DATABASES["default"]["TEST"] = (
        {"NAME": os.environ.get("OPENSRM_TEST_SQLITE", "")} if os.environ.get("OPENSRM_TEST_SQLITE") else {}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# The login rate-limit counters and the dashboards' 60 s cache live here. The default keeps them
# in each process's memory, which is right for one `opensrm serve` process; with several web
# processes set OPENSRM_CACHE=redis so that they all count the same failed sign-ins.
CACHE_BACKEND = os.environ.get("OPENSRM_CACHE", "locmem")  # locmem | redis
if CACHE_BACKEND == "redis":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            "KEY_PREFIX": "opensrm",
        }
    }
elif CACHE_BACKEND == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(f"OPENSRM_CACHE must be locmem or redis, not {CACHE_BACKEND!r}")

# --- Background jobs (Huey) -----------------------------------------------------------------
HUEY_BACKEND = os.environ.get(
    "OPENSRM_HUEY", "immediate" if TESTING else "sqlite"
)  # sqlite | redis | immediate
if HUEY_BACKEND == "redis":
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "opensrm",
        "url": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "immediate": False,
    }
elif HUEY_BACKEND == "immediate":
    HUEY = {"huey_class": "huey.MemoryHuey", "name": "opensrm", "immediate": True}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "opensrm",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("OPENSRM_LANGUAGE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["opensrm.web.formats"]
TIME_ZONE = os.environ.get("OPENSRM_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("OPENSRM_STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# static/vendor holds the front-end packages copied from node_modules by scripts/build_assets.py.
STATICFILES_DIRS = [d for d in [PACKAGE_DIR / "static", BASE_DIR / "node_modules_dist"] if d.exists()]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("OPENSRM_SESSION_ABSOLUTE_SECONDS", str(12 * 3600)))
SESSION_IDLE_SECONDS = int(os.environ.get("OPENSRM_SESSION_IDLE_SECONDS", str(30 * 60)))
CSRF_COOKIE_HTTPONLY = False
SECURE_SSL_REDIRECT = env_bool("OPENSRM_SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("OPENSRM_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = env_bool("OPENSRM_SECURE_COOKIES", False)
SECURE_HSTS_SECONDS = int(os.environ.get("OPENSRM_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
if TESTING or env_bool("OPENSRM_FAST_PASSWORD_HASHER", False):  # tests and demo data only
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("OPENSRM_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("OPENSRM_FROM_EMAIL", "opensrm@localhost")

# --- OpenSRM --------------------------------------------------------------------------------
class OpenSRMSettings(TypedDict):
    """The application's own settings, read as ``settings.OPENSRM[...]``."""

    RECYCLE_BIN_DAYS: int
    API_PAGE_SIZE: int
    API_MAX_PAGE_SIZE: int
    API_TOKEN_DEFAULT_DAYS: int
    QUOTE_APPROVAL_DISCOUNT: float
    COMPANY_NAME: str
    LEAD_ROUTING: NotRequired[bool]  # route every new lead, even with no routing policy enabled


OPENSRM: OpenSRMSettings = {
    "RECYCLE_BIN_DAYS": int(os.environ.get("OPENSRM_RECYCLE_BIN_DAYS", "30")),
    "API_PAGE_SIZE": 50,
    "API_MAX_PAGE_SIZE": 500,
    "API_TOKEN_DEFAULT_DAYS": 90,
    # Quotes with a line discount above this many per cent wait for a manager's approval.
    "QUOTE_APPROVAL_DISCOUNT": float(os.environ.get("OPENSRM_QUOTE_APPROVAL_DISCOUNT", "15")),
    # The seller's name printed on quotes and other customer documents.
    "COMPANY_NAME": os.environ.get("OPENSRM_COMPANY_NAME", "OpenSRM"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("OPENSRM_LOG_LEVEL", "WARNING")},
}
