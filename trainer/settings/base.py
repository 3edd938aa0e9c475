"""Base settings, read from the environment so one code base serves every deployment."""
from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("TRAINER_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "trainer",
    "quizzes",
    "courses",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "trainer.middleware.StripNulMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "trainer.middleware.FirstPasswordMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Axes last: it needs the authenticated user and turns lockouts into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trainer.urls"
WSGI_APPLICATION = "trainer.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "trainer.context_processors.navigation",
            ],
            "builtins": ["trainer.templatetags.icons"],  # {% icon %} on every page, no {% load %}
        },
    },
]


# What every SQLite database gets, however it is named (SQLITE_PATH or DATABASE_URL=sqlite:///…):
# WAL mode, IMMEDIATE transactions and a busy timeout, so that concurrent writers queue for the
# lock instead of failing with "database is locked".
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def database_from_env() -> dict:
    """DATABASE_URL when given (PostgreSQL for teams), else an SQLite file under var/."""
    conn_max_age = int(os.environ.get("CONN_MAX_AGE", "60"))
    url = os.environ.get("DATABASE_URL")
    if url:
        database = dj_database_url.parse(url, conn_max_age=conn_max_age)
        if database["ENGINE"] != "django.db.backends.sqlite3":
            return database
        name = database["NAME"]
    else:
        name = os.environ.get("SQLITE_PATH", str(VAR_DIR / "trainer.sqlite3"))
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": name,
        # Kept open between requests like PostgreSQL's: a new SQLite connection re-reads the schema
        # and starts with a cold page cache, which cost the bigger supervisor pages several ms each.
        "CONN_MAX_AGE": conn_max_age,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": dict(SQLITE_OPTIONS),
    }


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "trainer.User"
# Who may see whose answers and attempts: quizzes asks this function (the one rule) instead of reading roles.
QUIZZES_VISIBLE_USERS = "trainer.selectors.people.users_visible_to"
# The people side routes a disputed review to the team's supervisors and notifies them (quizzes knows no teams).
QUIZZES_REVIEW_DISPUTE = "trainer.services.review_dispute_and_notify"
# Where a module page links for its quiz: courses names no quizzes URL itself (apps depend one way).
COURSES_MODULE_QUIZ_URL = "quizzes:module_quizzes"
# What the search page finds besides lessons: practice scenarios (courses imports nothing from quizzes).
COURSES_SEARCH_EXTRA = "quizzes.selectors.scenarios_search"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "trainer.auth_backends.RoleBackend",  # ModelBackend plus the permissions each role carries
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Five failures for one username from one address lock that pair; other people keep logging in.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = 1  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_CALLABLE = "trainer.middleware.axes_username"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "trainer" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Every page is served with a strict policy: only our own scripts and styles, no inline script.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Content roots: files the load commands read.
CURRICULUM_ROOT = BASE_DIR / "courses" / "content"
BANK_ROOT = BASE_DIR / "quizzes" / "content"

# Background work (reminder emails, group-robot messages) goes through Django's Tasks framework.
# "immediate" runs each task at once, in the request or command (development, tests); "database"
# stores it for django-tasks-db's worker (`manage.py db_worker`), which production runs beside gunicorn.
TASK_BACKENDS = {"immediate": "django.tasks.backends.immediate.ImmediateBackend",
                 "dummy": "django.tasks.backends.dummy.DummyBackend",
                 "database": "django_tasks_db.DatabaseBackend"}


def tasks_from_env(default: str) -> dict:
    """TASKS from TASKS_BACKEND (immediate, dummy or database)."""
    name = os.environ.get("TASKS_BACKEND", default)
    if name not in TASK_BACKENDS:
        raise ValueError(f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {name!r}")
    return {"default": {"BACKEND": TASK_BACKENDS[name]}}


TASKS = tasks_from_env("immediate")


def mailers_from_env(*, smtp: bool = False) -> dict:
    """SMTP when EMAIL_HOST is set, or always with `smtp` (production: a local MTA on localhost:25
    when EMAIL_HOST is not set); otherwise emails are printed on the console (development).
    Read: EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, EMAIL_USE_SSL."""
    host = os.environ.get("EMAIL_HOST")
    if not host and not smtp:
        return {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    return {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {
        "host": host or "localhost", "port": int(os.environ.get("EMAIL_PORT", "587" if host else "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""), "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", bool(host)), "use_ssl": env_bool("EMAIL_USE_SSL", False), "timeout": 20,
    }}}


MAILERS = mailers_from_env()
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "客服训练营 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Group robots the team webhooks may reach: WeChat Work's and DingTalk's, nothing inside our network.
WEBHOOK_ALLOWED_HOSTS = env_list("WEBHOOK_ALLOWED_HOSTS", "qyapi.weixin.qq.com,oapi.dingtalk.com")

# The address people open, for links that leave the site (sign-in links printed by import_trainees, emails).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

BENCH_ENDPOINTS = False  # the floor view for bench/pages.py; only settings.bench turns it on
