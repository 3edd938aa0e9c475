from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courses.content_errors import ContentErrors
from courses.lesson_files import parse_curriculum
from courses.services import curriculum_apply


class Command(BaseCommand):
    help = """Load the curriculum from files (idempotent: re-running updates in place, keeps completions).

Layout under the content root (default courses/content/):
  tags.toml                          [customer] and [situation] tables: key = "名称"
  <course>/_course.toml              slug, title, summary
  <course>/<NN-module>/_module.toml  slug, title, order, summary
  <course>/<NN-module>/<NN-x>.md     TOML front matter between +++ lines:
                                     slug, title, order, minutes (3-30), goals (2-5), tags (known codes)
                                     body: headings ## 讲解, ## 对话示例, ## 做与不做, ## 小结
                                     and at least one ```chat block (买家:/客服:/备注: lines)
Every file is validated before anything is written; an invalid file is reported with its path,
field and line, and nothing is loaded. See docs/authoring.md."""

    def add_arguments(self, parser):
        parser.add_argument("--root", type=Path, default=None, help="content root (default: courses/content)")
        parser.add_argument("--check", action="store_true", help="validate only, write nothing")
        parser.add_argument("--prune", action="store_true", help="delete lessons no longer present in the files")

    def handle(self, *args, root=None, check=False, prune=False, **options):
        root = root or settings.CURRICULUM_ROOT
        try:
            curriculum = parse_curriculum(Path(root))
        except ContentErrors as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} problem(s) in the curriculum files; nothing was loaded.")
        lessons = sum(len(m.lessons) for c in curriculum.courses for m in c.modules)
        if check:
            self.stdout.write(f"OK: {len(curriculum.courses)} course(s), {lessons} lesson(s) valid.")
            return
        report = curriculum_apply(curriculum=curriculum, prune=prune)
        self.stdout.write(
            f"Curriculum: {report.created} created, {report.updated} updated, {report.unchanged} unchanged"
            + (f", {report.pruned} pruned" if report.pruned else "")
            + "."
        )
        if report.stale and not prune:
            self.stdout.write(f"Not in the files any more (kept; use --prune): {', '.join(report.stale)}")
