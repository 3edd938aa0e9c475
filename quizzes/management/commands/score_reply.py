import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes import grading
from quizzes.models import Scenario


class Command(BaseCommand):
    help = """Score a reply against a scenario's current rubric and print the full result as JSON.

  score_reply SLUG --text "亲,真的很抱歉……"
  score_reply SLUG --file reply.txt
  score_reply < replies.jsonl      (one {"scenario": slug, "reply": "..."} per line; one JSON result per line)
  --explain                        adds "diagnostics": why phrases did not count (negated by what, copied
                                   from the buyer, saying the opposite)"""

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", help="scenario slug")
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--text", help="the reply text")
        source.add_argument("--file", type=Path, help="a UTF-8 file holding the reply")
        parser.add_argument("--explain", action="store_true", help="say why phrases did not count")

    def handle(self, *args, slug=None, text=None, file=None, explain=False, **options):
        self.explain = explain
        if slug:
            if text is None and file is None:
                raise CommandError("Give the reply with --text or --file (or JSON lines on stdin without a slug).")
            reply = text if text is not None else file.read_text(encoding="utf-8")
            self.stdout.write(json.dumps(self.score(slug, reply), ensure_ascii=False, indent=2))
            return
        for number, line in enumerate(sys.stdin, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                result = self.score(item["scenario"], item["reply"])
            except (ValueError, KeyError, TypeError, CommandError) as exc:
                result = {"line": number, "error": str(exc)}
            self.stdout.write(json.dumps(result, ensure_ascii=False))

    def score(self, slug: str, reply: str) -> dict:
        scenario = Scenario.objects.select_related("rubric").filter(slug=slug).first()
        if scenario is None:
            raise CommandError(f"No scenario {slug!r} (see export_scenarios).")
        result = grading.score_scenario_reply(scenario=scenario, rubric=scenario.rubric, reply=reply, explain=self.explain)
        return {"scenario": slug, "rubric_version": scenario.rubric.content_hash, **result}
