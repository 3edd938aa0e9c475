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
    # Hired 10 days ago: module 1 steps (due day 2/3) not done are overdue; the last module (day 27) not started.
    second = assigned.steps.filter(kind="lesson").order_by("order")[1]
    assert by_step[second.pk].status == OVERDUE
    late_module = assigned.steps.filter(kind="module_quiz").order_by("-order").first()
    assert by_step[late_module.pk].status == NOT_STARTED
    assert progress.next_step.step.pk == second.pk
    assert progress.percent == round(100 / assigned.steps.count())


def test_quiz_step_passed_failed_in_progress(assigned, people):
    trainee = people.trainee
    module = Module.objects.get(slug="wechat-shop")  # due day 28: not overdue yet
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
    """A team's path is its default: every member without a path of their own follows it."""
    from trainer.models import OnboardingPath, PathAssignment, Team

    path = OnboardingPath.objects.get(slug="newhire-30-days")
    response = client_for(people.supervisor).post(reverse("trainer:path_assign"), {
        "path": path.pk, "team": people.team.pk})
    assert response.status_code == 302
    assert Team.objects.get(pk=people.team.pk).default_path == path and not PathAssignment.objects.exists()
    progress, _ = statuses(people.trainee)
    assert progress.path == path and progress.steps


def test_supervisor_cannot_assign_outside_their_teams(content, people, client_for):
    from trainer.models import OnboardingPath, PathAssignment

    response = client_for(people.supervisor).post(reverse("trainer:path_assign"), {
        "path": OnboardingPath.objects.get(slug="newhire-30-days").pk, "trainee": people.outsider.pk})
    assert response.status_code == 400 and not PathAssignment.objects.exists()
    body = response.content.decode()
    # Not even offered as a choice (a bare "t3" could sit inside the random CSRF token).
    assert f'<option value="{people.outsider.pk}"' not in body and f">{people.outsider.name}<" not in body


def test_assign_page_lists_new_hires_and_keeps_a_refused_choice(content, people, client_for):
    """The page lists trainees without a path (own teams only) with a link that picks them; a form
    with neither team nor trainee comes back with the reason and the chosen path still selected."""
    from django.utils.html import escape

    from trainer.models import OnboardingPath, PathAssignment

    client = client_for(people.supervisor)
    url = reverse("trainer:path_assign")
    page = client.get(url).content.decode()
    unassigned = page[page.index('data-testid="unassigned"'):]
    assert f"<td>{escape(people.trainee.name)}</td>" in unassigned and f"<td>{escape(people.teammate.name)}</td>" in unassigned
    assert f">{escape(people.outsider.name)}<" not in page  # whole cells: "t3" alone could be in a CSRF token
    picked = client.get(url, {"trainee": people.teammate.pk}).content.decode()
    assert f'<option value="{people.teammate.pk}" selected>' in picked
    path = OnboardingPath.objects.get(slug="newhire-30-days")
    refused = client.post(url, {"path": path.pk})
    body = refused.content.decode()
    assert refused.status_code == 400 and "请选择一个团队或一名学员。" in body
    assert f'<option value="{path.pk}" selected>' in body and not PathAssignment.objects.exists()
    done = client.post(url, {"path": path.pk, "trainee": people.teammate.pk}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("trainer:team_grid") and "已为 1 名学员分配" in done.content.decode()
    after = client.get(url).content.decode()
    assert f">{escape(people.teammate.name)}<" not in after[after.index('data-testid="unassigned"'):]


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
    path_assign(path=OnboardingPath.objects.get(slug="newhire-30-days"), trainees=extra, assigned_by=None)
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


# ------------------------------------------------------------- steps read with their lesson, module, exam

def _progress_queries(trainee):
    trainees = selectors.trainees_with_paths(user=trainee)
    with CaptureQueriesContext(connection) as ctx:
        progress = selectors.progress_for(trainees=trainees)[0]
    return progress, [q["sql"] for q in ctx.captured_queries]


def test_a_saved_step_lesson_module_or_exam_is_seen_on_the_next_read(assigned, people):
    from trainer.models import CertificationExam

    _progress_queries(people.trainee)
    step = assigned.steps.filter(kind="lesson").order_by("order").first()
    step.due_days = 40
    step.save()
    lesson = step.lesson
    lesson.title = "改过的课时标题"
    lesson.save()
    module_step = assigned.steps.filter(kind="module_quiz").order_by("order").first()
    module_step.module.title = "改过的模块"
    module_step.module.save()
    exam = CertificationExam.objects.get()
    exam.name, exam.pass_mark = "改过的考试", 55
    exam.save()
    progress, sql = _progress_queries(people.trainee)
    assert sum("trainer_pathstep" in q for q in sql) == 1  # one query, joined with lesson, module and exam
    by_pk = {s.step.pk: s for s in progress.steps}
    assert by_pk[step.pk].step.title == "改过的课时标题"
    assert by_pk[step.pk].due_on == people.trainee.hire_date + timedelta(days=40)
    assert by_pk[module_step.pk].step.title.startswith("改过的模块")
    assert progress.steps[-1].step.title == "改过的考试" and progress.steps[-1].step.exam.pass_mark == 55


def test_deleted_steps_and_reloaded_paths_are_seen(assigned, people):
    from trainer.services import onboarding_load
    from tests.trainer.conftest import ROOT

    before, _ = _progress_queries(people.trainee)
    assigned.steps.filter(kind="lesson").order_by("order").first().delete()
    after_delete, _ = _progress_queries(people.trainee)
    assert len(after_delete.steps) == len(before.steps) - 1
    onboarding_load(path=ROOT / "trainer" / "content" / "onboarding.toml")  # rebuilds the steps with bulk_create
    reloaded, sql = _progress_queries(people.trainee)
    assert any("trainer_pathstep" in q for q in sql)
    assert len(reloaded.steps) == len(before.steps)
    assert {s.step.pk for s in reloaded.steps} == set(assigned.steps.values_list("pk", flat=True))


def test_step_titles_follow_the_language(assigned, people):
    from django.utils import translation

    with translation.override("en"):
        english, _ = _progress_queries(people.trainee)
        quiz_en = next(s for s in english.steps if s.step.kind == "module_quiz").step.title
    with translation.override("zh-hans"):
        chinese, _ = _progress_queries(people.trainee)
        quiz_zh = next(s for s in chinese.steps if s.step.kind == "module_quiz").step.title
    assert quiz_zh.endswith("测验") and quiz_en.endswith("Quiz") and quiz_en != quiz_zh


def test_supervisor_home_counts_every_trainee_behind(assigned, people, client_for):
    """Not only the first ten: the card links to the grid filtered on overdue, and the numbers must agree."""
    from trainer.models import OnboardingPath
    from trainer.services import path_assign

    late = [user_create(team=people.team, hire_date=clock.today() - timedelta(days=60)) for _ in range(12)]
    on_time = [user_create(team=people.team, hire_date=clock.today()) for _ in range(3)]
    path_assign(path=OnboardingPath.objects.get(slug="newhire-30-days"), trainees=late + on_time, assigned_by=None)
    client = client_for(people.supervisor)
    body = client.get("/").content.decode()
    grid = client.get(reverse("trainer:team_grid"), {"overdue": "on"}).content.decode()
    behind = grid.count('data-testid="grid-row-')
    assert behind == 12 + 2  # the twelve hired 60 days ago and t1/t2 (10 days, module 1 overdue)
    assert f'data-testid="behind-count">{behind}<' in body


def test_answer_lists_on_home_and_trainee_detail_link_each_answer(assigned, people, client_for):
    """Scenario replies by their title, knowledge questions by their prompt, each with its mode and score."""
    from django.utils.html import escape

    from quizzes.models import Answer

    attempt = finish_quiz(people.trainee, Module.objects.get(slug="role-and-routine"), good=True)
    answers = list(Answer.objects.filter(attempt=attempt).select_related("scenario", "question"))
    assert len(answers) <= selectors.TRAINEE_DETAIL_ANSWERS, len(answers)  # all on the detail's first page
    home = client_for(people.trainee).get(reverse("home")).content.decode()
    detail = client_for(people.supervisor).get(reverse("trainer:trainee_detail", args=[people.trainee.pk])).content.decode()
    trainee = people.trainee
    assert (f"{escape(trainee.name)} <small class=\"text-secondary fs-6\">{escape(trainee.username)} · "
            f"{escape(trainee.team.name)} · 入职 {trainee.hire_date:%Y-%m-%d}</small>") in detail
    recent = sorted(answers, key=lambda a: a.submitted_at, reverse=True)[:8]
    assert home.count(str(Attempt.Mode.MODULE_QUIZ.label)) >= len(recent)
    for answer in recent:
        assert f'href="{answer.get_absolute_url()}"' in home
    for answer in answers:
        if answer.scenario_id:
            assert escape(answer.scenario.title) in home + detail
            assert f'href="{reverse("trainer:review_answer", args=[answer.pk])}"' in detail
        else:
            assert escape(answer.question.prompt[:20]) in detail
            assert f'href="{answer.get_absolute_url()}"' in detail
        assert f">{answer.auto_total}<" in detail


def test_grid_cells_show_status_score_link_and_due_date(assigned, people, client_for):
    """Each cell: the status (with the score of a quiz), a link to the evidence when there is one, the due day."""
    lesson_step = assigned.steps.filter(kind="lesson").order_by("order").first()
    lesson_complete(user=people.trainee, lesson=lesson_step.lesson)
    module = Module.objects.get(slug="role-and-routine")
    attempt = finish_quiz(people.trainee, module, good=True)
    body = client_for(people.supervisor).get(reverse("trainer:team_grid")).content.decode()
    row = body[body.index('data-testid="grid-row-t1"'):]
    row = row[:row.index("</tr>")]
    progress, by_step = statuses(people.trainee)
    for status in progress.steps:
        label = {"passed": "已通过", "failed": "未通过", "overdue": "已逾期", "in_progress": "进行中",
                 "not_started": "未开始"}[status.status]
        if status.score is not None:
            label += f" {status.score}"
        inner = (f'<a href="{status.evidence_url}">{label}</a>' if status.evidence_url and status.status != "overdue"
                 and status.status != "not_started" else f"<b>{label}</b>")
        assert f'<td class="gc s-{status.status}">{inner}<i>{status.due_on:%m-%d}</i></td>' in row, status
    quiz_step = assigned.steps.get(kind="module_quiz", module=module)
    assert by_step[quiz_step.pk].evidence_url == reverse("quizzes:attempt_result", args=[attempt.pk])
    assert f'<a href="{lesson_step.lesson.get_absolute_url()}">已通过</a>' in row


# What grid_cells (trainer/templatetags/progress_tags.py) replaces, for the test below.
GRID_CELLS_TEMPLATE = (
    '{% load progress_tags %}{% for s in row.steps %}<td class="gc s-{{ s.status }}">'
    '{% if s.evidence_url and s.status == "passed" or s.evidence_url and s.status == "failed" %}'
    '<a href="{{ s.evidence_url }}">{{ s.status|status_label }}{% if s.score is not None %} {{ s.score }}{% endif %}</a>'
    '{% else %}<b>{{ s.status|status_label }}{% if s.score is not None %} {{ s.score }}{% endif %}</b>{% endif %}'
    '<i>{{ s.due_on|date:"m-d" }}</i></td>{% endfor %}')


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_grid_cells_match_the_template_they_replace(language):
    """Every status, with and without a score and an evidence link (a hostile one included), in both languages."""
    from datetime import date

    from django.template import Context, Template
    from django.utils import translation

    from trainer.progress import StepStatus, TraineeProgress
    from trainer.templatetags.progress_tags import grid_cells

    class Step:
        def __init__(self, lesson_url=""):
            self.pk, self.lesson_url = 1, lesson_url

    steps = []
    for n, code in enumerate([PASSED, FAILED, OVERDUE, IN_PROGRESS, NOT_STARTED]):
        due = date(2026, 1 + n, 9 + n)
        steps += [StepStatus(Step(), code, due), StepStatus(Step("/lessons/a/"), code, due),
                  StepStatus(Step(), code, due, 80 + n, f"/attempts/{n}/result/"),
                  StepStatus(Step('/x/"><script>'), code, due, 0)]
    row = TraineeProgress(trainee=None, path=None, steps=steps)
    with translation.override(language):
        assert grid_cells(row) == Template(GRID_CELLS_TEMPLATE).render(Context({"row": row}))
