"""Reviews that close the loop, through the pages: verdicts beside the scorer's, passage notes,
acknowledge/dispute, routing to another supervisor, resolving, notifications, reminders, query counts."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses import clock
from quizzes.models import Answer, ReviewResponse, Scenario
from quizzes.services import ERROR_ALREADY_RESPONDED, ERROR_DISPUTE_REASON_REQUIRED
from tests.factories import user_create
from tests.trainer.conftest import submit_reply
from trainer.forms import ERROR_QUOTE_NOT_IN_REPLY
from trainer.models import Notification, ReminderSent, Role
from trainer.reminders import selectors as reminder_selectors
from trainer.services import review_dispute_and_notify, review_submit_and_notify


@pytest.fixture
def second_supervisor(people):
    second = user_create(role=Role.SUPERVISOR, username="sup-b")
    people.team.supervisors.add(second)
    return second


@pytest.fixture
def answer(content, people):
    scenario = Scenario.objects.order_by("slug").first()
    return submit_reply(people.trainee, scenario, scenario.model_answer)


def _met_criterion(answer: Answer) -> dict:
    return next(c for c in answer.auto_result["criteria"] if c.get("met") and c["earned"] > 0)


def _review(client, answer: Answer, **extra):
    import secrets

    data = {f"points_{c['key']}": c["earned"] for c in answer.auto_result["criteria"]}
    data.update({"submit_token": secrets.token_urlsafe(8), **extra})
    return client.post(reverse("trainer:review_answer", args=[answer.pk]), data)


def test_result_page_shows_the_supervisor_verdict_beside_the_scorer(answer, people, client_for):
    criterion = _met_criterion(answer)
    quote = answer.reply_text[:6]
    response = _review(client_for(people.supervisor), answer, **{
        f"points_{criterion['key']}": 0, f"remark_{criterion['key']}": "这一项其实没说到", "comment": "整体还行",
        "quote_1": quote, "note_1": "开头再热情些"})
    assert response.status_code == 302
    body = client_for(people.trainee).get(answer.get_absolute_url()).content.decode()
    row = re.search(r'<tr data-testid="verdict-row" data-key="%s">(.*?)</tr>' % re.escape(criterion["key"]), body, re.S)
    assert row, "the criterion's row"
    final = re.search(r'data-testid="final-points">(.*?)</td>', row.group(1), re.S).group(1)
    auto = re.search(r'data-testid="auto-points">(.*?)</td>', row.group(1), re.S).group(1)
    assert "未达到" in final and "#x-circle-fill" in final and "0 /" in final  # the supervisor's 0 is final
    assert "#check-circle-fill" not in final
    assert "达到" in auto and "#check-circle-fill" in auto  # the scorer's tick stays beside it
    assert "这一项其实没说到" in row.group(1) and "整体还行" in body
    mark = re.search(r'<mark class="passage-comment[^"]*" aria-describedby="passage-note-1"[^>]*>(.*?)</mark>', body)
    assert mark and quote.startswith(mark.group(1)[:1])
    assert re.search(r'<li id="passage-note-1">.*开头再热情些</li>', body)


def test_a_quote_must_be_a_passage_of_the_reply(answer, people, client_for):
    client = client_for(people.supervisor)
    response = _review(client, answer, quote_1="这句话回复里没有", note_1="批注")
    assert response.status_code == 400
    body = response.content.decode()
    assert str(ERROR_QUOTE_NOT_IN_REPLY) in body and "这句话回复里没有" in body  # nothing typed is lost
    assert not answer.reviews.exists()
    typed = answer.reply_text[2:8]
    assert _review(client, answer, quote_1=typed, note_1="好").status_code == 302
    assert answer.reviews.get().comments.get().quote == typed


def test_review_screen_labels_every_override_input(answer, people, client_for):
    body = client_for(people.supervisor).get(reverse("trainer:review_answer", args=[answer.pk])).content.decode()
    for c in answer.auto_result["criteria"]:
        for name in (f"points_{c['key']}", f"remark_{c['key']}"):
            field_id = re.search(r'name="%s"[^>]*id="([^"]+)"' % re.escape(name), body).group(1)
            assert f'for="{field_id}"' in body
    assert 'readonly' not in body and "data-quote-button" in body and 'data-testid="running-total"' in body


def test_dispute_goes_to_another_supervisor_and_is_resolved(answer, people, client_for, second_supervisor):
    criterion = _met_criterion(answer)
    _review(client_for(people.supervisor), answer, **{f"points_{criterion['key']}": 0})
    review = answer.reviews.get()
    client = client_for(people.trainee)
    respond = reverse("quizzes:review_respond", args=[review.pk])
    refused = client.post(respond, {"op": "dispute", "reason": "  "})
    assert refused.status_code == 400 and str(ERROR_DISPUTE_REASON_REQUIRED) in refused.content.decode()
    assert not ReviewResponse.objects.exists()
    assert client.post(respond, {"op": "dispute", "reason": "这一项我说到了"}).status_code == 302
    dispute = ReviewResponse.objects.get()
    assert dispute.assigned_to == second_supervisor and dispute.is_open
    assert Notification.objects.filter(user=second_supervisor, url__contains=f"/disputes/{dispute.pk}/").exists()
    assert not Notification.objects.filter(user=people.supervisor).exists()  # the reviewer is not asked
    client.post(respond, {"op": "dispute", "reason": "再提一次"})
    assert ReviewResponse.objects.count() == 1
    body = client.get(answer.get_absolute_url()).content.decode()
    assert 'data-testid="dispute-open"' in body and str(ERROR_ALREADY_RESPONDED) in body

    resolve = reverse("trainer:dispute_resolve", args=[dispute.pk])
    reviewer = client_for(people.supervisor)
    assert 'data-testid="dispute-not-yours"' in reviewer.get(resolve).content.decode()
    assert reviewer.post(resolve, {"resolution": "我没错"}).status_code == 403
    other = client_for(second_supervisor)
    assert 'data-testid="dispute-item"' in other.get(reverse("trainer:review_queue")).content.decode()
    assert 'data-testid="dispute-item"' in other.get(reverse("home")).content.decode()
    data = {f"points_{c['key']}": c["final_earned"] for c in review.criteria}
    data[f"points_{criterion['key']}"] = criterion["earned"]
    assert other.post(resolve, {**data, "resolution": ""}).status_code == 400
    assert other.post(resolve, {**data, "resolution": "复核后确实说到了"}).status_code == 302
    dispute.refresh_from_db()
    answer.refresh_from_db()
    assert dispute.outcome == ReviewResponse.Outcome.CHANGED and dispute.resolved_by == second_supervisor
    assert answer.final_total == dispute.resolution_review.final_total > review.final_total
    note = Notification.objects.get(user=people.trainee, message__contains="处理了你的异议")
    assert str(answer.final_total) in note.message
    for viewer in (people.trainee, people.supervisor):
        body = client_for(viewer).get(answer.get_absolute_url()).content.decode()
        assert 'data-testid="dispute-resolution"' in body and "复核后确实说到了" in body
    assert 'data-testid="review-respond"' not in client_for(people.trainee).get(answer.get_absolute_url()).content.decode()


def test_the_only_supervisor_resolves_their_own_review(answer, people, client_for):
    review = review_submit_and_notify(answer=answer, reviewer=people.supervisor, points={}, comment="",
                                      passages=[], seen_review_id=None)
    dispute = review_dispute_and_notify(review_id=review.pk, trainee=people.trainee, reason="不对")
    assert dispute.assigned_to == people.supervisor
    current = {f"points_{c['key']}": c["final_earned"] for c in review.criteria}
    response = client_for(people.supervisor).post(reverse("trainer:dispute_resolve", args=[dispute.pk]),
                                                  {**current, "resolution": "维持"})
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.outcome == ReviewResponse.Outcome.UPHELD
    assert client_for(people.other_supervisor).get(reverse("trainer:dispute_resolve", args=[dispute.pk])).status_code == 404


def test_acknowledge_and_who_may_respond(answer, people, client_for):
    review = review_submit_and_notify(answer=answer, reviewer=people.supervisor, points={}, comment="",
                                      passages=[], seen_review_id=None)
    respond = reverse("quizzes:review_respond", args=[review.pk])
    assert client_for(people.teammate).post(respond, {"op": "acknowledge"}).status_code == 404
    assert client_for(people.supervisor).post(respond, {"op": "acknowledge"}).status_code == 403
    assert client_for(people.admin).post(respond, {"op": "dispute", "reason": "x"}).status_code == 403
    assert client_for(people.trainee).post(respond, {"op": "acknowledge"}).status_code == 302
    assert ReviewResponse.objects.get().kind == ReviewResponse.Kind.ACKNOWLEDGED
    body = client_for(people.supervisor).get(answer.get_absolute_url()).content.decode()
    assert 'data-testid="acknowledged"' in body


def test_a_dispute_open_for_more_than_two_days_is_reminded(answer, people, second_supervisor):
    review = review_submit_and_notify(answer=answer, reviewer=people.supervisor, points={}, comment="",
                                      passages=[], seen_review_id=None)
    dispute = review_dispute_and_notify(review_id=review.pk, trainee=people.trainee, reason="不对")
    today = clock.today()
    due, _days = reminder_selectors.reminders_due(today=today)
    assert ReminderSent.Kind.DISPUTE_OPEN not in {d.kind for d in due}
    ReviewResponse.objects.filter(pk=dispute.pk).update(created_at=clock.now() - timedelta(days=3))
    due, _days = reminder_selectors.reminders_due(today=today)
    reminded = [d.user for d in due if d.kind == ReminderSent.Kind.DISPUTE_OPEN]
    assert reminded == [second_supervisor]  # not the reviewer, not another team's supervisor
    from trainer.reminders.services import reminders_send

    reminders_send(today=today)
    assert Notification.objects.filter(user=second_supervisor, message__contains="异议超过").count() == 1
    ReviewResponse.objects.filter(pk=dispute.pk).update(resolved_at=clock.now())
    due, _days = reminder_selectors.reminders_due(today=today)
    assert ReminderSent.Kind.DISPUTE_OPEN not in {d.kind for d in due}


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_result_page_and_queue_queries_stay_flat(answer, people, client_for, second_supervisor):
    review = review_submit_and_notify(answer=answer, reviewer=people.supervisor, points={}, comment="一",
                                      passages=[], seen_review_id=None)
    review_dispute_and_notify(review_id=review.pk, trainee=people.trainee, reason="不对")
    trainee, sup = client_for(people.trainee), None
    small_page = _count(trainee, answer.get_absolute_url())
    sup = client_for(second_supervisor)
    small_queue, small_home = _count(sup, reverse("trainer:review_queue")), _count(sup, reverse("home"))
    from quizzes.services import PassageComment

    scenario = answer.scenario
    for n in range(4):  # more reviews, passage comments and disputes
        review_submit_and_notify(answer=answer, reviewer=people.supervisor, points={}, comment=str(n), force=True,
                                 passages=[PassageComment(answer.reply_text[n:n + 3], f"批注{n}")], seen_review_id=None)
        other = submit_reply(user_create(team=people.team), scenario, scenario.model_answer)
        other_review = review_submit_and_notify(answer=other, reviewer=people.supervisor, points={}, comment="",
                                                passages=[], seen_review_id=None)
        review_dispute_and_notify(review_id=other_review.pk, trainee=other.user, reason=f"理由{n}")
    trainee = client_for(people.trainee)
    assert _count(trainee, answer.get_absolute_url()) == small_page
    sup = client_for(second_supervisor)
    assert _count(sup, reverse("trainer:review_queue")) == small_queue
    assert _count(sup, reverse("home")) == small_home


def test_attempt_result_page_shows_the_final_verdict_too(content, people, client_for):
    from courses.models import Module
    from quizzes import services as quiz_services
    from tests.factories import attempt_inputs

    attempt = quiz_services.module_quiz_start(user=people.trainee, module=Module.objects.get(slug="customer-types"))
    quiz_services.attempt_submit(attempt_id=attempt.pk, user=people.trainee, inputs=attempt_inputs(attempt))
    answer = next(a for a in attempt.answers.all() if a.scenario_id and any(
        c.get("met") and c["earned"] > 0 for c in a.auto_result["criteria"]))
    criterion = _met_criterion(answer)
    review_submit_and_notify(answer=answer, reviewer=people.supervisor, points={criterion["key"]: 0}, comment="",
                             passages=[], seen_review_id=None)
    body = client_for(people.trainee).get(attempt.get_absolute_url()).content.decode()
    row = re.search(r'<tr data-testid="verdict-row" data-key="%s">(.*?)</tr>' % re.escape(criterion["key"]), body, re.S)
    assert row and "未达到" in re.search(r'data-testid="final-points">(.*?)</td>', row.group(1), re.S).group(1)
