"""Role checks for views. Anonymous users go to the login page; the wrong role gets 403."""
from __future__ import annotations

from functools import wraps
from typing import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def supervisor_required(view: View) -> View:
    """Supervisors and admins only."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.can_supervise:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def trainee_required(view: View) -> View:
    """Trainees only: pages about one's own onboarding."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_trainee:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
