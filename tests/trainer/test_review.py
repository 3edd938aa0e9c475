"""Supervisor review: queue order, overrides per criterion, comments, locks, conflicts, notifications."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses import clock
from quizzes import grading
from quizzes import selectors as quiz_selectors
from quizzes.scoring.credit import total_from_points
from quizzes.models import Answer, Review, Scenario
from tests.factories import user_create
from tests.trainer.conftest import submit_reply
from trainer.models import Notification


@pytest.fixture
def answers(content, people):
    scenarios = list(Scenario.objects.order_by("slug")[:3])
    good = submit_reply(people.trainee, scenarios[0], scenarios[0].model_answer)
    flagged = submit_reply(people.trainee, scenarios[1], "不行")
    near = submit_reply(people.teammate, scenarios[2], scenarios[2].model_answer[: len(scenarios[2].model_answer) // 2])
    outsider = submit_reply(people.outsider, scenarios[0], scenarios[0].model_answer)
    return {"good": good, "flagged": flagged, "near": near, "outsider": outsider}


def review_data(answer, token: str = "", **points):
    """The review form as the page sends it; each call is a new form (its own submit token) unless given one."""
    import secrets

    data = {f"points_{c['key']}": points.get(c["key"], c["earned"]) for c in answer.auto_result["criteria"]}
    data["submit_token"] = token or secrets.token_urlsafe(8)
    return data


def start_review(client, answer):
    """Press 开始审阅: the step that takes the lock (opening the screen does not)."""
    return client.post(reverse("trainer:review_lock", args=[answer.pk]), {"op": "take"})


def test_queue_is_ordered_by_need_and_scoped_to_teams(answers, people):
    queue = list(quiz_selectors.review_queue(user=people.supervisor))
    assert answers["outsider"] not in queue
    flagged = [a for a in queue if a.needs_review]
    assert answers["flagged"] in flagged
    assert queue[:len(flagged)] == flagged  # flagged by the scorer first (a rude reply, a near miss)
    for group in (flagged, queue[len(flagged):]):
        distances = [abs(a.auto_total - a.attempt.pass_mark) for a in group]
        assert distances == sorted(distances)


def test_queue_filters(answers, people, client_for):
    client = client_for(people.supervisor)
    body = client.get(reverse("trainer:review_queue"), {"trainee": people.teammate.pk}).content.decode()
    assert body.count('data-testid="queue-item"') == 1
    body = client.get(reverse("trainer:review_queue"), {"status": "flagged"}).content.decode()
    flagged = [a for a in answers.values() if a.needs_review and a is not answers["outsider"]]
    assert answers["flagged"].needs_review and not answers["good"].needs_review
    assert body.count('data-testid="queue-item"') == len(flagged)


def test_override_one_criterion_becomes_the_final_score(answers, people, client_for):
    answer = answers["flagged"]
    criterion = answer.auto_result["criteria"][0]
    data = review_data(answer, **{criterion["key"]: criterion["max"]})
    data.update({"comment": "语气要再软一点", "quote_1": "不行", "note_1": "别用这两个字开头"})
    response = client_for(people.supervisor).post(reverse("trainer:review_answer", args=[answer.pk]), data)
    assert response.status_code == 302
    answer.refresh_from_db()
    review = Review.objects.get()
    # The engine's credit rule over the final points; "不行" is capped, and the cap stands (not cleared).
    assert grading.capping_reasons(answer.auto_result)
    expected = total_from_points([(criterion["max"] if c["key"] == criterion["key"] else c["earned"], c["max"])
                                  for c in answer.auto_result["criteria"]],
                                 pass_mark=answer.rubric.snapshot["pass_mark"], capped=True)
    assert answer.final_total == review.final_total == expected
    assert answer.auto_total == review.auto_total  # the automatic result stays visible
    assert [c["key"] for c in review.changed_criteria] == [criterion["key"]]
    assert review.reviewer == people.supervisor and review.created_at is not None
    comment = review.comments.get()
    assert (comment.quote, comment.start, comment.end) == ("不行", 0, 2)
    note = Notification.objects.get(user=people.trainee)
    assert note.url == answer.get_absolute_url() and str(expected) in note.message


def test_trainee_sees_review_next_to_answer(answers, people, client_for):
    answer = answers["flagged"]
    client_for(people.supervisor).post(reverse("trainer:review_answer", args=[answer.pk]),
                                       {**review_data(answer), "comment": "下次先道歉"})
    client = client_for(people.trainee)
    body = client.get(answer.get_absolute_url()).content.decode()
    assert 'data-testid="review"' in body and "下次先道歉" in body
    note = Notification.objects.get()
    assert client.get(reverse("trainer:notification_open", args=[note.pk])).url == answer.get_absolute_url()
    note.refresh_from_db()
    assert note.read_at is not None


def test_points_outside_range_are_refused_and_input_kept(answers, people, client_for):
    answer = answers["good"]
    criterion = answer.auto_result["criteria"][0]
    data = {**review_data(answer, **{criterion["key"]: criterion["max"] + 5}), "comment": "保留我"}
    response = client_for(people.supervisor).post(reverse("trainer:review_answer", args=[answer.pk]), data)
    assert response.status_code == 400 and "保留我" in response.content.decode()
    assert not Review.objects.exists()


def test_quote_without_note_is_refused(answers, people, client_for):
    answer = answers["good"]
    data = {**review_data(answer), "quote_1": answer.reply_text[:4]}
    response = client_for(people.supervisor).post(reverse("trainer:review_answer", args=[answer.pk]), data)
    assert response.status_code == 400 and not Review.objects.exists()


def test_second_supervisor_is_locked_out_while_first_reviews(answers, people, client):
    other = user_create(role="supervisor", username="sup-b")
    people.team.supervisors.add(other)
    answer = answers["good"]
    client.force_login(people.supervisor)
    start_review(client, answer)
    client.force_login(other)
    body = client.get(reverse("trainer:review_answer", args=[answer.pk])).content.decode()
    assert 'data-testid="locked"' in body
    client.post(reverse("trainer:review_answer", args=[answer.pk]), review_data(answer))
    assert not Review.objects.exists()


def test_expired_lock_is_taken_over_and_conflict_keeps_the_review(answers, people, client, monkeypatch):
    other = user_create(role="supervisor", username="sup-c")
    people.team.supervisors.add(other)
    answer = answers["good"]
    url = reverse("trainer:review_answer", args=[answer.pk])
    client.force_login(people.supervisor)
    start_review(client, answer)  # takes the lock, sees no review yet
    later = clock.now() + timedelta(minutes=30)
    monkeypatch.setattr(clock, "now", lambda: later)
    client.force_login(other)
    start_review(client, answer)
    client.post(url, {**review_data(answer), "comment": "第二位主管"})
    assert Review.objects.count() == 1
    # The first supervisor submits on their stale screen: a conflict, their text is kept, nothing saved yet.
    client.force_login(people.supervisor)
    start_review(client, answer)  # retakes the free lock (the other review released it)
    stale_form = review_data(answer)
    response = client.post(url, {**stale_form, "comment": "第一位主管的意见", "seen_review_id": ""})
    assert response.status_code == 200 and "第一位主管的意见" in response.content.decode()
    assert Review.objects.count() == 1
    response = client.post(url, {**stale_form, "comment": "第一位主管的意见", "seen_review_id": "",
                                 "force": "1"})
    assert response.status_code == 302 and Review.objects.count() == 2


def test_review_lock_states(answers, people, monkeypatch):
    """Free, own (extended), someone else's live lock, someone else's expired lock, and the race in
    which another supervisor creates the lock between this one's read and insert."""
    from quizzes.models import ReviewLock
    from quizzes.services import REVIEW_LOCK_MINUTES, review_lock_acquire

    other = user_create(role="supervisor", username="sup-d")
    people.team.supervisors.add(other)
    answer = answers["good"]
    first = review_lock_acquire(answer=answer, user=people.supervisor)
    assert first.acquired and ReviewLock.objects.get(answer=answer).holder == people.supervisor
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=5))
    again = review_lock_acquire(answer=answer, user=people.supervisor)
    assert again.acquired and again.expires_at == start + timedelta(minutes=5 + REVIEW_LOCK_MINUTES)
    blocked = review_lock_acquire(answer=answer, user=other)
    assert not blocked.acquired and blocked.holder_name == people.supervisor.name
    assert ReviewLock.objects.get(answer=answer).holder == people.supervisor
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=30))
    assert review_lock_acquire(answer=answer, user=other).acquired
    assert ReviewLock.objects.get(answer=answer).holder == other

    # The race: this supervisor reads no lock, the other creates one, then this one's insert fails.
    from django.db.models.query import QuerySet

    fresh = answers["near"]
    ReviewLock.objects.create(answer=fresh, holder=other, expires_at=clock.now() + timedelta(minutes=10))
    real_first, stale_reads = QuerySet.first, []

    def first_seen_before_the_other_created_it(queryset):
        if queryset.model is ReviewLock and not stale_reads:
            stale_reads.append(queryset)
            return None
        return real_first(queryset)

    monkeypatch.setattr(QuerySet, "first", first_seen_before_the_other_created_it)
    raced = review_lock_acquire(answer=fresh, user=people.supervisor)
    assert stale_reads and not raced.acquired and raced.holder_name == other.name
    assert ReviewLock.objects.get(answer=fresh).holder == other


def test_supervisor_of_another_team_cannot_review(answers, people, client_for):
    client = client_for(people.other_supervisor)
    assert client.get(reverse("trainer:review_answer", args=[answers["good"].pk])).status_code == 404
    assert client.post(reverse("trainer:review_answer", args=[answers["good"].pk]),
                       review_data(answers["good"])).status_code == 404


def test_trainee_cannot_open_review_pages(answers, people, client_for):
    client = client_for(people.trainee)
    assert client.get(reverse("trainer:review_queue")).status_code == 403
    assert client.get(reverse("trainer:review_answer", args=[answers["good"].pk])).status_code == 403


def test_review_updates_quiz_attempt_total(answers, people):
    from trainer.services import review_submit_and_notify

    answer = answers["flagged"]
    caps = [r["code"] for r in grading.capping_reasons(answer.auto_result)]  # full points count once the caps go
    review_submit_and_notify(answer=answer, reviewer=people.supervisor,
                             points={c["key"]: c["max"] for c in answer.auto_result["criteria"]}, comment="",
                             passages=[], seen_review_id=None, cleared_caps=caps)
    answer.attempt.refresh_from_db()
    assert answer.attempt.total == 100 and answer.attempt.passed


def test_queue_queries_do_not_grow(answers, people, client_for):
    from django.core.cache import cache

    client = client_for(people.supervisor)
    client.get(reverse("trainer:review_queue"))

    def queries() -> tuple[int, int]:
        """Queries of the queue page with its filter bar drawn, then served from the cache."""
        cache.clear()
        with CaptureQueriesContext(connection) as drawn:
            client.get(reverse("trainer:review_queue"))
        with CaptureQueriesContext(connection) as cached:
            client.get(reverse("trainer:review_queue"))
        return len(drawn), len(cached)

    small = queries()
    scenario = Scenario.objects.first()
    for _ in range(12):
        submit_reply(user_create(team=people.team), scenario, "亲,稍等我看看")
    assert queries() == small


def test_agreement_counts_overrides_and_lists_them(answers, people, client_for):
    from trainer.services import review_submit_and_notify

    flagged = answers["flagged"]
    key = flagged.auto_result["criteria"][0]["key"]
    review_submit_and_notify(answer=flagged, reviewer=people.supervisor, points={key: 1000}, comment="",
                             passages=[], seen_review_id=None)
    review_submit_and_notify(answer=answers["good"], reviewer=people.supervisor, points={}, comment="",
                             passages=[], seen_review_id=None)
    report = quiz_selectors.agreement_report(user=people.supervisor)
    assert report["reviewed"] == 2 and report["exact"] == 1 and report["criteria_changed"] == 1
    assert report["most_overridden"][0].key == key and report["most_overridden"][0].examples == [flagged.pk]
    body = client_for(people.supervisor).get(reverse("trainer:agreement")).content.decode()
    assert 'data-testid="changed">1 /' in body and f"#{flagged.pk}" in body
    criterion = report["most_overridden"][0]
    assert (f'<td>{criterion.changed}/{criterion.reviewed}({criterion.override_percent}%)</td>'
            f'<td><a href="{reverse("trainer:review_answer", args=[flagged.pk])}">#{flagged.pk}</a></td>') in body
    for rubric in report["rubrics"]:
        assert (f"<td>{rubric.reviewed}</td><td>{rubric.exact}</td><td>{rubric.change_percent}%</td>"
                f"<td>{rubric.kappa_text}</td>") in body
    assert quiz_selectors.agreement_report(user=people.other_supervisor)["reviewed"] == 0
    empty = client_for(people.other_supervisor).get(reverse("trainer:agreement")).content.decode()
    assert "主管还没有改动过自动评分。" in empty and "暂无审阅数据。" in empty


def test_agreement_counts_an_untouched_review_as_agreement(answers, people):
    """Untouched reviews of a plain and a capped reply agree with the engine; so does one stored before
    totals followed the credit rule (its final total the plain share of unchanged points)."""
    from trainer.services import review_submit_and_notify

    for answer in (answers["good"], answers["flagged"], answers["near"]):
        review_submit_and_notify(answer=answer, reviewer=people.supervisor, points={}, comment="",
                                 passages=[], seen_review_id=None)
    assert all(r.final_total == r.auto_total for r in Review.objects.all())
    old = Review.objects.get(answer=answers["near"])
    criteria = old.criteria
    plain_share = round(100 * sum(c["final_earned"] for c in criteria) / sum(c["max"] for c in criteria))
    assert plain_share != old.auto_total
    Review.objects.filter(pk=old.pk).update(final_total=plain_share)  # as the old arithmetic stored it
    report = quiz_selectors.agreement_report(user=people.supervisor)
    assert report["reviewed"] == report["exact"] == 3 and report["criteria_changed"] == 0
    assert all(r.exact == r.reviewed for r in report["rubrics"])


def test_supervisor_home_counts_the_queue_and_shows_its_head(answers, people, client_for):
    """Pending and flagged are counted in one query; the list shows the queue's first answers in order."""
    queue = list(quiz_selectors.review_queue(user=people.supervisor))
    flagged = sum(a.needs_review for a in queue)
    assert flagged >= 1 and len(queue) > flagged
    for n in (1, 2, len(queue) + 3):
        size, flagged_count, head = quiz_selectors.review_queue_head(user=people.supervisor, n=n)
        assert (size, flagged_count) == (len(queue), flagged)
        assert [row.pk for row in head] == [a.pk for a in queue[:n]]
    response = client_for(people.supervisor).get("/")
    body = response.content.decode()
    assert f'data-testid="pending-reviews">{len(queue)}<' in body
    assert [row.pk for row in response.context["top_queue"]] == [a.pk for a in queue[:5]]
    from django.utils.html import escape

    from trainer.templatetags.icons import icon

    top = body[body.index('data-testid="top-queue"'):]
    for answer in queue[:5]:
        flag = (str(icon("flag-fill", label="系统标记", **{"class": "text-warning"})) + " ") if answer.needs_review else ""
        assert (f'href="{reverse("trainer:review_answer", args=[answer.pk])}">{flag}{escape(answer.user.name)} · '
                f'{escape(answer.scenario.title)} · {answer.auto_total} 分</a>') in top
    assert response.context["flagged_reviews"] == flagged
    Answer.objects.filter(user__team__supervisors=people.supervisor).update(reviewed_at=clock.now())
    empty = client_for(people.supervisor).get("/")
    assert empty.context["pending_reviews"] == 0 and empty.context["top_queue"] == []


def test_queue_pages_keep_the_database_order_across_ties(answers, people):
    """The pages of the queue, one after the other, are the order the database sorts the whole queue
    in, ties in flag, distance and time included."""
    from datetime import datetime, timezone as dt_timezone

    from django.core.paginator import Paginator

    scenarios = list(Scenario.objects.order_by("slug")[:6])
    for n, scenario in enumerate(scenarios * 3):
        text = scenario.model_answer[: max(4, len(scenario.model_answer) * (n % 4) // 4)]
        submit_reply(people.trainee if n % 2 else people.teammate, scenario, text)
    same_time = datetime(2026, 11, 30, 8, 0, tzinfo=dt_timezone.utc)
    Answer.objects.filter(pk__in=list(Answer.objects.order_by("pk").values_list("pk", flat=True)[::3])).update(
        submitted_at=same_time, needs_review=True)
    Answer.objects.filter(pk__in=list(Answer.objects.order_by("pk").values_list("pk", flat=True)[1::4])).update(
        submitted_at=same_time)
    expected = [a.pk for a in quiz_selectors.review_queue(user=people.supervisor)]
    for size in (1, 4, 7):
        pages = Paginator(quiz_selectors.review_queue(user=people.supervisor), size)
        seen = []
        for number in pages.page_range:
            seen += [row.pk for row in pages.page(number)]
        assert seen == expected, size
    assert len(expected) > 15 and len({a.submitted_at for a in Answer.objects.filter(pk__in=expected)}) < len(expected)


def test_the_form_offers_each_cap_to_clear_and_a_ticked_one_is_lifted(answers, people, client_for):
    answer = answers["flagged"]
    caps = grading.capping_reasons(answer.auto_result)
    assert caps
    client = client_for(people.supervisor)
    body = client.get(reverse("trainer:review_answer", args=[answer.pk])).content.decode()
    assert body.count('data-testid="cap"') == len(caps) and "这条扣分上限不成立" in body
    for cap in caps:  # not cleared unless ticked
        assert f'name="clear_cap_{cap["code"]}"' in body
        assert re.search(rf'<input[^>]*name="clear_cap_{cap["code"]}"[^>]*checked', body) is None
    assert f'data-auto-total="{answer.auto_total}"' in body and 'data-pass-mark="' in body
    full = {c["key"]: c["max"] for c in answer.auto_result["criteria"]}
    kept = client.post(reverse("trainer:review_answer", args=[answer.pk]), review_data(answer, **full))
    assert kept.status_code == 302
    answer.refresh_from_db()
    assert answer.final_total < answer.pass_mark and not answer.final_passed  # the caps stand
    data = {**review_data(answer, **full), **{f"clear_cap_{cap['code']}": "on" for cap in caps}}
    data["force"] = "1"
    assert client.post(reverse("trainer:review_answer", args=[answer.pk]), data).status_code == 302
    answer.refresh_from_db()
    assert answer.final_total == 100 and answer.final_passed
    latest = answer.reviews.order_by("-created_at", "-id").first()
    assert [c["code"] for c in latest.cleared_caps] == [cap["code"] for cap in caps]
    again = client.get(reverse("trainer:review_answer", args=[answer.pk])).content.decode()
    for cap in caps:  # a second review starts from the current one: the caps it cleared stay ticked
        assert re.search(rf'<input[^>]*name="clear_cap_{cap["code"]}"[^>]*checked', again)
