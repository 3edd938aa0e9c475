"""Benchmark overlay: production settings over plain HTTP on loopback, plus the floor view.

Only for bench/ scripts: cookies are not marked Secure because the benchmark talks HTTP to
127.0.0.1, and static files come from the app folders (no collectstatic step).
"""
import os

os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

from .prod import *  # noqa: E402,F401,F403
from .prod import STORAGES  # noqa: E402

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
BENCH_ENDPOINTS = True
AXES_ENABLED = False  # the load test logs in many times from one address
