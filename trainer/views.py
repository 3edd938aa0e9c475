"""Thin views for the people side: validate, call one service or selector, respond."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from . import selectors, services


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Trainees see their onboarding; supervisors and admins their teams."""
    if request.user.can_supervise:
        return render(request, "trainer/supervisor_home.html", {"teams": selectors.teams_visible_to(user=request.user)})
    return render(request, "trainer/trainee_home.html", {})


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    return render(request, "trainer/notifications.html", {"notifications": selectors.notifications_for(user=request.user)})


@login_required
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark read, then follow the notification's link (only ever to this site)."""
    notification = selectors.access_notification_by_id(user=request.user, notification_id=notification_id)
    services.notification_mark_read(notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("trainer:notifications")
