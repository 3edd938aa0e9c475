"""Reads for the people side. Permission-checked lookups are named access_<thing>_by_id."""
from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from .models import Notification, Role, Team, User


def teams_visible_to(*, user: User) -> QuerySet[Team]:
    """Admins see every team; supervisors the teams they supervise; trainees none."""
    if user.is_platform_admin:
        return Team.objects.all()
    if user.is_supervisor:
        return Team.objects.filter(supervisors=user)
    return Team.objects.none()


def trainees_visible_to(*, user: User) -> QuerySet[User]:
    """Trainees a user may look at: a supervisor's own teams, everyone for admins, oneself for a trainee."""
    trainees = User.objects.filter(role=Role.TRAINEE, is_active=True)
    if user.is_platform_admin:
        return trainees
    if user.is_supervisor:
        return trainees.filter(team__supervisors=user)
    return trainees.filter(pk=user.pk)


def access_trainee_by_id(*, user: User, trainee_id: int) -> User:
    """The trainee if `user` may see them; 404 otherwise (no hint that the id exists)."""
    try:
        return trainees_visible_to(user=user).select_related("team").get(pk=trainee_id)
    except User.DoesNotExist:
        raise Http404


def notifications_for(*, user: User, limit: int = 50) -> QuerySet[Notification]:
    """A user's newest notifications."""
    return Notification.objects.filter(user=user).order_by("-created_at")[:limit]


def access_notification_by_id(*, user: User, notification_id: int) -> Notification:
    """One of the user's own notifications, or 404."""
    try:
        return Notification.objects.get(pk=notification_id, user=user)
    except Notification.DoesNotExist:
        raise Http404
