"""The review queue: ranking by need, filters, the per-team sampling rule, the queue size, the settings page."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses import clock
from quizzes import selectors as quiz_selectors
from quizzes.models import Answer, Attempt, Scenario
from quizzes.selectors import QueueSampling, sample_bucket
from tests.factories import user_create
from trainer import selectors
from trainer.models import Team


def make_answer(user, scenario, *, total: int, pass_mark: int = 70, flagged: bool = False, age_minutes: int = 0,
                mode: str = Attempt.Mode.PRACTICE, reviewed: bool = False) -> Answer:
    """A submitted scenario answer with exactly the fields the queue ranks by."""
    when = clock.now() - timedelta(minutes=age_minutes)
    attempt = Attempt.objects.create(user=user, mode=mode, status=Attempt.Status.SUBMITTED, pass_mark=pass_mark,
                                     started_at=when, submitted_at=when, total=total)
    return Answer.objects.create(attempt=attempt, user=user, scenario=scenario, reply_text=f"回复{total}", submitted_at=when,
                                 auto_total=total, final_total=total, auto_passed=total >= pass_mark, pass_mark=pass_mark,
                                 needs_review=flagged, reviewed_at=when if reviewed else None, auto_result={"criteria": []})


@pytest.fixture
def scenario(content):
    return Scenario.objects.order_by("slug").first()


# (label, total, flagged, age in minutes) in the order the queue must give them.
RANKING = [
    ("flagged, failing, near", 68, True, 1),
    ("flagged, failing, far", 20, True, 50),
    ("flagged, passing", 71, True, 5),
    ("failing by 1", 69, False, 1),
    ("failing by 5, older", 65, False, 30),
    ("failing by 5, newer", 65, False, 10),
    ("failing by 40", 30, False, 90),
    ("passing exactly", 70, False, 2),
    ("passing by 3", 73, False, 3),
    ("passing by 30", 100, False, 100),
]


def test_queue_ranks_by_need(scenario, people):
    import random

    rows = list(RANKING)
    random.Random(4).shuffle(rows)  # created in a scrambled order: ids do not give the answer away
    made = {label: make_answer(people.trainee, scenario, total=total, flagged=flagged, age_minutes=age)
            for label, total, flagged, age in rows}
    queue = [a.pk for a in quiz_selectors.review_queue(user=people.supervisor)]
    assert queue == [made[label].pk for label, *_ in RANKING]


def test_filters_by_mode_team_trainee_title_and_status(scenario, people):
    other_scenario = Scenario.objects.exclude(pk=scenario.pk).exclude(title=scenario.title).order_by("slug").first()
    practice = make_answer(people.trainee, scenario, total=50)
    exam = make_answer(people.teammate, other_scenario, total=50, mode=Attempt.Mode.CERTIFICATION)
    done = make_answer(people.trainee, scenario, total=90, reviewed=True)
    admin = user_create(role="admin")

    def ids(**filters):
        return {a.pk for a in quiz_selectors.review_queue(user=admin, **filters)}

    outsider = make_answer(people.outsider, scenario, total=50)
    assert ids() == {practice.pk, exam.pk, outsider.pk}
    assert ids(mode=Attempt.Mode.CERTIFICATION) == {exam.pk}
    assert ids(mode=Attempt.Mode.PRACTICE) == {practice.pk, outsider.pk}
    assert ids(team_id=people.other_team.pk) == {outsider.pk}
    assert ids(trainee_id=people.teammate.pk) == {exam.pk}
    assert ids(scenario_title=other_scenario.title[1:4]) == {exam.pk}  # a Chinese substring from the middle
    assert ids(status="reviewed") == {done.pk}
    assert ids(status="all") == {practice.pk, exam.pk, outsider.pk, done.pk}


def test_sample_bucket_is_fixed_and_spread():
    assert [sample_bucket(i) for i in (1, 2, 3)] == [sample_bucket(i) for i in (1, 2, 3)]
    buckets = [sample_bucket(i) for i in range(1, 10_001)]
    assert all(0 <= b < 100 for b in buckets)
    share = sum(b < 10 for b in buckets) / len(buckets)
    assert 0.08 < share < 0.12  # about 10 % of any 10,000 consecutive ids fall under 10


@pytest.mark.parametrize("percent", [0, 10, 50, 100])
def test_sampling_takes_certification_flagged_and_a_share_of_the_rest(scenario, people, percent):
    ordinary = [make_answer(people.trainee, scenario, total=40 + i % 50) for i in range(60)]
    flagged = make_answer(people.trainee, scenario, total=40, flagged=True)
    exam = make_answer(people.teammate, scenario, total=40, mode=Attempt.Mode.CERTIFICATION)
    reviewed = make_answer(people.trainee, scenario, total=40, reviewed=True)
    outsider = make_answer(people.outsider, scenario, total=40)
    admin = user_create(role="admin")
    # The rule is per team: the other team keeps everything.
    sampling = QueueSampling({people.team.pk: percent})
    pending = {a.pk for a in quiz_selectors.review_queue(user=admin, sampling=sampling)}
    expected = {a.pk for a in ordinary if sample_bucket(a.pk) < percent} | {flagged.pk, exam.pk, outsider.pk}
    assert pending == expected
    assert {a.pk for a in quiz_selectors.review_queue(user=admin, sampling=sampling, status="all")} == expected | {reviewed.pk}
    assert {a.pk for a in quiz_selectors.review_queue(user=admin, sampling=sampling, status="reviewed")} == {reviewed.pk}
    # Deterministic: asking again (a new answer arriving in between) keeps every earlier decision.
    make_answer(people.trainee, scenario, total=45)
    again = {a.pk for a in quiz_selectors.review_queue(user=admin, sampling=sampling)}
    assert pending <= again


def test_team_rule_comes_from_the_team_and_only_the_users_teams(scenario, people):
    Team.objects.filter(pk=people.team.pk).update(review_sample_percent=0)
    Team.objects.filter(pk=people.other_team.pk).update(review_sample_percent=30)
    assert selectors.review_sampling_for(user=people.supervisor) == QueueSampling({people.team.pk: 0})
    ordinary = make_answer(people.trainee, scenario, total=40)
    flagged = make_answer(people.trainee, scenario, total=40, flagged=True)
    assert [a.pk for a in selectors.review_queue_for(user=people.supervisor)] == [flagged.pk]
    size, n_flagged, head = selectors.review_queue_head_for(user=people.supervisor, n=5)
    assert (size, n_flagged, [a.pk for a in head]) == (1, 1, [flagged.pk])
    assert ordinary.pk in {a.pk for a in quiz_selectors.review_queue(user=people.supervisor)}  # no rule: all


def test_queue_page_shows_its_size_and_rule_and_filters(scenario, people, client_for):
    Team.objects.filter(pk=people.team.pk).update(review_sample_percent=0)
    make_answer(people.trainee, scenario, total=40)
    make_answer(people.trainee, scenario, total=40, flagged=True)
    make_answer(people.teammate, scenario, total=40, mode=Attempt.Mode.CERTIFICATION)
    client = client_for(people.supervisor)
    body = client.get(reverse("trainer:review_queue")).content.decode()
    assert "共 2 条回复" in body and "其余抽取 0%" in body
    body = client.get(reverse("trainer:review_queue"), {"mode": "certification"}).content.decode()
    assert "共 1 条回复" in body and body.count('data-testid="queue-item"') == 1
    body = client.get(reverse("trainer:review_queue"), {"scenario": scenario.title[:2]}).content.decode()
    assert "共 2 条回复" in body
    body = client.get(reverse("trainer:review_queue"), {"mode": "nonsense"}).content.decode()
    assert "共 2 条回复" in body  # a refused filter filters nothing (and says so on the form)


def test_queue_queries_stay_flat_with_sampling(scenario, people, client_for):
    Team.objects.filter(pk=people.team.pk).update(review_sample_percent=50)
    client = client_for(people.supervisor)
    make_answer(people.trainee, scenario, total=40, flagged=True)  # the page is not empty (no prefetch to skip)
    client.get(reverse("trainer:review_queue"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("trainer:review_queue"), {"mode": "practice", "scenario": "买家"})
    for i in range(40):
        make_answer(user_create(team=people.team) if i % 10 == 0 else people.teammate, scenario, total=30 + i,
                    flagged=i % 7 == 0)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("trainer:review_queue"), {"mode": "practice", "scenario": "买家"})
    assert len(large) == len(small)


def test_supervisor_edits_the_sampling_rule_on_the_team_page(people, client_for):
    client = client_for(people.supervisor)
    url = reverse("trainer:team_settings", args=[people.team.pk])
    response = client.post(url, {"which": "sampling", "review_sample_percent": "120"})
    assert response.status_code == 400
    people.team.refresh_from_db()
    assert people.team.review_sample_percent == 100
    response = client.post(url, {"which": "sampling", "review_sample_percent": "10"})
    assert response.status_code == 302
    people.team.refresh_from_db()
    assert people.team.review_sample_percent == 10
    # Another team's supervisor cannot change it.
    other = client_for(people.other_supervisor)
    assert other.post(url, {"which": "sampling", "review_sample_percent": "0"}).status_code == 404
    people.team.refresh_from_db()
    assert people.team.review_sample_percent == 10


def test_the_cached_filter_bar_follows_its_choices_and_values(scenario, people, client_for):
    from django.core.cache import cache

    client = client_for(people.supervisor)
    url = reverse("trainer:review_queue")

    def bar(params=None) -> str:
        body = client.get(url, params or {}).content.decode()
        start = body.rindex("<form", 0, body.index('name="trainee"'))
        return body[start:body.index("</form>", start)]

    first = bar()
    assert str(people.trainee) in first
    assert bar() == first  # drawn once, then served from the cache (the query count below shows it)
    # Whatever the bar shows changes its key: a renamed trainee, a new trainee, a chosen filter, a bad value.
    type(people.trainee).objects.filter(pk=people.trainee.pk).update(display_name="改名后的学员")
    assert "改名后的学员" in bar()
    user_create(team=people.team, username="newcomer", display_name="新来的学员")
    assert "新来的学员" in bar()
    chosen = bar({"trainee": people.teammate.pk})
    assert f'<option value="{people.teammate.pk}" selected>' in chosen
    assert "is-invalid" in bar({"trainee": "999999"}) and "is-invalid" not in bar()
    with CaptureQueriesContext(connection) as cached:
        bar()
    cache.clear()
    with CaptureQueriesContext(connection) as drawn:
        bar()
    assert len(cached) == len(drawn) - 2  # drawing reads the team and trainee choices again
