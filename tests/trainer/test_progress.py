"""Onboarding progress is derived from completions and attempts; statuses, due dates, homes."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses import clock
from courses.models import Lesson, Module
from courses.services import lesson_complete
from quizzes import services as quiz_services
from quizzes.models import Attempt
from tests.factories import attempt_inputs, user_create
from trainer import selectors
from trainer.models import PathStep
from trainer.selectors import FAILED, IN_PROGRESS, NOT_STARTED, OVERDUE, PASSED


def statuses(trainee):
    progress = selectors.progress_for(trainees=selectors.trainees_with_paths(user=trainee))[0]
    return progress, {s.step.pk: s for s in progress.steps}


def finish_quiz(trainee, module, good: bool):
    attempt = quiz_services.module_quiz_start(user=trainee, module=module)
    return quiz_services.attempt_submit(attempt_id=attempt.pk, user=trainee, inputs=attempt_inputs(attempt, good=good))


def test_path_expands_every_lesson_and_module_quiz(assigned):
    steps = list(assigned.steps.all())
    assert sum(s.kind == PathStep.Kind.LESSON for s in steps) == Lesson.objects.count()
    assert sum(s.kind == PathStep.Kind.MODULE_QUIZ for s in steps) == Module.objects.count()
    assert steps[-1].kind == PathStep.Kind.CERTIFICATION and steps[-1].due_days == 30


def test_statuses_follow_what_the_trainee_did(assigned, people):
    trainee = people.trainee
    first_lesson = assigned.steps.filter(kind="lesson").first()
    lesson_complete(user=trainee, lesson=first_lesson.lesson)
    progress, by_step = statuses(trainee)
    assert by_step[first_lesson.pk].status == PASSED
    # Hired 10 days ago: module 1 steps (due day 2/3) not done are overdue; module 9 (day 27) not started.
    second = assigned.steps.filter(kind="lesson").order_by("order")[1]
    assert by_step[second.pk].status == OVERDUE
    late_module = assigned.steps.filter(kind="module_quiz").order_by("-order").first()
    assert by_step[late_module.pk].status == NOT_STARTED
    assert progress.next_step.step.pk == second.pk
    assert progress.percent == round(100 / assigned.steps.count())


def test_quiz_step_passed_failed_in_progress(assigned, people):
    trainee = people.trainee
    module = Module.objects.get(slug="service-ethics")  # due day 28: not overdue yet
    step = assigned.steps.get(kind="module_quiz", module=module)
    quiz_services.module_quiz_start(user=trainee, module=module)
    assert statuses(trainee)[1][step.pk].status == IN_PROGRESS
    Attempt.objects.filter(user=trainee).delete()
    failed = finish_quiz(trainee, module, good=False)
    status = statuses(trainee)[1][step.pk]
    assert status.status == FAILED and status.score == failed.total
    assert status.evidence_url == reverse("quizzes:attempt_result", args=[failed.pk])
    passed = finish_quiz(trainee, module, good=True)
    status = statuses(trainee)[1][step.pk]
    assert status.status == PASSED and status.score == passed.total


def test_hire_date_moves_the_due_dates(assigned, people):
    trainee = people.trainee
    trainee.hire_date = clock.today()
    trainee.save()
    progress, _ = statuses(trainee)
    assert progress.overdue == []
    assert progress.steps[0].due_on == clock.today() + timedelta(days=progress.steps[0].step.due_days)


def test_trainee_without_path(content, people):
    progress = selectors.progress_for(trainees=selectors.trainees_with_paths(user=people.trainee))[0]
    assert progress.path is None and progress.steps == [] and progress.percent == 0


def test_trainee_home_shows_next_step_overdue_and_chart(assigned, people, client_for):
    from tests.trainer.conftest import submit_reply
    from quizzes.models import Scenario

    submit_reply(people.trainee, Scenario.objects.first(), Scenario.objects.first().model_answer)
    body = client_for(people.trainee).get(reverse("home")).content.decode()
    assert 'data-testid="next-step"' in body and 'data-testid="overdue-list"' in body
    assert 'id="score-series"' in body and "score-chart" in body
    progress, _ = statuses(people.trainee)
    assert f'{progress.percent}%' in body


def test_assign_path_to_a_whole_team_in_one_action(content, people, client_for):
    from trainer.models import OnboardingPath, PathAssignment

    response = client_for(people.supervisor).post(reverse("trainer:path_assign"), {
        "path": OnboardingPath.objects.get().pk, "team": people.team.pk})
    assert response.status_code == 302
    assert set(PathAssignment.objects.values_list("trainee__username", flat=True)) == {"t1", "t2"}


def test_supervisor_cannot_assign_outside_their_teams(content, people, client_for):
    from trainer.models import OnboardingPath, PathAssignment

    client_for(people.supervisor).post(reverse("trainer:path_assign"), {
        "path": OnboardingPath.objects.get().pk, "trainee": people.outsider.pk})
    assert not PathAssignment.objects.exists()


def test_grid_shows_only_own_teams_and_filters(assigned, people, client_for):
    body = client_for(people.supervisor).get(reverse("trainer:team_grid")).content.decode()
    assert 'data-testid="grid-row-t1"' in body and 'data-testid="grid-row-t3"' not in body
    lesson_complete(user=people.teammate, lesson=Lesson.objects.order_by("module__order", "order").first())
    body = client_for(people.supervisor).get(reverse("trainer:team_grid"), {"sort": "progress"}).content.decode()
    assert body.index("grid-row-t2") < body.index("grid-row-t1")


def test_grid_queries_do_not_grow_with_trainees(assigned, people, client_for):
    from trainer.models import OnboardingPath
    from trainer.services import path_assign

    client = client_for(people.supervisor)
    url = reverse("trainer:team_grid")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    extra = [user_create(team=people.team, hire_date=clock.today()) for _ in range(15)]
    path_assign(path=OnboardingPath.objects.get(), trainees=extra, assigned_by=None)
    for trainee in extra[:5]:
        lesson_complete(user=trainee, lesson=Lesson.objects.first())
        finish_quiz(trainee, Module.objects.get(slug="role-and-routine"), good=True)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.content.decode().count("grid-row-") == 17
    assert len(large) == len(small), [q["sql"][:80] for q in large.captured_queries]


@pytest.mark.parametrize("sort", ["name", "progress", "progress_asc", "overdue", "hire_date", "bogus"])
def test_grid_sorts_never_fail(assigned, people, client_for, sort):
    assert client_for(people.supervisor).get(reverse("trainer:team_grid"), {"sort": sort}).status_code == 200
