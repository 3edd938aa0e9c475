"""Production overlay: HTTPS everywhere; refuses to start without a real SECRET_KEY."""
import os

from django.core.checks.security.base import _check_secret_key
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env_bool, mailers_from_env, tasks_from_env

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
# The same test as `manage.py check --deploy` (security.W009: at least 50 characters, at least 5
# different ones, not Django's insecure prefix), applied at start-up instead of as a warning.
if not _check_secret_key(SECRET_KEY) or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured(
        "SECRET_KEY is missing or weak (it needs at least 50 characters, at least 5 of them different, "
        "and must be random). Make one with: python -c \"from django.core.management.utils import "
        "get_random_secret_key; print(get_random_secret_key())\"")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# Reminders are sent by django-tasks-db's worker: run `manage.py db_worker` beside gunicorn.
TASKS = tasks_from_env("database")
MAILERS = mailers_from_env(smtp=True)
