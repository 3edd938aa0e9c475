import random
import sys
import time
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from courses import clock
from courses.models import Lesson, LessonCompletion
from quizzes import grading
from quizzes.models import Answer, Attempt, Review, Scenario, ScoreRecord
from quizzes.scoring import ENGINE_VERSION
from trainer.models import (
    CertificationAttempt, CertificationExam, CertificationRound, OnboardingPath, PathAssignment, Role, Team, User,
)

BATCH = 5000
# Reply shapes a real team produces: strong, partial, lazy, rude, copied from the buyer.
SHAPES = ("model", "model", "half", "first_clause", "one_word", "buyer", "rude_suffix")


class Command(BaseCommand):
    help = """Fill the database with realistic data for load and page-speed measurements.

  generate_demo_data --trainees 1000 --teams 50 --answers 100000

Creates teams (one supervisor each), trainees with hire dates and the onboarding path, lesson
completions, practice answers scored by the real engine (with score records), supervisor reviews
of about 5% of them, and two certification rounds per team with results. Users are named
gen-<n>; run it on an empty or demo database (load content first). Shows progress on stderr."""

    def add_arguments(self, parser):
        parser.add_argument("--trainees", type=int, default=1000)
        parser.add_argument("--teams", type=int, default=50)
        parser.add_argument("--answers", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--password", default="load-test-2026", help="password of every generated user")

    def handle(self, *args, trainees, teams, answers, seed, password, **options):
        if teams < 1 or trainees < teams:
            raise CommandError("Need at least one team and at least as many trainees as teams.")
        scenarios = list(Scenario.objects.filter(is_active=True, certification_only=False).select_related("rubric"))
        path = OnboardingPath.objects.filter(slug="newhire-30-days").first()
        exam = CertificationExam.objects.first()
        if not scenarios or path is None or exam is None:
            raise CommandError("Load content first: load_curriculum, load_bank, load_onboarding.")
        if User.objects.filter(username__startswith="gen-").exists():
            raise CommandError("Generated users already exist; use a fresh database.")
        rng = random.Random(seed)
        started = time.monotonic()
        with transaction.atomic():
            team_rows, supervisors, trainee_rows = self.people(teams, trainees, password, rng)
            self.onboarding(trainee_rows, path, rng)
        self.answers(trainee_rows, supervisors, scenarios, answers, rng)
        with transaction.atomic():
            self.certifications(team_rows, trainee_rows, exam, rng)
        self.stdout.write(f"Generated {teams} teams, {trainees} trainees, {answers} answers in "
                          f"{time.monotonic() - started:.0f} s.")

    def progress(self, label: str, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{label:<12} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}{end}")
        sys.stderr.flush()

    def people(self, teams, trainees, password, rng):
        hashed = make_password(password)
        today = clock.today()
        team_rows = Team.objects.bulk_create([Team(name=f"生成团队{i + 1:03d}") for i in range(teams)])
        supervisors = User.objects.bulk_create([
            User(username=f"gen-sup-{i + 1}", password=hashed, role=Role.SUPERVISOR, display_name=f"主管{i + 1}")
            for i in range(teams)])
        Team.supervisors.through.objects.bulk_create([
            Team.supervisors.through(team_id=t.pk, user_id=s.pk) for t, s in zip(team_rows, supervisors)])
        trainee_rows = User.objects.bulk_create([
            User(username=f"gen-{i + 1}", password=hashed, role=Role.TRAINEE, display_name=f"学员{i + 1}",
                 team=team_rows[i % teams], hire_date=today - timedelta(days=rng.randint(0, 60)))
            for i in range(trainees)], batch_size=1000)
        self.progress("people", trainees, trainees)
        return team_rows, {t.pk: s for t, s in zip(team_rows, supervisors)}, trainee_rows

    def onboarding(self, trainee_rows, path, rng):
        now = clock.now()
        PathAssignment.objects.bulk_create(
            [PathAssignment(trainee=t, path=path, assigned_at=now) for t in trainee_rows], batch_size=1000)
        lessons = list(Lesson.objects.order_by("module__order", "order").values_list("pk", flat=True))
        completions = []
        for trainee in trainee_rows:
            done = rng.randint(0, len(lessons))
            completions += [LessonCompletion(user=trainee, lesson_id=pk, completed_at=now - timedelta(hours=rng.randint(1, 900)))
                            for pk in lessons[:done]]
        LessonCompletion.objects.bulk_create(completions, batch_size=BATCH)
        self.progress("lessons", len(trainee_rows), len(trainee_rows))

    def reply_for(self, scenario, shape, rng) -> str:
        model = scenario.model_answer
        if shape == "model":
            return model
        if shape == "half":
            return model[: max(8, len(model) // 2)]
        if shape == "first_clause":
            return model.split(",")[0][:40] + "。"
        if shape == "one_word":
            return rng.choice(["在", "好的", "没有", "不行", "嗯"])
        if shape == "buyer":
            return scenario.buyer_text
        return model + rng.choice(["爱买不买。", "你烦不烦啊"])

    def answers(self, trainee_rows, supervisors, scenarios, total, rng):
        now = clock.now()
        done = 0
        while done < total:
            size = min(BATCH, total - done)
            with transaction.atomic():
                picks = []
                attempts = []
                for _ in range(size):
                    trainee, scenario = rng.choice(trainee_rows), rng.choice(scenarios)
                    when = now - timedelta(minutes=rng.randint(1, 60 * 24 * 60))
                    picks.append((trainee, scenario, when, self.reply_for(scenario, rng.choice(SHAPES), rng)))
                    attempts.append(Attempt(user=trainee, mode=Attempt.Mode.PRACTICE, module_id=scenario.module_id,
                                            status=Attempt.Status.SUBMITTED, started_at=when, submitted_at=when,
                                            pass_mark=scenario.pass_mark))
                Attempt.objects.bulk_create(attempts, batch_size=1000)
                rows, results = [], []
                for attempt, (trainee, scenario, when, reply) in zip(attempts, picks):
                    result = grading.score_scenario_reply(scenario=scenario, rubric=scenario.rubric, reply=reply)
                    attempt.total, attempt.passed = result["total"], result["passed"]
                    results.append(result)
                    submit_ms = rng.randint(20000, 150000)
                    rows.append(Answer(
                        attempt=attempt, user=trainee, scenario=scenario, reply_text=reply, submitted_at=when,
                        pass_mark=attempt.pass_mark, served_at=when - timedelta(milliseconds=submit_ms), received_at=when,
                        first_keystroke_ms=rng.randint(1500, 20000), submit_ms=submit_ms,
                        rubric=scenario.rubric, auto_result=result, auto_total=result["total"],
                        auto_passed=result["passed"], needs_review=result["needs_review"],
                        final_total=result["total"], final_passed=result["passed"]))
                Attempt.objects.bulk_update(attempts, ["total", "passed"], batch_size=1000)
                Answer.objects.bulk_create(rows, batch_size=1000)
                ScoreRecord.objects.bulk_create([
                    ScoreRecord(answer=a, rubric_id=a.rubric_id, engine_version=ENGINE_VERSION, result=r,
                                total=r["total"], passed=r["passed"], needs_review=r["needs_review"], created_at=a.submitted_at)
                    for a, r in zip(rows, results)], batch_size=1000)
                self.reviews([a for a in rows if rng.random() < 0.05], supervisors, rng)
            done += size
            self.progress("answers", done, total)

    def reviews(self, answers, supervisors, rng):
        reviews = []
        for answer in answers:
            criteria = []
            for c in answer.auto_result["criteria"]:
                final = c["earned"]
                if rng.random() < 0.15:  # supervisors disagree with some criteria
                    final = c["max"] if c["earned"] < c["max"] else 0.0
                criteria.append({"key": c["key"], "label": c["label"], "kind": c["kind"], "max": c["max"],
                                 "auto_earned": c["earned"], "final_earned": final})
            total, capped = grading.reviewed_total(
                auto_result=answer.auto_result, auto_total=answer.auto_total, criteria=criteria, cleared_caps=(),
                pass_mark=grading.rubric_pass_mark(answer))
            passed = not capped and total >= answer.attempt.pass_mark
            when = answer.submitted_at + timedelta(hours=rng.randint(1, 48))
            reviews.append(Review(answer=answer, reviewer=supervisors[answer.user.team_id], created_at=when,
                                  comment=rng.choice(["", "语气再亲切一些。", "先道歉再解决问题。", "很好,继续保持。"]),
                                  criteria=criteria, auto_total=answer.auto_total, final_total=total,
                                  final_passed=passed, rubric_id=answer.rubric_id))
            answer.final_total, answer.final_passed, answer.reviewed_at = total, passed, when
            answer.needs_review = False
        Review.objects.bulk_create(reviews, batch_size=1000)
        Answer.objects.bulk_update(answers, ["final_total", "final_passed", "reviewed_at", "needs_review"], batch_size=1000)

    def certifications(self, team_rows, trainee_rows, exam, rng):
        today = clock.today()
        rounds = []
        for team in team_rows:
            for months_ago in (2, 1):
                opens = today - timedelta(days=30 * months_ago)
                rounds.append(CertificationRound(exam=exam, team=team, title=f"{opens.month}月认证", opens_on=opens,
                                                 closes_on=opens + timedelta(days=6)))
        CertificationRound.objects.bulk_create(rounds)
        by_team = {}
        for round_ in rounds:
            by_team.setdefault(round_.team_id, []).append(round_)
        attempts, certs = [], []
        for trainee in trainee_rows:
            for round_ in by_team[trainee.team_id]:
                if rng.random() < 0.7:
                    score = max(0, min(100, int(rng.gauss(78, 12))))
                    started = clock.now() - timedelta(days=(today - round_.opens_on).days)
                    attempt = Attempt(user=trainee, mode=Attempt.Mode.CERTIFICATION, status=Attempt.Status.SUBMITTED,
                                      pass_mark=exam.pass_mark, started_at=started, submitted_at=started + timedelta(minutes=25),
                                      deadline=started + timedelta(minutes=exam.time_limit_minutes), total=score,
                                      passed=score >= exam.pass_mark)
                    attempts.append(attempt)
                    certs.append((attempt, trainee, round_))
        Attempt.objects.bulk_create(attempts, batch_size=1000)
        CertificationAttempt.objects.bulk_create([
            CertificationAttempt(attempt=a, exam=exam, round=r, trainee=t, verification_code=f"G{a.pk:011d}")
            for a, t, r in certs], batch_size=1000)
        self.progress("certs", len(certs), len(certs))
