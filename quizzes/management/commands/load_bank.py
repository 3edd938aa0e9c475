from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courses.content_errors import ContentErrors
from quizzes.services import bank_apply, bank_parse


class Command(BaseCommand):
    help = """Load the question bank from files (idempotent; run load_curriculum first).

Under the bank root (default quizzes/content/):
  concepts/*.toml            one [table] per concept: label, phrases = [...], negatable (default true)
  scenarios/<module>/*.toml  slug, title, module, tags, difficulty (1-3), pass_mark (50-90), context,
                             model_answer, [[turns]] role/text (last is the buyer),
                             [[criteria]] key, kind (covers|avoids|form), label, weight (1-5), feedback,
                             praise, concepts/phrases/mode/auto_fail (covers, avoids), check/min/max (form)
  questions/<module>.toml    [[questions]] slug, kind (single|multiple|truefalse), module, tags, prompt,
                             choices, answer (0-based indexes; true/false), explanation,
                             lesson (slug of the lesson it tests, in the same module)
Every file is validated before anything is written; errors name the file, field and line, and
nothing is loaded. A rubric whose content changed is stored as a new version: old answers keep the
version they were scored with (see `rescore`). See docs/authoring.md."""

    def add_arguments(self, parser):
        parser.add_argument("--root", type=Path, default=None, help="bank root (default: quizzes/content)")
        parser.add_argument("--check", action="store_true", help="validate only, write nothing")

    def handle(self, *args, root=None, check=False, **options):
        try:
            bank = bank_parse(root=Path(root or settings.BANK_ROOT))
        except ContentErrors as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} problem(s) in the bank files; nothing was loaded.")
        if check:
            self.stdout.write(f"OK: {len(bank.concepts)} concepts, {len(bank.scenarios)} scenarios, "
                              f"{len(bank.questions)} questions valid.")
            return
        r = bank_apply(bank=bank)
        self.stdout.write(
            f"Bank: scenarios {r.scenarios_created} created / {r.scenarios_updated} updated, "
            f"questions {r.questions_created} created / {r.questions_updated} updated, "
            f"{r.rubric_versions_created} new rubric version(s), {r.retired} retired."
        )
