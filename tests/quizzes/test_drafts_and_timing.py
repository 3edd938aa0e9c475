"""Autosave that never loses work, and timing the server vouches for (issue 12, rows 5 and 10)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from courses import clock
from quizzes import services
from quizzes.models import Answer, Attempt, Scenario
from quizzes.timing import reply_timing
from tests.factories import form_token_from


@pytest.fixture
def quiz(bank, people, client_for):
    client = client_for(people.trainee)
    client.post(reverse("quizzes:module_quiz_start", args=["customer-types"]))
    attempt = Attempt.objects.get(mode=Attempt.Mode.MODULE_QUIZ)
    client.get(reverse("quizzes:attempt_take", args=[attempt.pk]))
    reply = attempt.answers.filter(scenario__isnull=False).order_by("position").first()
    return client, attempt, reply


def draft_url(attempt) -> str:
    return reverse("quizzes:attempt_draft", args=[attempt.pk])


def saved_texts(attempt) -> list[str]:
    return list(attempt.answers.order_by("position").values_list("reply_text", flat=True))


# -------------------------------------------------------------------------------------- row 5


@pytest.mark.parametrize("body, content_type", [
    ('{"broken json', "application/json"),
    ('{"broken json', "application/x-www-form-urlencoded"),
    ("", "application/x-www-form-urlencoded"),
    ("", "multipart/form-data; boundary=x"),
])
def test_malformed_or_empty_autosave_is_400_and_changes_nothing(quiz, body, content_type):
    client, attempt, reply = quiz
    assert client.post(draft_url(attempt), {f"reply_{reply.pk}": "亲,先存一版", "seq": "1"}).json()["saved"]
    before = saved_texts(attempt)
    response = client.generic("POST", draft_url(attempt), body, content_type=content_type)
    assert response.status_code == 400 and response.json()["saved"] is False
    assert saved_texts(attempt) == before and "亲,先存一版" in before


def test_autosave_without_a_sequence_number_is_refused(quiz):
    client, attempt, reply = quiz
    response = client.post(draft_url(attempt), {f"reply_{reply.pk}": "亲,没有序号"})
    assert response.status_code == 400 and saved_texts(attempt).count("亲,没有序号") == 0


def test_an_older_save_arriving_late_never_replaces_a_newer_one(quiz):
    client, attempt, reply = quiz
    assert client.post(draft_url(attempt), {f"reply_{reply.pk}": "亲,第二版更完整", "seq": "2"}).json()["saved"]
    late = client.post(draft_url(attempt), {f"reply_{reply.pk}": "亲,第一版", "seq": "1"})
    assert late.status_code == 200 and late.json() == {"saved": False, "outcome": "stale"}
    reply.refresh_from_db()
    assert reply.reply_text == "亲,第二版更完整" and reply.draft_seq == 2


def test_an_empty_text_never_blanks_a_saved_one_and_other_items_are_untouched(quiz):
    client, attempt, reply = quiz
    other = attempt.answers.filter(scenario__isnull=False).exclude(pk=reply.pk).first()
    client.post(draft_url(attempt), {f"reply_{reply.pk}": "亲,这段不能丢", f"reply_{other.pk}": "亲,另一题", "seq": "1"})
    client.post(draft_url(attempt), {f"reply_{reply.pk}": "   ", "seq": "2"})  # a page that lost its text
    client.post(draft_url(attempt), {f"reply_{other.pk}": "亲,另一题改过", "seq": "3"})  # only what is sent changes
    reply.refresh_from_db()
    other.refresh_from_db()
    assert reply.reply_text == "亲,这段不能丢" and other.reply_text == "亲,另一题改过"


def test_the_exam_page_numbers_its_saves_after_the_newest_on_the_server(quiz):
    client, attempt, reply = quiz
    client.post(draft_url(attempt), {f"reply_{reply.pk}": "亲,第七次保存", "seq": "7"})
    body = client.get(reverse("quizzes:attempt_take", args=[attempt.pk])).content.decode()
    assert 'data-draft-seq="7"' in body and "亲,第七次保存" in body


# -------------------------------------------------------------------------------------- row 10


def test_practice_timing_comes_from_the_server_not_the_page(bank, people, client_for, monkeypatch):
    scenario = Scenario.objects.filter(certification_only=False).order_by("slug").first()
    client = client_for(people.trainee)
    start = clock.now()
    token = form_token_from(client, scenario.get_absolute_url())  # the page is served now...
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=95))  # ...and the reply arrives 95 s later
    client.post(scenario.get_absolute_url(), {"reply": scenario.model_answer, "form_token": token,
                                              "first_keystroke_ms": "1", "submit_ms": "2"})
    answer = Answer.objects.get()
    timing = answer.timing
    assert timing.from_server and 94_000 <= timing.reply_ms <= 96_000
    assert answer.submit_ms == 2 and answer.first_keystroke_ms == 1  # kept, as advisory figures
    body = client.get(answer.get_absolute_url()).content.decode()
    assert "超过一分钟" in body and "一分钟内" not in body
    export = client_for(people.supervisor).get(reverse("trainer:results_export", args=["csv"])).content.decode("utf-8-sig")
    import csv
    import io

    row = list(csv.reader(io.StringIO(export)))[1]
    assert float(row[13]) >= 94.0  # 发出回复(秒): the server's figure, not the page's 0.002
    assert int(row[14]) == timing.chars_per_minute < 200  # typing speed over the time the server saw


def test_a_tampered_or_foreign_form_token_is_refused_and_the_text_kept(bank, people, client_for):
    scenario, other = Scenario.objects.filter(certification_only=False).order_by("slug")[:2]
    client = client_for(people.trainee)
    foreign = form_token_from(client, other.get_absolute_url())
    for token in ("", "made-up", foreign, foreign[:-2] + "xx"):
        response = client.post(scenario.get_absolute_url(), {"reply": "亲,这段还在", "form_token": token})
        assert response.status_code == 400 and "亲,这段还在" in response.content.decode()
        assert 'data-testid="form-token-error"' in response.content.decode()
    assert not Answer.objects.exists()


@pytest.mark.parametrize("served, received, first, submit, chars, expected", [
    (0, 95_000, 1, 2, 100, (95_000, 1, 63, True)),               # the page's tiny figures do not count
    (0, 30_000, 50_000, 60_000, 100, (30_000, 30_000, None, True)),  # first keystroke capped by the server's time
    (None, None, 2_000, 62_000, 60, (62_000, 2_000, 60, False)),    # stored before the server measured
    (None, 10_000, 1, 2, 60, (None, None, None, False)),           # a reply without a served page: nothing vouched for
])
def test_reply_timing_rule(served, received, first, submit, chars, expected):
    base = clock.now()
    at = lambda ms: None if ms is None else base + timedelta(milliseconds=ms)
    timing = reply_timing(served_at=at(served), received_at=at(received), first_keystroke_ms=first, submit_ms=submit,
                          chars=chars)
    assert (timing.reply_ms, timing.first_keystroke_ms, timing.chars_per_minute, timing.from_server) == expected


def test_exam_items_are_timed_from_the_page_the_server_served(bank, people, client_for, monkeypatch):
    from tests.factories import attempt_inputs

    client = client_for(people.trainee)
    client.post(reverse("quizzes:module_quiz_start", args=["customer-types"]))
    attempt = Attempt.objects.get()
    start = clock.now()
    client.get(reverse("quizzes:attempt_take", args=[attempt.pk]))
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=4))
    client.get(reverse("quizzes:attempt_take", args=[attempt.pk]))  # a reload keeps the first serving time
    services.attempt_submit(attempt_id=attempt.pk, user=people.trainee, inputs=attempt_inputs(attempt))
    for answer in attempt.answers.all():
        assert timedelta(minutes=4) - timedelta(seconds=2) <= answer.received_at - answer.served_at <= timedelta(minutes=4)


# -------------------------------------------------------------------------------------- paste and speed (#11)

@pytest.mark.parametrize(("seconds", "pasted", "flagged"), [
    (95, 0, False),  # typed at a human pace
    (95, "all", True),  # most of it arrived by paste
    (2, 0, True),  # faster than anyone types, whatever the page says
])
def test_paste_and_impossible_speed_flag_a_reply_without_changing_its_score(
        bank, people, client_for, monkeypatch, seconds, pasted, flagged):
    scenario = Scenario.objects.filter(certification_only=False).order_by("slug").first()
    client = client_for(people.trainee)
    start = clock.now()
    token = form_token_from(client, scenario.get_absolute_url())
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=seconds))
    chars = len("".join(scenario.model_answer.split()))
    client.post(scenario.get_absolute_url(), {"reply": scenario.model_answer, "form_token": token,
                                              "pasted_chars": str(chars if pasted == "all" else 0)})
    answer = Answer.objects.get()
    codes = {reason["code"] for reason in answer.auto_result["review_reasons"]}
    assert ("pasted" in codes) is flagged
    assert answer.needs_review is flagged and answer.auto_passed and answer.auto_total >= 85


def test_a_reply_faster_than_anyone_types_is_not_praised_for_its_typing_speed(bank, people, client_for, monkeypatch):
    """#20.2: the timing panel must not say 达标 under a flag saying the reply was pasted or impossibly fast."""
    scenario = Scenario.objects.filter(certification_only=False).order_by("slug").first()
    client = client_for(people.trainee)
    start = clock.now()
    token = form_token_from(client, scenario.get_absolute_url())
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=4))  # a whole model answer in 4 s
    client.post(scenario.get_absolute_url(), {"reply": scenario.model_answer, "form_token": token,
                                              "first_keystroke_ms": "1000", "submit_ms": "4000"})
    answer = Answer.objects.get()
    assert answer.timing.chars_per_minute > 240
    body = client.get(answer.get_absolute_url()).content.decode()
    assert 'data-testid="typing-pasted"' in body and "达标(≥60)" not in body
