import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from quizzes import grading
from quizzes.models import Scenario
from quizzes.scoring.evaluation import GradedReply, Scored, evaluate

DEFAULT_SET = Path(settings.BASE_DIR).parent / "shared" / "eval" / "dev.jsonl"


class Command(BaseCommand):
    help = """Measure how well the scorer agrees with supervisors' grades on a graded set.

  evaluate_scorer [--set PATH] [--details] [--json]

The set is JSON lines {"id", "scenario", "reply", "grade" (0-4), "kind", "why"}; each reply is scored
against its scenario's current rubric, as score_reply does. Totals become grades by fixed bins
([0,40)→0, [40,60)→1, [60,75)→2, [75,90)→3, [90,100]→4); a grade of 3 or more is a pass. Prints n,
Spearman's ρ, quadratic-weighted kappa, pass/fail accuracy and Cohen's kappa, and per kind the share
passed and flagged; --details adds every disagreement with the scorer's reasons."""

    def add_arguments(self, parser):
        parser.add_argument("--set", dest="set_path", type=Path, default=DEFAULT_SET, help=f"graded set (default {DEFAULT_SET})")
        parser.add_argument("--details", action="store_true", help="print every disagreement with its reasons")
        parser.add_argument("--json", dest="as_json", action="store_true", help="print the figures as one JSON object")

    def handle(self, *args, set_path: Path, details: bool = False, as_json: bool = False, **options):
        items = self.read(set_path)
        scenarios = {s.slug: s for s in Scenario.objects.select_related("rubric").filter(slug__in={i.scenario for i in items})}
        missing = sorted({i.scenario for i in items} - scenarios.keys())
        if missing:
            raise CommandError(f"Scenarios not in the database: {', '.join(missing)} (run load_bank first).")
        scored = []
        for item in items:
            scenario = scenarios[item.scenario]
            result = grading.score_scenario_reply(scenario=scenario, rubric=scenario.rubric, reply=item.reply)
            scored.append(Scored(item, result["total"], result["passed"], result["needs_review"],
                                 tuple(r["code"] for r in result["review_reasons"]), result))
        evaluation = evaluate(scored)
        if as_json:
            self.stdout.write(json.dumps(evaluation.summary(), ensure_ascii=False))
            return
        self.report(evaluation)
        if details:
            self.disagreements(evaluation)

    def read(self, path: Path) -> list[GradedReply]:
        if not path.is_file():
            raise CommandError(f"No graded set at {path}. Give one with --set PATH (JSON lines).")
        items = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append(GradedReply.from_dict(json.loads(line)))
            except (ValueError, KeyError, TypeError) as exc:
                raise CommandError(f"{path}:{number}: {exc}") from exc
        if not items:
            raise CommandError(f"{path} holds no graded replies.")
        return items

    def report(self, evaluation) -> None:
        def f(value):
            return "—" if value is None else f"{value:.3f}"

        out = self.stdout.write
        out(f"n = {evaluation.n}")
        out(f"Spearman ρ            {f(evaluation.spearman)}")
        out(f"QWK (fixed bins)      {f(evaluation.qwk)}")
        out(f"pass/fail accuracy    {f(evaluation.pass_accuracy)}")
        out(f"pass/fail Cohen's κ   {f(evaluation.pass_kappa)}")
        out(f"gaming passed         {evaluation.gaming_passed:.1%}")
        out(f"gaming flagged        {evaluation.gaming_flagged:.1%}")
        out(f"grade 3-4 flagged     {evaluation.good_flagged:.1%}")
        out("")
        out(f"{'kind':<14}{'n':>4}{'passed':>9}{'flagged':>9}")
        for kind, figures in evaluation.kinds.items():
            out(f"{kind:<14}{figures.n:>4}{figures.passed:>9.0%}{figures.flagged:>9.0%}")

    def disagreements(self, evaluation) -> None:
        out = self.stdout.write
        rows = [s for s in evaluation.scored if s.disagrees]
        out(f"\n{len(rows)} disagreements (grade off by one or more, or the other side of the pass line):")
        for s in rows:
            out(f"\n{s.item.id} [{s.item.kind}] supervisor {s.item.grade}, scorer {s.auto_grade} "
                f"(total {s.total}, {'passed' if s.passed else 'failed'})")
            out(f"  reply: {s.item.reply}")
            out(f"  supervisor: {s.item.why}")
            for reason in s.result.get("review_reasons", ()):
                spans = "、".join(f"「{s.item.reply[a:b]}」" for a, b in reason.get("evidence", ()))
                out(f"  ! {reason['code']}: {reason['message']} {spans}")
            for c in s.result.get("criteria", ()):
                found = "、".join(f"「{s.item.reply[a:b]}」" for a, b in c["evidence"])
                out(f"  {'✓' if c['met'] else '✗'} {c['earned']:g}/{c['max']} {c['key']} ({c['kind']}) {c['label']} {found}")

