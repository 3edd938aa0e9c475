"""Practice, module quizzes, drafts, deadlines, permissions, commands."""
from __future__ import annotations

import io
import json
import random
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from courses import clock
from courses.models import Module
from quizzes import grading, services
from tests.factories import attempt_inputs, practice_post
from quizzes.models import Answer, Attempt, Question, RubricVersion, Scenario, ScoreRecord


def post_model_answer(client, scenario: Scenario):
    return practice_post(client, scenario.get_absolute_url(), {"reply": scenario.model_answer,
                                                               "first_keystroke_ms": "2500", "submit_ms": "45000"})


def test_practice_reply_is_scored_and_explained(bank, people, client_for):
    client = client_for(people.trainee)
    scenario = Scenario.objects.order_by("slug").first()
    response = post_model_answer(client, scenario)
    answer = Answer.objects.get(user=people.trainee)
    assert response.status_code == 302 and response.url == answer.get_absolute_url()
    assert answer.auto_total >= 85 and answer.auto_passed and answer.rubric_id == scenario.rubric_id
    body = client.get(answer.get_absolute_url()).content.decode()
    assert 'data-testid="model-answer"' in body and scenario.model_answer in body
    assert '<mark class="evidence"' in body
    for criterion in answer.auto_result["criteria"]:
        assert criterion["label"] in body
    assert "达到黄金六秒" in body and "一分钟内" in body


def test_empty_reply_keeps_nothing_lost_and_explains(bank, people, client_for):
    scenario = Scenario.objects.first()
    response = client_for(people.trainee).post(scenario.get_absolute_url(), {"reply": "   \n"})
    assert response.status_code == 400
    assert "回复不能为空" in response.content.decode()
    assert not Answer.objects.exists()


def test_too_long_reply_is_refused_with_text_kept(bank, people, client_for):
    scenario = Scenario.objects.first()
    text = "亲" * 2001
    response = client_for(people.trainee).post(scenario.get_absolute_url(), {"reply": text})
    assert response.status_code == 400 and text in response.content.decode()


def test_retry_creates_a_new_answer_and_history(bank, people, client_for):
    client = client_for(people.trainee)
    scenario = Scenario.objects.first()
    post_model_answer(client, scenario)
    practice_post(client, scenario.get_absolute_url(), {"reply": "不行"})
    assert Answer.objects.filter(user=people.trainee, scenario=scenario).count() == 2
    body = client.get(scenario.get_absolute_url()).content.decode()
    assert body.count("/quizzes/answers/") >= 2


def test_question_practice(bank, people, client_for):
    question = Question.objects.filter(kind="single", certification_only=False).first()
    wrong = next(i for i in range(len(question.choices)) if i not in question.answer)
    client = client_for(people.trainee)
    practice_post(client, reverse("quizzes:question", args=[question.slug]), {"choice": wrong})
    answer = Answer.objects.get(user=people.trainee)
    assert answer.auto_total == 0 and not answer.auto_passed
    body = client.get(answer.get_absolute_url()).content.decode()
    assert "回答错误" in body and question.explanation in body


def test_question_without_choice_is_refused(bank, people, client_for):
    question = Question.objects.filter(certification_only=False).first()
    response = client_for(people.trainee).post(reverse("quizzes:question", args=[question.slug]), {})
    assert response.status_code == 400 and "请选择答案" in response.content.decode()


def test_trainee_cannot_see_someone_elses_answer(bank, people, client_for):
    post_model_answer(client_for(people.teammate), Scenario.objects.first())
    answer = Answer.objects.get()
    assert client_for(people.trainee).get(answer.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("who, status", [("supervisor", 200), ("other_supervisor", 404), ("admin", 200), ("trainee", 200)])
def test_answer_visibility_by_role(bank, people, client, who, status):
    post_model_answer(client, Scenario.objects.first()) if False else None
    client.force_login(people.trainee)
    post_model_answer(client, Scenario.objects.first())
    answer = Answer.objects.get()
    client.force_login(getattr(people, who))
    assert client.get(answer.get_absolute_url()).status_code == status


def fill_attempt(attempt: Attempt, *, good: bool = True) -> dict:
    """The same answers as attempt_inputs, as the page's form fields."""
    data = {}
    for pk, item in attempt_inputs(attempt, good=good).items():
        if item.selected:
            data[f"choice_{pk}"] = list(item.selected)
        else:
            data[f"reply_{pk}"] = item.reply_text
    return data


def start_quiz(client, slug="customer-types") -> Attempt:
    response = client.post(reverse("quizzes:module_quiz_start", args=[slug]))
    attempt = Attempt.objects.get(mode=Attempt.Mode.MODULE_QUIZ, status=Attempt.Status.IN_PROGRESS)
    assert response.url == reverse("quizzes:attempt_take", args=[attempt.pk])
    return attempt


def test_module_quiz_draws_from_its_module_and_submits_once(bank, people, client_for):
    client = client_for(people.trainee)
    attempt = start_quiz(client)
    answers = list(attempt.answers.select_related("scenario", "question"))
    assert sum(a.scenario_id is not None for a in answers) == services.MODULE_QUIZ_SCENARIOS
    assert sum(a.question_id is not None for a in answers) == services.MODULE_QUIZ_QUESTIONS
    assert all((a.scenario or a.question).module.slug == "customer-types" for a in answers)
    url = reverse("quizzes:attempt_take", args=[attempt.pk])
    data = fill_attempt(attempt)
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.url == second.url == attempt.get_absolute_url()
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.total >= 85 and attempt.passed
    assert ScoreRecord.objects.count() == services.MODULE_QUIZ_SCENARIOS  # scored exactly once
    body = client.get(attempt.get_absolute_url()).content.decode()
    assert 'data-testid="attempt-total">' + str(attempt.total) in body


def test_answers_carry_their_attempts_pass_mark(bank, people, client_for):
    """The review queue sorts by Answer.pass_mark; it must be the attempt's, for practice and quizzes alike."""
    client = client_for(people.trainee)
    post_model_answer(client, Scenario.objects.order_by("slug").first())
    start_quiz(client)
    answers = list(Answer.objects.select_related("attempt"))
    assert {a.attempt.mode for a in answers} == {Attempt.Mode.PRACTICE, Attempt.Mode.MODULE_QUIZ}
    assert all(a.pass_mark is not None and a.pass_mark == a.attempt.pass_mark for a in answers)


def test_starting_again_resumes_the_open_quiz(bank, people, client_for):
    client = client_for(people.trainee)
    attempt = start_quiz(client)
    client.post(reverse("quizzes:module_quiz_start", args=["customer-types"]))
    assert Attempt.objects.filter(mode=Attempt.Mode.MODULE_QUIZ).count() == 1 and attempt.is_open


def test_incomplete_quiz_keeps_typed_text(bank, people, client_for):
    client = client_for(people.trainee)
    attempt = start_quiz(client)
    data = fill_attempt(attempt)
    missing = next(k for k in data if k.startswith("reply_"))
    data[missing] = ""
    kept = next(v for k, v in data.items() if k.startswith("reply_") and v)
    response = client.post(reverse("quizzes:attempt_take", args=[attempt.pk]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "已为你保留所有输入" in body and kept in body
    attempt.refresh_from_db()
    assert attempt.is_open


def test_draft_autosave_and_resume(bank, people, client_for):
    client = client_for(people.trainee)
    attempt = start_quiz(client)
    answer = attempt.answers.filter(scenario__isnull=False).first()
    response = client.post(reverse("quizzes:attempt_draft", args=[attempt.pk]), {f"reply_{answer.pk}": "亲,草稿还在",
                                                                                 "seq": "1"})
    assert response.json() == {"saved": True, "outcome": "saved"}
    body = client.get(reverse("quizzes:attempt_take", args=[attempt.pk])).content.decode()
    assert "亲,草稿还在" in body


def test_other_users_cannot_touch_an_attempt(bank, people, client_for, client):
    attempt = start_quiz(client_for(people.trainee))
    client.force_login(people.teammate)
    assert client.get(reverse("quizzes:attempt_take", args=[attempt.pk])).status_code == 404
    assert client.post(reverse("quizzes:attempt_draft", args=[attempt.pk]), {}).status_code == 404
    assert client.get(reverse("quizzes:attempt_result", args=[attempt.pk])).status_code == 404


def test_deadline_is_enforced_on_the_server(bank, people, monkeypatch):
    module = Module.objects.get(slug="customer-types")
    items = list(Scenario.objects.filter(module=module)[:2])
    attempt = services.attempt_start(user=people.trainee, mode=Attempt.Mode.CERTIFICATION, items=items,
                                     pass_mark=80, module=module, time_limit=timedelta(minutes=10))
    first, second = attempt.answers.order_by("position")
    services.attempt_save_draft(attempt_id=attempt.pk, user=people.trainee, seq=1,
                                inputs={first.pk: services.ReplyInput(reply_text=items[0].model_answer)})
    later = clock.now() + timedelta(minutes=11)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert services.attempt_save_draft(attempt_id=attempt.pk, user=people.trainee, seq=2, inputs={
        second.pk: services.ReplyInput(reply_text="迟到的回复")}) is services.DraftOutcome.CLOSED
    services.attempt_submit(attempt_id=attempt.pk, user=people.trainee,
                            inputs={second.pk: services.ReplyInput(reply_text="迟到的回复")})
    attempt.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert attempt.status == Attempt.Status.EXPIRED
    assert first.reply_text == items[0].model_answer and first.auto_total >= 85
    assert second.reply_text == "" and second.auto_total < 50
    assert attempt.submitted_at == attempt.deadline


def test_draw_spreads_across_groups():
    rng = random.Random(7)
    items = [type("S", (), {"group": g})() for g in "aabbccdd"]
    drawn = services.draw_items(scenarios=items, questions=[], n_scenarios=4, n_questions=0, rng=rng,
                                spread_by=lambda s: [s.group])
    assert sorted(s.group for s in drawn) == ["a", "b", "c", "d"]


def test_rubric_edit_creates_a_version_and_old_answers_keep_theirs(bank, people):
    scenario = Scenario.objects.first()
    answer = services.practice_answer_submit(user=people.trainee, scenario=scenario,
                                             data=services.ReplyInput(reply_text=scenario.model_answer))
    old = scenario.rubric
    snapshot = json.loads(json.dumps(old.snapshot))
    snapshot["criteria"][0]["weight"] += 2
    new, created = services.rubric_version_for(snapshot=snapshot)
    assert created and new.content_hash != old.content_hash
    Scenario.objects.filter(pk=scenario.pk).update(rubric=new)
    answer.refresh_from_db()
    assert answer.rubric_id == old.pk  # history is not rewritten by the edit
    assert services.answers_rescore() == 1
    answer.refresh_from_db()
    assert answer.rubric_id == new.pk
    assert list(answer.score_records.values_list("rubric_id", flat=True)) == [new.pk, old.pk]
    newest = answer.score_records.first()  # written in bulk: it must read back like any other
    assert newest.result == answer.auto_result and newest.total == answer.auto_total
    assert newest.created_at is not None and newest.engine_version == answer.score_records.last().engine_version
    assert services.answers_rescore() == 0  # already on the current version


def test_loading_the_bank_twice_changes_nothing(bank):
    from quizzes.services import bank_apply, bank_parse
    from tests.quizzes.conftest import ROOT

    versions = RubricVersion.objects.count()
    again = bank_apply(bank=bank_parse(root=ROOT / "quizzes" / "content"))
    assert (again.scenarios_created, again.scenarios_updated, again.questions_updated) == (0, 0, 0)
    assert RubricVersion.objects.count() == versions


def test_bank_size(bank):
    assert Scenario.objects.filter(is_active=True).count() >= 40
    assert Question.objects.filter(is_active=True).count() >= 60
    assert set(Question.objects.values_list("kind", flat=True)) == {"single", "multiple", "truefalse"}


def test_score_reply_command_prints_json(bank):
    scenario = Scenario.objects.first()
    out = io.StringIO()
    call_command("score_reply", scenario.slug, text=scenario.model_answer, stdout=out)
    result = json.loads(out.getvalue())
    assert result["passed"] and result["rubric_version"] == scenario.rubric.content_hash
    assert all({"earned", "max", "evidence", "feedback"} <= set(c) for c in result["criteria"])


def test_score_reply_reads_json_lines(bank, monkeypatch):
    scenario = Scenario.objects.first()
    lines = json.dumps({"scenario": scenario.slug, "reply": "不行"}, ensure_ascii=False) + "\nnot json\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    out = io.StringIO()
    call_command("score_reply", stdout=out)
    first, second = [json.loads(l) for l in out.getvalue().splitlines()]
    assert first["passed"] is False and second["line"] == 2 and "error" in second


def test_export_scenarios_command(bank):
    out = io.StringIO()
    call_command("export_scenarios", stdout=out)
    data = json.loads(out.getvalue())
    assert len(data) == Scenario.objects.filter(is_active=True).count()
    assert all(re.fullmatch(r"[0-9a-f]{64}", s["rubric"]["version"]) and s["rubric"]["criteria"] for s in data)


def test_rescore_command_reports(bank, people):
    scenario = Scenario.objects.first()
    services.practice_answer_submit(user=people.trainee, scenario=scenario,
                                    data=services.ReplyInput(reply_text=scenario.model_answer))
    out = io.StringIO()
    call_command("rescore", all=True, stdout=out, stderr=io.StringIO())
    assert "Re-scored 1 answer(s)" in out.getvalue()


def test_nul_characters_are_dropped_before_storage(bank, people, client_for):
    scenario = Scenario.objects.first()
    practice_post(client_for(people.trainee), scenario.get_absolute_url(), {"reply": "亲\x00,您好,马上帮您查"})
    assert Answer.objects.get().reply_text == "亲,您好,马上帮您查"


def test_tampered_timing_is_dropped_not_refused(bank, people, client_for):
    scenario = Scenario.objects.first()
    response = practice_post(client_for(people.trainee), scenario.get_absolute_url(), {
        "reply": scenario.model_answer, "first_keystroke_ms": "abc", "submit_ms": "-5"})
    answer = Answer.objects.get()
    assert response.status_code == 302 and answer.first_keystroke_ms is None and answer.submit_ms is None


def test_oversized_draft_is_refused_not_truncated(bank, people, client_for):
    client = client_for(people.trainee)
    attempt = start_quiz(client)
    answer = attempt.answers.filter(scenario__isnull=False).first()
    response = client.post(reverse("quizzes:attempt_draft", args=[attempt.pk]), {f"reply_{answer.pk}": "亲" * 2001, "seq": "1"})
    answer.refresh_from_db()
    assert response.status_code == 400 and answer.reply_text == ""


def test_rescore_in_worker_processes_gives_the_results_of_scoring_here(bank, people, monkeypatch):
    scenarios = list(Scenario.objects.filter(certification_only=False).order_by("slug")[:3])
    replies = [s.model_answer for s in scenarios] + ["不行", "亲,稍等我查一下", scenarios[0].model_answer[:20]]
    for i, reply in enumerate(replies):
        services.practice_answer_submit(user=people.trainee, scenario=scenarios[i % 3],
                                        data=services.ReplyInput(reply_text=reply))
    monkeypatch.setattr(services, "RESCORE_PARALLEL_FROM", 1)  # a pool even for six answers
    assert services.answers_rescore(force=True, workers=2) == len(replies)
    parallel = {a.pk: a.auto_result for a in Answer.objects.all()}
    assert services.answers_rescore(force=True, workers=1) == len(replies)
    serial = {a.pk: a.auto_result for a in Answer.objects.all()}
    assert parallel == serial and len(parallel) == len(replies)


def test_rescore_changes_only_the_scored_fields_and_keeps_a_supervisors_final_score(bank, people):
    scenario = Scenario.objects.filter(certification_only=False).order_by("slug").first()
    reviewed = services.practice_answer_submit(user=people.trainee, scenario=scenario,
                                               data=services.ReplyInput(reply_text="好的,稍等"))
    plain = services.practice_answer_submit(user=people.teammate, scenario=scenario,
                                            data=services.ReplyInput(reply_text=scenario.model_answer))
    full = {c["key"]: c["max"] for c in reviewed.auto_result["criteria"]}
    caps = [r["code"] for r in grading.capping_reasons(reviewed.auto_result)]  # else full points stay capped
    services.review_submit(answer_id=reviewed.pk, reviewer=people.supervisor, points=full, comment="",
                           passages=[], seen_review_id=None, cleared_caps=caps)
    scored = set(services.attempts._RESCORED_FIELDS) | {"rubric_id"}
    before = {row["id"]: row for row in Answer.objects.values()}
    snapshot = json.loads(json.dumps(scenario.rubric.snapshot))
    snapshot["criteria"][0]["weight"] += 3
    new, _created = services.rubric_version_for(snapshot=snapshot)
    Scenario.objects.filter(pk=scenario.pk).update(rubric=new)
    assert services.answers_rescore() == 2
    after = {row["id"]: row for row in Answer.objects.values()}
    for pk, row in after.items():
        assert {k: v for k, v in row.items() if k not in scored} == {k: v for k, v in before[pk].items() if k not in scored}
        assert row["rubric_id"] == new.pk
    assert after[reviewed.pk]["final_total"] == before[reviewed.pk]["final_total"] == 100
    assert after[reviewed.pk]["needs_review"] is False and after[reviewed.pk]["reviewed_at"] is not None
    assert after[plain.pk]["final_total"] == after[plain.pk]["auto_total"]
    assert Answer.objects.count() == 2  # the upsert updated rows, it made none
