from datetime import date

from django.core.management.base import BaseCommand, CommandError

from trainer.reminders.services import reminders_send


class Command(BaseCommand):
    help = """Send today's reminders (run once a day, e.g. from cron at 08:30; safe to run again).

Trainees: a step due tomorrow, overdue steps, an exam round open that they have not sat.
Supervisors: flagged answers waiting for review, trainees with overdue steps, certificates
expiring within 14 days. Each goes in-app; by email to users with an address who have not switched
email off; and each team with a group robot gets one message a day. A reminder already sent for
the same thing on the same day is not sent again. Email and robot messages are enqueued through
Django's Tasks framework (TASKS_BACKEND): production's `manage.py db_worker` sends them."""

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to send for, YYYY-MM-DD (default: today)")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date {options['date']!r}: expected YYYY-MM-DD")
        run = reminders_send(today=today)
        self.stdout.write(f"Reminders: {run.notifications} in-app, {run.emails} email(s) and {run.webhooks} group "
                          f"message(s) enqueued, {run.already_sent} already sent today.")
