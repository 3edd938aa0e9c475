"""Weak spots: misses per criterion, trainee, tag and week (supervisor overrides win), the answers behind a
cell, a trainee's weakest criteria with their lesson, certification participation, the pages."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses import clock
from courses.models import Lesson
from quizzes.models import Answer, Attempt, Review, Scenario
from tests.factories import user_create
from trainer import selectors
from trainer.forms import PERIOD_REVERSED, PERIOD_TOO_LONG


def crit(key: str, earned: float, max_: float = 2, label: str | None = None) -> dict:
    return {"key": key, "label": label or f"标准{key}", "kind": "covers", "earned": earned, "max": max_}


def scored(user, scenario, criteria: list[dict], *, days_ago: int = 0, mode: str = Attempt.Mode.PRACTICE) -> Answer:
    when = clock.now() - timedelta(days=days_ago)
    attempt = Attempt.objects.create(user=user, mode=mode, status=Attempt.Status.SUBMITTED, started_at=when,
                                     submitted_at=when, total=50, pass_mark=70)
    return Answer.objects.create(attempt=attempt, user=user, scenario=scenario, reply_text="亲,在的", submitted_at=when,
                                 auto_total=50, final_total=50, pass_mark=70, auto_result={"criteria": criteria})


def override(answer: Answer, reviewer, finals: dict[str, float], *, minutes_later: int = 1) -> Review:
    """A supervisor's review setting some criteria's final points (others keep the scorer's)."""
    rows = [{"key": c["key"], "label": c["label"], "kind": c["kind"], "max": c["max"], "auto_earned": c["earned"],
             "final_earned": finals.get(c["key"], c["earned"])} for c in answer.auto_result["criteria"]]
    at = answer.submitted_at + timedelta(minutes=minutes_later)
    Answer.objects.filter(pk=answer.pk).update(reviewed_at=at)
    return Review.objects.create(answer=answer, reviewer=reviewer, created_at=at, criteria=rows, auto_total=50,
                                 final_total=50, final_passed=False, rubric=answer.scenario.rubric)


@pytest.fixture
def two_scenarios(content):
    """Two scenarios with different tags."""
    first = Scenario.objects.filter(tags__isnull=False, certification_only=False).order_by("slug").first()
    other = (Scenario.objects.filter(certification_only=False, tags__isnull=False).exclude(tags__in=first.tags.all())
             .order_by("slug").first())
    return first, other


def period(days: int = 30):
    today = clock.today()
    return {"start": today - timedelta(days=days - 1), "end": today}


def test_misses_per_criterion_trainee_and_tag_with_overrides(two_scenarios, people):
    first, other = two_scenarios
    scored(people.trainee, first, [crit("a", 0), crit("b", 2)])
    reviewed = scored(people.trainee, first, [crit("a", 2), crit("b", 2)])
    override(reviewed, people.supervisor, {"b": 0})          # the supervisor took b away: a miss now
    restored = scored(people.teammate, other, [crit("a", 0), crit("b", 1)])
    override(restored, people.supervisor, {"a": 0}, minutes_later=1)
    override(restored, people.supervisor, {"a": 2}, minutes_later=5)  # the latest review counts: a is full
    scored(people.outsider, first, [crit("a", 0)])            # another team: never counted
    scored(people.trainee, first, [crit("a", 0)], days_ago=40)  # before the period
    spots = selectors.weak_spots(user=people.supervisor, **period())
    totals = {key: (cell.missed, cell.tried) for key, _label, cell in spots.criteria}
    assert totals == {"a": (1, 3), "b": (2, 3)}
    assert spots.answers == 3
    assert [key for key, _label in spots.columns] == ["b", "a"]  # most missed first
    people_cells = {person.username: {k: (c.missed, c.tried) for k, c in cells} for person, cells in spots.people}
    assert people_cells == {"t1": {"b": (1, 2), "a": (1, 2)}, "t2": {"b": (1, 1), "a": (0, 1)}}
    tag_cells = {tag.pk: ((all_.missed, all_.tried), {k: (c.missed, c.tried) for k, c in cells})
                 for tag, all_, cells in spots.tags}
    for tag in first.tags.all():
        assert tag_cells[tag.pk] == ((2, 4), {"b": (1, 2), "a": (1, 2)})
    for tag in other.tags.all():
        assert tag_cells[tag.pk] == ((1, 2), {"b": (1, 1), "a": (0, 1)})
    # The admin sees the other team as well; a team filter narrows to it.
    assert selectors.weak_spots(user=people.admin, **period()).answers == 4
    assert selectors.weak_spots(user=people.admin, team_id=people.other_team.pk, **period()).answers == 1
    assert selectors.weak_spots(user=people.supervisor, trainee_id=people.teammate.pk, **period()).answers == 1
    assert selectors.weak_spots(user=people.other_supervisor, trainee_id=people.trainee.pk, **period()).answers == 0


def test_shade_and_percent_table():
    table = [((0, 0), 0, 0), ((0, 4), 0, 0), ((1, 10), 10, 1), ((1, 5), 20, 1), ((1, 4), 25, 2), ((3, 4), 75, 4),
             ((9, 10), 90, 5), ((4, 4), 100, 5)]
    for (missed, tried), percent, shade in table:
        cell = selectors.WeakCell(tried=tried, missed=missed)
        assert (cell.percent, cell.shade) == (percent, shade), (missed, tried)


def test_trend_is_per_week(two_scenarios, people):
    first, _other = two_scenarios
    scored(people.trainee, first, [crit("a", 0)], days_ago=14)
    scored(people.trainee, first, [crit("a", 2)], days_ago=14)
    scored(people.trainee, first, [crit("a", 0)], days_ago=0)
    spots = selectors.weak_spots(user=people.supervisor, **period())
    assert len(spots.trend_weeks) == 2 and all(w.weekday() == 0 for w in spots.trend_weeks)
    assert spots.trend == [("a", "标准a", [50, 100])]
    chart = selectors.weak_trend_chart(spots=spots)
    assert chart["series"] == [{"label": "标准a", "values": [50, 100]}] and len(chart["weeks"]) == 2


def test_answers_behind_a_cell(two_scenarios, people):
    first, other = two_scenarios
    a1 = scored(people.trainee, first, [crit("a", 0), crit("b", 2)], days_ago=2)
    a2 = scored(people.trainee, other, [crit("a", 1)], days_ago=1)
    scored(people.trainee, first, [crit("a", 2), crit("b", 0)])
    a4 = scored(people.teammate, first, [crit("a", 0)])
    ids = selectors.weak_spot_answer_ids
    assert ids(user=people.supervisor, criterion="a", trainee_id=people.trainee.pk, **period()) == [a2.pk, a1.pk]
    tag = first.tags.first()
    assert ids(user=people.supervisor, criterion="a", tag_id=tag.pk, **period()) == [a4.pk, a1.pk]
    override(a4, people.supervisor, {"a": 2})
    assert ids(user=people.supervisor, criterion="a", tag_id=tag.pk, **period()) == [a1.pk]
    assert ids(user=people.other_supervisor, criterion="a", **period()) == []
    rows = selectors.weak_spot_answer_rows(answer_ids=[a2.pk, a1.pk], criterion="a")
    assert [(r.answer.pk, r.criterion_label, r.criterion_points) for r in rows] == [
        (a2.pk, "标准a", "1/2"), (a1.pk, "标准a", "0/2")]


def test_trainee_weakest_criteria_with_the_lesson_that_teaches_them(two_scenarios, people):
    first, other = two_scenarios
    for _ in range(3):
        scored(people.trainee, first, [crit("a", 0), crit("b", 2), crit("c", 0)])
    scored(people.trainee, first, [crit("a", 2), crit("b", 0), crit("c", 0)])
    scored(people.trainee, other, [crit("d", 2)])
    scored(people.teammate, first, [crit("z", 0)])  # someone else's
    weakest = selectors.weakest_criteria_for(trainee=people.trainee)
    assert [(w.key, w.cell.missed, w.cell.tried) for w in weakest] == [("c", 4, 4), ("a", 3, 4), ("b", 1, 4)]
    lessons = list(Lesson.objects.filter(module=first.module).prefetch_related("tags").order_by("order", "pk"))
    tags = set(first.tags.values_list("pk", flat=True))
    best = max(lessons, key=lambda lesson: (len(tags & {t.pk for t in lesson.tags.all()}), -lesson.order))
    assert all(w.lesson == best for w in weakest)
    assert selectors.weakest_criteria_for(trainee=people.teammate)[0].key == "z"


def test_trainee_home_shows_weakest_criteria(two_scenarios, assigned, people, client_for):
    first, _other = two_scenarios
    scored(people.trainee, first, [crit("a", 0, label="先回答买家的问题")])
    body = client_for(people.trainee).get(reverse("home")).content.decode()
    assert 'data-testid="weakest-criteria"' in body and "先回答买家的问题" in body and "/courses/" in body


def test_certification_participation_and_pass_rates(people, open_round, exam):
    from trainer.models import CertificationAttempt

    def sitting(trainee, passed):
        attempt = Attempt.objects.create(user=trainee, mode=Attempt.Mode.CERTIFICATION, status=Attempt.Status.SUBMITTED,
                                         started_at=clock.now(), submitted_at=clock.now(), total=80 if passed else 40,
                                         passed=passed)
        return CertificationAttempt.objects.create(attempt=attempt, exam=exam, round=open_round, trainee=trainee,
                                                   verification_code=f"CODE{trainee.pk}")

    sitting(people.trainee, True)
    user_create(team=people.team)  # a third trainee who has not sat
    [row] = selectors.certification_participation(user=people.supervisor, **period())
    assert (row.members, row.sat, row.passed, row.participation_percent, row.pass_percent) == (3, 1, 1, 33, 100)
    sitting(people.teammate, False)
    [row] = selectors.certification_participation(user=people.supervisor, **period())
    assert (row.sat, row.passed, row.pass_percent) == (2, 1, 50)
    assert selectors.certification_participation(user=people.other_supervisor, **period()) == []
    old = {"start": clock.today() - timedelta(days=90), "end": clock.today() - timedelta(days=60)}
    assert selectors.certification_participation(user=people.supervisor, **old) == []


def test_period_form_refuses_reversed_and_overlong_periods(people, client_for):
    client = client_for(people.supervisor)
    today = clock.today()
    response = client.get(reverse("trainer:weak_spots"), {"start": today.isoformat(), "end": (today - timedelta(days=1)).isoformat()})
    assert response.status_code == 400 and str(PERIOD_REVERSED) in response.content.decode()
    response = client.get(reverse("trainer:weak_spots"), {"start": (today - timedelta(days=400)).isoformat(), "end": today.isoformat()})
    assert response.status_code == 400 and str(PERIOD_TOO_LONG) in response.content.decode()
    response = client.get(reverse("trainer:weak_spots"))
    body = response.content.decode()
    assert response.status_code == 200 and f'value="{(today - timedelta(days=29)).isoformat()}"' in body


def test_heatmap_page_links_each_cell_to_its_answers(two_scenarios, people, client_for):
    first, _other = two_scenarios
    miss = scored(people.trainee, first, [crit("a", 0, label="讲清退换条件")])
    client = client_for(people.supervisor)
    body = client.get(reverse("trainer:weak_spots")).content.decode()
    assert "讲清退换条件" in body and "100%" in body and 'role="img"' not in body  # one week: no chart, the table only
    import re

    link = re.search(r'href="(/team/weak-spots/answers/\?[^"]+)" data-testid="heat-cell"', body).group(1).replace("&amp;", "&")
    page = client.get(link).content.decode()
    assert page.count('data-testid="weak-answer"') == 1 and reverse("trainer:review_answer", args=[miss.pk]) in page
    assert "“讲清退换条件”失分的回复" in page


def test_pages_keep_a_flat_number_of_queries(two_scenarios, people, client_for, open_round):
    first, other = two_scenarios
    client = client_for(people.supervisor)
    scored(people.trainee, first, [crit("a", 0)], days_ago=10)
    override(scored(people.trainee, first, [crit("a", 0)]), people.supervisor, {"a": 1})
    urls = [reverse("trainer:weak_spots"), reverse("trainer:weak_spot_answers") + "?criterion=a"]
    for url in urls:
        client.get(url)
    small = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        small.append(len(queries))
    for i in range(30):
        trainee = user_create(team=people.team) if i % 5 == 0 else people.teammate
        answer = scored(trainee, other if i % 2 else first, [crit("a", i % 3), crit(f"k{i % 4}", 0)], days_ago=i % 20)
        if i % 3 == 0:
            override(answer, people.supervisor, {"a": 0})
    large = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        large.append(len(queries))
    assert large == small


def test_another_teams_supervisor_sees_nothing_behind_a_cell(two_scenarios, people, client_for):
    first, _other = two_scenarios
    scored(people.trainee, first, [crit("a", 0)])
    url = reverse("trainer:weak_spot_answers")
    own = client_for(people.supervisor).get(url, {"criterion": "a", "trainee": people.trainee.pk})
    assert own.content.decode().count('data-testid="weak-answer"') == 1
    for query in ({"criterion": "a", "trainee": people.trainee.pk}, {"criterion": "a", "team": people.team.pk}, {}):
        response = client_for(people.other_supervisor).get(url, query)
        assert 'data-testid="weak-answer"' not in response.content.decode()
    page = client_for(people.other_supervisor).get(reverse("trainer:weak_spots"), {"team": people.team.pk}).content.decode()
    assert people.trainee.name not in page
    assert client_for(people.trainee).get(url).status_code == 403


def test_trend_chart_is_an_image_with_its_numbers_in_a_table(two_scenarios, people, client_for):
    first, _other = two_scenarios
    scored(people.trainee, first, [crit("a", 0, label="讲清退换条件")], days_ago=14)
    scored(people.trainee, first, [crit("a", 2, label="讲清退换条件")])
    body = client_for(people.supervisor).get(reverse("trainer:weak_spots")).content.decode()
    assert 'id="weak-trend-chart"' in body and 'role="img"' in body and 'aria-label="每周失分比例折线图' in body
    assert 'id="weak-trend" type="application/json"' in body and "/static/vendor/chartjs/chart.umd.min.js" in body
    table = body[body.index('data-testid="trend-table"'):]
    table = table[:table.index("</table>")]
    assert "讲清退换条件" in table and "<td>100%</td><td>0%</td>" in table



def test_trainee_home_keeps_its_answer_panels_until_a_new_answer_review_or_day(content, assigned, people, client_for,
                                                                          monkeypatch):
    from quizzes.models import Question
    from quizzes.services import ReplyInput, practice_answer_submit, review_submit
    from tests.trainer.conftest import submit_reply

    scenario = Scenario.objects.filter(certification_only=False).order_by("slug").first()
    first = submit_reply(people.trainee, scenario, "好的")
    client = client_for(people.trainee)

    def panels() -> tuple[list[tuple[str, int, int]], bool]:
        """(key, missed, tried) of the weakest criteria the home shows, and whether it draws the chart."""
        body = client.get(reverse("home")).content.decode()
        shown = [(w.key, w.cell.missed, w.cell.tried) for w in selectors.weakest_criteria_for(trainee=people.trainee)]
        listed = [row for row in shown if f"{row[2]} 次作答中失分 {row[1]} 次" in body]
        return listed, 'data-testid="score-table"' in body

    seen, chart = panels()
    assert seen and chart
    # A change the key cannot see (no new score record, no review) is not read again: the cached panels stay.
    Answer.objects.filter(pk=first.pk).update(auto_result={"criteria": []})
    assert "次作答中失分" in client.get(reverse("home")).content.decode()
    assert selectors.weakest_criteria_for(trainee=people.trainee) == []
    Answer.objects.filter(pk=first.pk).update(auto_result=first.auto_result)
    # A new answer (a new score record) is counted on the next page; a knowledge question (no score
    # record) shows in the recent results at once too.
    submit_reply(people.trainee, scenario, "稍等")
    again, _chart = panels()
    assert again and again[0][2] == seen[0][2] + 1
    question = Question.objects.filter(is_active=True, certification_only=False).order_by("slug").first()
    practice_answer_submit(user=people.trainee, question=question, data=ReplyInput(selected=(0,)))
    assert question.prompt[:20] in client.get(reverse("home")).content.decode()
    # A review giving every criterion full points counts at once.
    full = {c["key"]: c["max"] for c in first.auto_result["criteria"]}
    review_submit(answer_id=first.pk, reviewer=people.supervisor, points=full, comment="", passages=[],
                  seen_review_id=None)
    reviewed, _chart = panels()
    assert reviewed and reviewed[0][1] == again[0][1] - 1
    # A new day moves the 30-day window: answers 30 days old drop out without any new row.
    later = clock.now() + timedelta(days=30)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert "次作答中失分" not in client.get(reverse("home")).content.decode()
