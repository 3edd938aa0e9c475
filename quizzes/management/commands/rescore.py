import sys
import time

from django.core.management.base import BaseCommand

from quizzes.services import answers_rescore


class Command(BaseCommand):
    help = """Re-score stored scenario answers under each scenario's current rubric version.

Old results are kept (every score is a ScoreRecord); answers reviewed by a supervisor keep their
final score. Answers already scored with the current version are skipped unless --all."""

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="re-score even answers already on the current version")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, all=False, batch_size=2000, **options):
        started = time.monotonic()
        interactive = sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            width = 30
            filled = int(width * done / total) if total else width
            rate = done / max(time.monotonic() - started, 1e-6)
            line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} ({rate:,.0f}/s)"
            self.stderr.write(("\r" + line) if interactive else line, ending="" if interactive else "\n")

        count = answers_rescore(batch_size=batch_size, force=all, progress=progress)
        if interactive and count:
            self.stderr.write("")
        self.stdout.write(f"Re-scored {count} answer(s) in {time.monotonic() - started:.1f} s.")
