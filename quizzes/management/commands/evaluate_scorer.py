import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courses.content_errors import ContentErrors
from courses.models import Module, Tag
from quizzes import grading
from quizzes.bank_files import parse_extra_scenarios
from quizzes.models import Scenario
from quizzes.scoring import compile_snapshot, rubric_snapshot
from quizzes.scoring.evaluation import GradedReply, Scored, evaluate
from quizzes.services import bank_parse

EVAL_DIR = Path(settings.BASE_DIR).parent / "shared" / "eval"
# The graded sets of the team's shared folder, and the folder of scenarios its blind set was written for.
DEFAULT_SETS = ("dev.jsonl", "bank2.jsonl", "blind.jsonl")
DEFAULT_SCENARIOS = "blind-scenarios"


class Command(BaseCommand):
    help = """Measure how well the scorer agrees with supervisors' grades, one line of figures per graded set.

  evaluate_scorer [--set PATH ...] [--scenarios DIR ...] [--details] [--json]

Without --set: every set of ../shared/eval/ (dev, bank2, blind), with ../shared/eval/blind-scenarios/
loaded beside the bank. A set is JSON lines {"id", "scenario", "reply", "grade" (0-4), "kind", "why"};
each reply is scored against its scenario's current rubric, as score_reply does. A scenario found in a
--scenarios folder (scenario files in module folders, validated like the bank's, never loaded) is scored
from its file with the bank's concepts. Totals become grades by fixed bins ([0,40)→0, [40,60)→1,
[60,75)→2, [75,90)→3, [90,100]→4); a grade of 3 or more is a pass. Prints per set n, Spearman's ρ,
quadratic-weighted kappa, pass/fail accuracy and Cohen's kappa, gaming passed and flagged, grade 3-4
replies flagged, and the spread of QWK between the sets; --details adds every disagreement with the
scorer's reasons; --json prints {set name: figures}."""

    def add_arguments(self, parser):
        parser.add_argument("--set", dest="set_paths", type=Path, action="append", default=None,
                            help=f"a graded set; repeat for several (default: {', '.join(DEFAULT_SETS)} in {EVAL_DIR})")
        parser.add_argument("--scenarios", dest="scenario_dirs", type=Path, action="append", default=None,
                            help="a folder of extra scenario files scored beside the bank; repeat for several")
        parser.add_argument("--details", action="store_true", help="print every disagreement with its reasons")
        parser.add_argument("--json", dest="as_json", action="store_true", help="print the figures as one JSON object")

    def handle(self, *args, set_paths=None, scenario_dirs=None, details=False, as_json=False, **options):
        if set_paths is None:
            set_paths = [EVAL_DIR / name for name in DEFAULT_SETS]
            if scenario_dirs is None and (EVAL_DIR / DEFAULT_SCENARIOS).is_dir():
                scenario_dirs = [EVAL_DIR / DEFAULT_SCENARIOS]
        sets = {path.stem: self.read(path) for path in set_paths}
        extra = self.extra_scenarios(scenario_dirs or [])
        wanted = {item.scenario for items in sets.values() for item in items}
        stored = {s.slug: s for s in Scenario.objects.select_related("rubric").filter(slug__in=wanted)}
        missing = sorted(wanted - stored.keys() - extra.keys())
        if missing:
            raise CommandError(f"Scenarios not in the database nor in a --scenarios folder: {', '.join(missing)} "
                               "(run load_bank first, or give the folder their files are in).")
        results = {name: evaluate([self.scored(item, stored, extra) for item in items]) for name, items in sets.items()}
        if as_json:
            self.stdout.write(json.dumps({name: e.summary() for name, e in results.items()}, ensure_ascii=False))
            return
        for name, evaluation in results.items():
            self.report(name, evaluation)
        qwks = [e.qwk for e in results.values() if e.qwk is not None]
        if len(qwks) > 1:
            self.stdout.write(f"\nQWK spread between the sets: {max(qwks) - min(qwks):.3f}")
        if details:
            for name, evaluation in results.items():
                self.disagreements(name, evaluation)

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

    def extra_scenarios(self, folders: list[Path]) -> dict:
        """Scenario files of the --scenarios folders, each with its compiled rubric, by slug."""
        if not folders:
            return {}
        try:
            bank = bank_parse(root=Path(settings.BANK_ROOT))
            lexicon = bank.lexicon()
            modules = set(Module.objects.values_list("slug", flat=True))
            tags = {t.code for t in Tag.objects.all()}
            found = {}
            for folder in folders:
                if not folder.is_dir():
                    raise CommandError(f"No scenario folder at {folder}.")
                for scenario in parse_extra_scenarios(folder, concepts=bank.concepts, module_slugs=modules, tags=tags,
                                                      taken={s.slug for s in bank.scenarios}):
                    found[scenario.slug] = (scenario, compile_snapshot(rubric_snapshot(scenario.rubric, lexicon)))
        except ContentErrors as exc:
            raise CommandError("\n".join(str(error) for error in exc.errors)) from exc
        return found

    @staticmethod
    def scored(item: GradedReply, stored: dict, extra: dict) -> Scored:
        if item.scenario in stored:
            scenario = stored[item.scenario]
            result = grading.score_scenario_reply(scenario=scenario, rubric=scenario.rubric, reply=item.reply)
        else:
            scenario, compiled = extra[item.scenario]
            result = compiled.score(item.reply, buyer_text=scenario.buyer_text, topic_text=scenario.topic_text,
                                    reference=scenario.model_answer).to_dict()
        return Scored(item, result["total"], result["passed"], result["needs_review"],
                      tuple(r["code"] for r in result["review_reasons"]), result)

    def report(self, name: str, evaluation) -> None:
        def f(value):
            return "—" if value is None else f"{value:.3f}"

        out = self.stdout.write
        out(f"== {name}: n = {evaluation.n}")
        out(f"   QWK {f(evaluation.qwk)}   pass/fail κ {f(evaluation.pass_kappa)}   Spearman ρ {f(evaluation.spearman)}"
            f"   pass/fail accuracy {f(evaluation.pass_accuracy)}")
        out(f"   gaming passed {evaluation.gaming_passed:.1%}   gaming flagged {evaluation.gaming_flagged:.1%}"
            f"   grade 3-4 flagged {evaluation.good_flagged:.1%}")
        out("   " + "  ".join(f"{kind} {figures.n}: {figures.passed:.0%} passed, {figures.flagged:.0%} flagged"
                              for kind, figures in evaluation.kinds.items()))

    def disagreements(self, name: str, evaluation) -> None:
        out = self.stdout.write
        rows = [s for s in evaluation.scored if s.disagrees]
        out(f"\n== {name}: {len(rows)} disagreements (grade off by one or more, or the other side of the pass line):")
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

