"""Who may see whom, and the trainees as lists show them. Permission-checked lookups are access_<thing>_by_id."""
from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from ..models import Notification, Role, Team, User
from .progress import TRAINEE_PATH_FIELDS, TRAINEE_PATH_RELATED


def teams_visible_to(*, user: User) -> QuerySet[Team]:
    """Admins see every team; supervisors the teams they supervise; trainees none."""
    if user.is_platform_admin:
        return Team.objects.all()
    if user.is_supervisor:
        return Team.objects.filter(supervisors=user)
    return Team.objects.none()


def users_visible_to(*, user: User, listed: bool = True) -> QuerySet[User]:
    """Who may see whom, the one rule every app asks: admins everyone, a supervisor their teams' members,
    anyone else themselves. Lists, grids and counts (`listed`) leave inactive users out; opening one
    person's history by id (listed=False) keeps them, so a supervisor can still read a leaver's record."""
    users = User.objects.filter(is_active=True) if listed else User.objects.all()
    if user.is_platform_admin:
        return users
    if user.is_supervisor:
        return users.filter(team__supervisors=user)
    return users.filter(pk=user.pk)


def access_team_by_id(*, user: User, team_id: int) -> Team:
    """One of the teams the user supervises (any for admins), or 404."""
    return get_object_or_404(teams_visible_to(user=user), pk=team_id)


def trainees_visible_to(*, user: User, listed: bool = True) -> QuerySet[User]:
    """The trainees among users_visible_to."""
    return users_visible_to(user=user, listed=listed).filter(role=Role.TRAINEE)


def trainee_choices_for(*, user: User) -> QuerySet[User]:
    """The trainees a user may pick in a form, with only what their label needs (User.__str__)."""
    return trainees_visible_to(user=user).only("pk", "username", "display_name").order_by("display_name", "username")


def access_trainee_by_id(*, user: User, trainee_id: int) -> User:
    """The trainee (with team and path) if `user` may see them; 404 otherwise (no hint that the id exists)."""
    rows = trainees_with_paths(user=user, trainee_id=trainee_id, listed=False)
    if not rows:
        raise Http404
    return rows[0]


def notifications_for(*, user: User, limit: int = 50) -> QuerySet[Notification]:
    """A user's newest notifications."""
    return Notification.objects.filter(user=user).order_by("-created_at")[:limit]


def access_notification_by_id(*, user: User, notification_id: int) -> Notification:
    """One of the user's own notifications, or 404."""
    return get_object_or_404(Notification.objects, pk=notification_id, user=user)


# What a trainee in a list (grid, supervisor home, exports, trainee detail) shows: name, team, path since when.
_TRAINEE_FIELDS = ("username", "display_name", "first_name", "last_name", *TRAINEE_PATH_FIELDS)


def trainees_with_paths(*, user: User, team_id: int | None = None, trainee_id: int | None = None,
                        listed: bool = True) -> list[User]:
    """Trainees the user may see (of one team, or the one trainee), with team and path, in one query."""
    trainees = trainees_visible_to(user=user, listed=listed)
    if team_id:
        trainees = trainees.filter(team_id=team_id)
    if trainee_id is not None:
        trainees = trainees.filter(pk=trainee_id)
    return list(trainees.select_related(*TRAINEE_PATH_RELATED).only(*_TRAINEE_FIELDS)
                .order_by("team__name", "display_name", "username"))


def trainees_without_path(*, user: User) -> QuerySet[User]:
    """Trainees the user may see who have no onboarding path yet (new hires to set up)."""
    return (trainees_visible_to(user=user).filter(path_assignment__isnull=True, team__default_path__isnull=True).select_related("team")
            .only("username", "display_name", "first_name", "last_name", "hire_date", "team__name")
            .order_by("team__name", "display_name", "username"))

