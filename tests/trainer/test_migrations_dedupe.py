"""The exactly-once migrations apply to a database that already holds duplicates (issue 12): racing
starts made several open quizzes of one module and several sittings of one round before the
constraints existed. Nothing typed is lost, nothing is double counted."""
from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("quizzes", "0005_answer_pass_mark"), ("trainer", "0003_onboardingpath_steps_version")]
LATEST = None  # every app's newest migration: the constraints and whatever came after them


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    if targets is LATEST:
        targets = executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_duplicates_are_resolved_before_the_constraints_are_added():
    apps = migrate(BEFORE)
    User, Team = apps.get_model("trainer", "User"), apps.get_model("trainer", "Team")
    Module, Course = apps.get_model("courses", "Module"), apps.get_model("courses", "Course")
    Attempt, Answer = apps.get_model("quizzes", "Attempt"), apps.get_model("quizzes", "Answer")
    Question = apps.get_model("quizzes", "Question")
    Exam, Round = apps.get_model("trainer", "CertificationExam"), apps.get_model("trainer", "CertificationRound")
    Sitting = apps.get_model("trainer", "CertificationAttempt")
    now = timezone.now()
    team = Team.objects.create(name="迁移组")
    trainee = User.objects.create(username="dup", team=team)
    course = Course.objects.create(slug="c", title="课程", summary="")
    module = Module.objects.create(course=course, slug="m", title="模块", summary="", order=1)
    question = Question.objects.create(slug="q", kind="truefalse", module=module, prompt="题", answer=[0], explanation="因")
    quizzes = [Attempt.objects.create(user=trainee, mode="module_quiz", module=module, started_at=now.replace(minute=m))
               for m in (1, 2, 3)]
    for attempt in quizzes:
        Answer.objects.create(attempt=attempt, user=trainee, question=question)
    Answer.objects.filter(attempt=quizzes[0]).update(selected=[0])  # something was chosen in the oldest one
    exam = Exam.objects.create(slug="e", name="认证")
    round_ = Round.objects.create(exam=exam, team=team, title="本轮", opens_on=now.date(), closes_on=now.date())
    sittings = []
    for n, (status, minute) in enumerate([("in_progress", 5), ("submitted", 6), ("submitted", 7)]):
        attempt = Attempt.objects.create(user=trainee, mode="certification", status=status, started_at=now.replace(minute=minute),
                                         submitted_at=now.replace(minute=minute + 1) if status == "submitted" else None, total=50)
        sittings.append(Sitting.objects.create(attempt=attempt, exam=exam, round=round_, trainee=trainee,
                                               verification_code=f"C{n}"))

    apps = migrate(LATEST)
    Attempt, Sitting = apps.get_model("quizzes", "Attempt"), apps.get_model("trainer", "CertificationAttempt")
    open_quizzes = Attempt.objects.filter(mode="module_quiz", status="in_progress")
    assert list(open_quizzes.values_list("pk", flat=True)) == [quizzes[2].pk]  # the newest stays open
    assert not Attempt.objects.filter(pk=quizzes[1].pk).exists()  # empty duplicate: gone
    kept = Attempt.objects.get(pk=quizzes[0].pk)  # typed into: closed for close_expired_attempts to score
    assert kept.status == "expired" and kept.total is None
    in_round = Sitting.objects.filter(round__isnull=False)
    assert list(in_round.values_list("pk", flat=True)) == [sittings[1].pk]  # the first finished one counts
    assert Sitting.objects.count() == 3  # the others are kept, detached from the round

    from quizzes.services import attempts_close_expired

    assert attempts_close_expired() >= 1
    kept.refresh_from_db()
    assert kept.status == "expired" and kept.total == 100
