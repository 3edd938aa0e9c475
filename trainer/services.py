"""Writes for the people side."""
from __future__ import annotations

from datetime import date

from django.db import transaction

from courses import clock

from .models import Notification, Role, Team, User


def notification_create(*, user: User, message: str, url: str = "") -> Notification:
    """Tell a user something in-app."""
    return Notification.objects.create(user=user, message=message[:300], url=url[:300])


def notification_mark_read(*, notification: Notification) -> None:
    """Mark one notification read (idempotent)."""
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])


@transaction.atomic
def user_upsert(
    *, username: str, password: str, role: str, display_name: str = "", team: Team | None = None,
    hire_date: date | None = None,
) -> tuple[User, bool]:
    """Create a user or update the given fields of an existing one; the password is set only on create."""
    user, created = User.objects.get_or_create(username=username, defaults={"role": role})
    user.role = role
    user.display_name = display_name
    user.team = team
    user.hire_date = hire_date
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    if created:
        user.set_password(password)
    user.save()
    return user, created
