"""Background work through Django's Tasks framework: the page or the daily command enqueues, a worker
sends (the immediate backend runs it at once in development and tests; django-tasks-db's db_worker
in production), so a slow mail server or robot never holds anything up."""
from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task

from .webhooks import webhook_post


@task
def reminder_email_send(*, to: str, subject: str, body: str) -> None:
    """One reminder email (plain text)."""
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]).send()


@task
def team_webhook_send(*, url: str, text: str) -> None:
    """One text message to a team's group robot."""
    webhook_post(url=url, text=text)
