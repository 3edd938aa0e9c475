"""Local development: debug on, plain static storage so no collectstatic is needed."""
from .base import *  # noqa: F401,F403
from .base import STORAGES, env_bool

DEBUG = env_bool("DEBUG", True)
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
