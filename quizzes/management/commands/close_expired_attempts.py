"""Close and score every timed attempt whose deadline has passed (run it every few minutes from cron)."""
from django.core.management.base import BaseCommand

from quizzes.services import attempts_close_expired


class Command(BaseCommand):
    help = (
        "Close every exam whose deadline has passed and score it from the drafts saved in time, so that an "
        "exam nobody opens again still becomes a result (bands, the two-rounds-below-65 alert). Pages close "
        "such exams when they read them; this command catches the rest. Safe to run at any time, and twice."
    )

    def handle(self, *args, **options):
        closed = attempts_close_expired()
        self.stdout.write(f"Closed {closed} expired attempt(s).")
