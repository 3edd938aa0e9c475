import json

from django.core.management.base import BaseCommand

from quizzes.models import Scenario


class Command(BaseCommand):
    help = "Print every active scenario with its current rubric snapshot as one JSON document."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="include retired scenarios")

    def handle(self, *args, all=False, **options):
        scenarios = Scenario.objects.select_related("module", "rubric").prefetch_related("tags").order_by("slug")
        if not all:
            scenarios = scenarios.filter(is_active=True)
        data = [
            {
                "slug": s.slug, "title": s.title, "module": s.module.slug, "tags": [t.code for t in s.tags.all()],
                "difficulty": s.difficulty, "pass_mark": s.pass_mark, "context": s.context, "turns": s.turns,
                "model_answer": s.model_answer, "is_active": s.is_active, "certification_only": s.certification_only,
                "rubric": {"version": s.rubric.content_hash, **s.rubric.snapshot},
            }
            for s in scenarios
        ]
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
