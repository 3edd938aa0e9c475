"""Exactly once, enforced by the database: concurrent requests from real threads against a real
database (a WAL file on the SQLite leg, the server on the PostgreSQL leg) make one sitting per
trainee and round, one open quiz per trainee and module, one practice answer per submitted form
and one review per submitted review form (issue 12, rows 3, 4, 8, 9)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from courses import clock
from courses.models import Module
from quizzes.models import Answer, Attempt, Review, Scenario
from tests.concurrency import logged_in_clients, race, shared_database  # noqa: F401 (fixture)
from tests.factories import form_token_from
from tests.trainer.conftest import submit_reply
from trainer.models import CertificationAttempt, CertificationExam, CertificationRound, Notification

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def open_round(content, people):
    today = clock.today()
    return CertificationRound.objects.create(exam=CertificationExam.objects.get(), team=people.team, title="本月认证",
                                             opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=5))


def test_ten_concurrent_exam_starts_make_one_sitting(open_round, people, shared_database):
    clients = logged_in_clients(people.trainee, 10)
    shared_database()
    url = reverse("trainer:certification_start", args=[open_round.pk])
    results, errors = race(10, lambda i: clients[i].post(url))
    assert errors == []
    sitting = CertificationAttempt.objects.get(trainee=people.trainee, round=open_round)
    assert Attempt.objects.filter(user=people.trainee, mode=Attempt.Mode.CERTIFICATION).count() == 1
    assert {(r.status_code, r.url) for r in results} == {(302, reverse("quizzes:attempt_take", args=[sitting.attempt_id]))}


def test_twenty_concurrent_quiz_starts_make_one_open_quiz(content, people, shared_database):
    clients = logged_in_clients(people.trainee, 20)
    shared_database()
    url = reverse("quizzes:module_quiz_start", args=["customer-types"])
    results, errors = race(20, lambda i: clients[i].post(url))
    assert errors == []
    attempt = Attempt.objects.get(user=people.trainee, mode=Attempt.Mode.MODULE_QUIZ)
    assert attempt.is_open and attempt.answers.count() == 8
    assert {r.url for r in results} == {reverse("quizzes:attempt_take", args=[attempt.pk])}


def test_twenty_concurrent_copies_of_one_practice_form_make_one_answer(content, people, shared_database):
    scenario = Scenario.objects.filter(certification_only=False).order_by("slug").first()
    clients = logged_in_clients(people.trainee, 20)
    token = form_token_from(clients[0], scenario.get_absolute_url())
    shared_database()
    data = {"reply": scenario.model_answer, "form_token": token}
    results, errors = race(20, lambda i: clients[i].post(scenario.get_absolute_url(), data))
    assert errors == []
    answer = Answer.objects.get(user=people.trainee)
    assert {r.url for r in results} == {answer.get_absolute_url()}
    # A new form of the same scenario is a new answer (retrying stays possible).
    clients[0].post(scenario.get_absolute_url(), {**data, "form_token": form_token_from(clients[0], scenario.get_absolute_url())})
    assert Answer.objects.filter(user=people.trainee).count() == 2


def review_form(answer, token: str) -> dict:
    data = {f"points_{c['key']}": c["max"] for c in answer.auto_result["criteria"]}
    return {**data, "comment": "开头先道歉会更好", "submit_token": token, "force": "1", "seen_review_id": ""}


def test_twenty_concurrent_posts_of_one_review_form_make_one_review(content, people, shared_database):
    scenario = Scenario.objects.filter(certification_only=False).order_by("slug").first()
    answer = submit_reply(people.trainee, scenario, "不行")
    clients = logged_in_clients(people.supervisor, 20)
    shared_database()
    url = reverse("trainer:review_answer", args=[answer.pk])
    results, errors = race(20, lambda i: clients[i].post(url, review_form(answer, "one-form")))
    assert errors == []
    assert Review.objects.filter(answer=answer).count() == 1
    assert Notification.objects.filter(user=people.trainee).count() == 1
    assert {r.status_code for r in results} == {302}


def test_a_replayed_force_review_makes_no_second_review_or_notification(content, people, client_for):
    """Row 8 in sequence: after a conflict the form carries force=1; sending it twice is one review."""
    scenario = Scenario.objects.filter(certification_only=False).order_by("slug").first()
    answer = submit_reply(people.trainee, scenario, "不行")
    client = client_for(people.supervisor)
    url = reverse("trainer:review_answer", args=[answer.pk])
    first = client.post(url, review_form(answer, "after-conflict"))
    second = client.post(url, review_form(answer, "after-conflict"))
    assert first.status_code == second.status_code == 302
    assert Review.objects.count() == 1 and Notification.objects.count() == 1
    client.post(url, review_form(answer, "a-later-form"))  # a new review form is a new review
    assert Review.objects.count() == 2 and Notification.objects.count() == 2


def test_the_database_refuses_what_the_services_prevent(content, people):
    """The constraints hold on their own, whatever code writes (a second sitting of a round, a second open quiz)."""
    module = Module.objects.get(slug="customer-types")
    now = clock.now()
    Attempt.objects.create(user=people.trainee, mode=Attempt.Mode.MODULE_QUIZ, module=module, started_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(user=people.trainee, mode=Attempt.Mode.MODULE_QUIZ, module=module, started_at=now)
    Attempt.objects.create(user=people.trainee, mode=Attempt.Mode.MODULE_QUIZ, module=module, started_at=now,
                           status=Attempt.Status.SUBMITTED)  # finished quizzes are not limited
    today = clock.today()
    round_ = CertificationRound.objects.create(exam=CertificationExam.objects.get(), team=people.team, title="本轮",
                                               opens_on=today, closes_on=today)
    sittings = [Attempt.objects.create(user=people.trainee, mode=Attempt.Mode.CERTIFICATION, started_at=now)
                for _ in range(2)]
    CertificationAttempt.objects.create(attempt=sittings[0], exam=round_.exam, round=round_, trainee=people.trainee,
                                        verification_code="A1")
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificationAttempt.objects.create(attempt=sittings[1], exam=round_.exam, round=round_, trainee=people.trainee,
                                            verification_code="A2")
