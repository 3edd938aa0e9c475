"""The one seam through which the platform reads the time.

It lives in `courses`, the app every other app may import, so tests can move time for all of
them in one place (monkeypatch `courses.clock.now`).
"""
from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    """Aware current time."""
    return timezone.now()


def today() -> date:
    """Current date in the active time zone."""
    return timezone.localdate(now())
