from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction

from courses import clock
from trainer.demo import DEMO_LOGINS, DEMO_TEAM_NAME, demo_activity
from trainer.models import Team
from trainer.services import user_upsert


class Command(BaseCommand):
    help = """Create (or refresh) the demo team: one supervisor, three trainees and an admin, the demo
onboarding path, an open certification round, and some practice answers to review. Safe to run
again: users keep their passwords, activity is added only once."""

    @transaction.atomic
    def handle(self, *args, **options):
        team, _ = Team.objects.get_or_create(name=DEMO_TEAM_NAME)
        today = clock.today()
        users = {}
        for login in DEMO_LOGINS:
            user, _ = user_upsert(
                username=login.username, password=login.password, role=login.role,
                display_name=login.display_name, team=team if login.role == "trainee" else None,
                hire_date=today - timedelta(days=login.hired_days_ago) if login.hired_days_ago is not None else None,
            )
            users[login.username] = user
            if login.role == "supervisor":
                team.supervisors.add(user)
        summary = demo_activity(team=team, users=users)
        self.stdout.write(f"Demo team “{DEMO_TEAM_NAME}” ready ({summary}). Log in at http://127.0.0.1:8000/ with:")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.role:<10} {login.username:<9} password: {login.password}")
