"""Request hygiene shared by every view."""
from __future__ import annotations

from typing import Callable

from django.http import HttpRequest, HttpResponse, QueryDict

from courses.text import without_nul


def _without_nul(data: QueryDict) -> QueryDict:
    clean = QueryDict(mutable=True)
    for key, values in data.lists():
        clean.setlist(without_nul(key), [without_nul(v) for v in values])
    if clean == data:
        return data
    clean._mutable = False
    return clean


class StripNulMiddleware:
    """Drop NUL characters from query strings and form fields before any view or filter sees them.

    PostgreSQL cannot store or even compare text containing NUL, so a search or filter with one
    would fail with a server error; nobody types NUL on purpose (it comes from pasted binary).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.GET = _without_nul(request.GET)
        if request.method == "POST" and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            request.POST = _without_nul(request.POST)
        return self.get_response(request)


def axes_username(request: HttpRequest, credentials: dict | None) -> str:
    """The username django-axes records, capped to the length of a real username (150)."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value)[:150]


class FirstPasswordMiddleware:
    """Someone signed in with a temporary password or a one-time link sets their own password
    before anything else (the pages they still reach: that form, signing out, the language switch)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            from django.conf import settings
            from django.shortcuts import redirect
            from django.urls import reverse

            allowed = (reverse("trainer:first_password"), reverse("logout"), reverse("set_language"))
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                return redirect("trainer:first_password")
        return self.get_response(request)
