from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courses.content_errors import ContentErrors
from trainer.services import onboarding_load


class Command(BaseCommand):
    help = """Load onboarding paths and certification exams from trainer/content/onboarding.toml (idempotent).

The file's header comment documents the format. Run after load_curriculum: steps refer to modules
and lessons. A path's steps are rebuilt on every run; progress is derived from completions and
attempts, so nothing a trainee did is lost."""

    def handle(self, *args, **options):
        path = settings.BASE_DIR / "trainer" / "content" / "onboarding.toml"
        try:
            exams, paths = onboarding_load(path=path)
        except ContentErrors as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} problem(s) in {path.name}; nothing was loaded.")
        self.stdout.write(f"Onboarding: {exams} exam(s), {paths} path(s).")
