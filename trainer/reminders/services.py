"""Sending reminders: once per thing and day (ReminderSent), in-app at once, email and group robot
through background tasks."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from courses import clock

from ..models import ReminderSent, Team, User
from ..services import notification_create
from .selectors import Due, reminders_due, team_day_text
from .tasks import reminder_email_send, team_webhook_send


@dataclass
class ReminderRun:
    """What one run sent: in-app notifications, emails and group messages enqueued, and what was skipped as already sent."""

    notifications: int = 0
    emails: int = 0
    webhooks: int = 0
    already_sent: int = 0


def _claim(*, kind: str, subject: str, on_date: date, user: User | None = None, team: Team | None = None) -> bool:
    """Record that this reminder goes out; False if it already went (another run, the same day)."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(kind=kind, subject=subject, on_date=on_date, user=user, team=team,
                                        created_at=clock.now())
    except IntegrityError:
        return False
    return True


def reminders_send(*, today: date | None = None) -> ReminderRun:
    """Find what is due today and send each reminder that has not gone out yet (safe to run again)."""
    today = today or clock.today()
    due, team_days = reminders_due(today=today)
    run = ReminderRun()
    by_user: dict[int, tuple[User, list[Due]]] = {}
    for item in due:
        with transaction.atomic():
            if not _claim(kind=item.kind, subject=item.subject, on_date=item.on_date, user=item.user):
                run.already_sent += 1
                continue
            notification_create(user=item.user, message=item.message, url=item.url)
        run.notifications += 1
        by_user.setdefault(item.user.pk, (item.user, []))[1].append(item)
    for user, items in by_user.values():
        if user.email and user.email_reminders:
            reminder_email_send.enqueue(to=user.email, subject=_("【客服训练营】%(n)d 条提醒") % {"n": len(items)},
                                        body=reminder_email_body(user=user, items=items))
            run.emails += 1
    for day in team_days:
        text = team_day_text(day, today=today, site_url=settings.SITE_URL)
        if text and _claim(kind=ReminderSent.Kind.TEAM_DIGEST, subject="", on_date=today, team=day.team):
            team_webhook_send.enqueue(url=day.team.webhook_url, text=text)
            run.webhooks += 1
    return run


def reminder_email_body(*, user: User, items: list[Due]) -> str:
    """Plain text: each reminder with its link, and how to switch these emails off."""
    lines = [_("%(name)s,你好:") % {"name": user.name}, ""]
    for item in items:
        lines.append(f"· {item.message}")
        if item.url:
            lines.append(f"  {settings.SITE_URL}{item.url}")
    settings_url = settings.SITE_URL + reverse("trainer:notification_settings")
    lines += ["", _("不想再收到提醒邮件?在“通知设置”里关闭:%(url)s") % {"url": settings_url}]
    return "\n".join(lines)


def user_reminder_settings_update(*, user: User, email: str, email_reminders: bool) -> None:
    """A user's own email address and whether reminders also come by email."""
    user.email = email
    user.email_reminders = email_reminders
    user.save(update_fields=["email", "email_reminders"])


def team_webhook_update(*, team: Team, webhook_url: str) -> None:
    """A team's group-robot address (empty: no group messages)."""
    team.webhook_url = webhook_url
    team.save(update_fields=["webhook_url"])
