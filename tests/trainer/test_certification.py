"""Certification: draw, server-side time limit, bands, validity, alerts, certificate and verification."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from courses import clock
from quizzes import services as quiz_services
from quizzes.models import Attempt
from tests.factories import attempt_inputs
from trainer.certification import band_for
from trainer.models import CertificationRound
from trainer.services import certification_start, rounds_create_monthly


@pytest.mark.parametrize("score, coefficient", [(0, 0.5), (64, 0.5), (65, 1.0), (79, 1.0), (80, 1.2), (94, 1.2),
                                                (95, 1.5), (100, 1.5)])
def test_bands_from_the_material(score, coefficient):
    assert band_for(score).coefficient == coefficient


def issue_at_once(team) -> None:
    """These tests are about bands, validity and certificates on the automatic scores: the team issues
    without waiting for review (the wait itself: tests/trainer/test_certification_pending.py)."""
    team.certify_before_review = True
    team.save(update_fields=["certify_before_review"])


def sit(trainee, round_, *, good: bool, rng_seed: int = 1):
    cert = certification_start(trainee=trainee, round_=round_, rng=random.Random(rng_seed))
    quiz_services.attempt_submit(attempt_id=cert.attempt_id, user=trainee, inputs=attempt_inputs(cert.attempt, good=good))
    cert.attempt.refresh_from_db()
    return cert


def test_draw_spreads_scenarios_across_customer_types(open_round, people, exam):
    cert = certification_start(trainee=people.trainee, round_=open_round, rng=random.Random(3))
    answers = list(cert.attempt.answers.select_related("scenario").prefetch_related("scenario__tags"))
    scenarios = [a.scenario for a in answers if a.scenario_id]
    assert len(scenarios) == exam.scenario_count
    assert sum(a.question_id is not None for a in answers) == exam.question_count
    types = [frozenset(t.key for t in s.tags.all() if t.kind == "customer") for s in scenarios]
    flattened = [t for group in types for t in group]
    assert len(flattened) == len(set(flattened)), "no customer type appears twice"
    assert cert.attempt.deadline == cert.attempt.started_at + timedelta(minutes=exam.time_limit_minutes)


def test_starting_twice_resumes_and_finished_round_cannot_be_retaken(open_round, people):
    first = certification_start(trainee=people.trainee, round_=open_round)
    assert certification_start(trainee=people.trainee, round_=open_round) == first
    quiz_services.attempt_submit(attempt_id=first.attempt_id, user=people.trainee, inputs={})
    with pytest.raises(ValidationError):
        certification_start(trainee=people.trainee, round_=open_round)


def test_closed_round_and_other_team_are_refused(open_round, people, exam):
    with pytest.raises(PermissionDenied):
        certification_start(trainee=people.outsider, round_=open_round)
    open_round.closes_on = clock.today() - timedelta(days=1)
    open_round.opens_on = open_round.closes_on - timedelta(days=3)
    open_round.save()
    with pytest.raises(ValidationError):
        certification_start(trainee=people.trainee, round_=open_round)


def test_pass_gives_band_validity_and_certificate(open_round, people, client_for, exam):
    issue_at_once(people.team)
    cert = sit(people.trainee, open_round, good=True)
    assert cert.attempt.passed and cert.attempt.total >= 80
    client = client_for(people.trainee)
    body = client.get(reverse("trainer:certification_result", args=[cert.pk])).content.decode()
    assert str(band_for(cert.attempt.total).label) in body and 'data-testid="certificate-link"' in body
    certificate = client.get(reverse("trainer:certificate", args=[cert.pk])).content.decode()
    valid_until = clock.today() + timedelta(days=exam.validity_days)
    assert cert.verification_code in certificate and f"{valid_until.year}年{valid_until.month}月{valid_until.day}日" in certificate
    # The sitting in the lists: the trainee's certification page, the supervisor's overview, the trainee detail.
    from django.utils.html import escape

    result_url = reverse("trainer:certification_result", args=[cert.pk])
    mine = client.get(reverse("trainer:certification")).content.decode()
    assert f'<a href="{result_url}">{escape(exam.name)}</a>' in mine and escape(open_round.title) in mine
    assert f"有效期至 {valid_until:%Y-%m-%d}" in mine and f'href="{reverse("trainer:certificate", args=[cert.pk])}"' in mine
    supervisor = client_for(people.supervisor)
    overview = supervisor.get(reverse("trainer:cert_overview")).content.decode()
    assert f'<a href="{result_url}">{escape(people.trainee.name)}</a>' in overview
    detail = supervisor.get(reverse("trainer:trainee_detail", args=[people.trainee.pk])).content.decode()
    assert (f'<a href="{result_url}">{escape(exam.name)}</a></td><td>{clock.today():%Y-%m-%d}</td>'
            f"<td>{cert.attempt.total}</td>") in detail and f"有效至 {valid_until:%Y-%m-%d}" in detail


def test_public_verification_reveals_only_the_certificate(open_round, people, client, exam):
    people.trainee.display_name = "林可"
    # A username no random token can contain by chance ("t1" sometimes turned up inside the CSRF token).
    people.trainee.username = "hidden-login-name"
    people.trainee.save()
    issue_at_once(people.team)
    cert = sit(people.trainee, open_round, good=True)
    response = client.get(reverse("trainer:verify_certificate", args=[cert.verification_code]))
    body = response.content.decode()
    assert response.status_code == 200 and "证书有效" in body and people.trainee.name in body
    assert people.trainee.username not in body and people.team.name not in body
    assert cert.attempt.answers.first().reply_text[:10] not in body
    assert client.get(reverse("trainer:verify_certificate", args=["NOPE1234"])).status_code == 404


def test_failed_exam_has_no_certificate(open_round, people, client_for):
    cert = sit(people.trainee, open_round, good=False)
    assert not cert.attempt.passed
    client = client_for(people.trainee)
    assert client.get(reverse("trainer:certificate", args=[cert.pk])).status_code == 404
    assert client.get(reverse("trainer:verify_certificate", args=[cert.verification_code])).status_code == 404


def test_answers_after_the_deadline_are_not_accepted(open_round, people, monkeypatch, exam):
    cert = certification_start(trainee=people.trainee, round_=open_round)
    answer = cert.attempt.answers.filter(scenario__isnull=False).select_related("scenario").first()
    quiz_services.attempt_save_draft(attempt_id=cert.attempt_id, user=people.trainee, seq=1,
                                     inputs={answer.pk: quiz_services.ReplyInput(reply_text=answer.scenario.model_answer)})
    late = clock.now() + timedelta(minutes=exam.time_limit_minutes + 1)
    monkeypatch.setattr(clock, "now", lambda: late)
    quiz_services.attempt_submit(attempt_id=cert.attempt_id, user=people.trainee,
                                 inputs={answer.pk: quiz_services.ReplyInput(reply_text="超时后改的")})
    answer.refresh_from_db()
    cert.attempt.refresh_from_db()
    assert answer.reply_text == answer.scenario.model_answer
    assert cert.attempt.status == Attempt.Status.EXPIRED


def test_late_page_post_is_scored_from_saved_drafts(open_round, people, client_for, monkeypatch, exam):
    cert = certification_start(trainee=people.trainee, round_=open_round)
    late = clock.now() + timedelta(minutes=exam.time_limit_minutes + 1)
    monkeypatch.setattr(clock, "now", lambda: late)
    response = client_for(people.trainee).post(reverse("quizzes:attempt_take", args=[cert.attempt_id]), {})
    cert.attempt.refresh_from_db()
    assert cert.attempt.status == Attempt.Status.EXPIRED
    assert response.url == cert.attempt.get_absolute_url()


def test_two_rounds_below_65_flag_the_trainee_and_expiry_is_listed(exam, people, monkeypatch, client_for):
    issue_at_once(people.team)
    today = clock.today()
    rounds = [CertificationRound.objects.create(exam=exam, team=people.team, title=f"第{i}轮",
                                                opens_on=today - timedelta(days=100 - 40 * i),
                                                closes_on=today - timedelta(days=95 - 40 * i)) for i in range(2)]
    real_today, real_now = clock.today, clock.now

    def travel_to(day):
        shift = today - day  # not real_today(): clock.today() reads the patched clock.now()
        monkeypatch.setattr(clock, "today", lambda: day)
        monkeypatch.setattr(clock, "now", lambda: real_now() - shift)

    for round_ in rounds:
        travel_to(round_.opens_on)
        sit(people.trainee, round_, good=False)
    current = CertificationRound.objects.create(exam=exam, team=people.team, title="本轮",
                                                opens_on=today - timedelta(days=85), closes_on=today)
    travel_to(current.opens_on)
    passed = sit(people.teammate, current, good=True)
    assert passed.attempt.passed, passed.attempt.total
    monkeypatch.setattr(clock, "today", real_today)
    monkeypatch.setattr(clock, "now", real_now)
    body = client_for(people.supervisor).get(reverse("trainer:cert_overview")).content.decode()
    flagged = body[body.index('data-testid="flagged"'):body.index('data-testid="expiring"')]
    expiring = body[body.index('data-testid="expiring"'):]
    assert people.trainee.name in flagged and people.teammate.name not in flagged
    assert people.teammate.name in expiring.split("</ul>")[0]
    # The supervisor home derives the same alerts from the attempts it read for the progress bars.
    from trainer import selectors

    trainee_ids = [people.trainee.pk, people.teammate.pk]
    own_read = selectors.certification_alerts(user=people.supervisor, trainee_ids=trainee_ids)
    shared = selectors.certification_alerts(
        user=people.supervisor, attempts=selectors.quiz_and_certification_attempts(trainee_ids=trainee_ids))
    as_ids = lambda alerts: ([r.cert.pk for r in alerts["expiring"]], [[r.cert.pk for r in f] for f in alerts["flagged"]])
    assert as_ids(shared) == as_ids(own_read) and own_read["expiring"] and own_read["flagged"]
    home = client_for(people.supervisor).get("/")
    assert as_ids(home.context["alerts"]) == as_ids(own_read)


def test_monthly_rounds_are_scheduled_once(exam, people, client_for):
    client = client_for(people.supervisor)
    data = {"team": people.team.pk, "exam": exam.pk, "first_day": "2026-12-01", "months": 3, "window_days": 7}
    client.post(reverse("trainer:cert_overview"), data)
    client.post(reverse("trainer:cert_overview"), data)
    rounds = list(CertificationRound.objects.order_by("opens_on").values_list("opens_on", flat=True))
    assert [d.isoformat() for d in rounds] == ["2026-12-01", "2027-01-01", "2027-02-01"]


def test_supervisor_cannot_schedule_for_another_team(exam, people, client_for):
    response = client_for(people.supervisor).post(reverse("trainer:cert_overview"), {
        "team": people.other_team.pk, "exam": exam.pk, "first_day": "2026-12-01", "months": 1, "window_days": 7})
    assert response.status_code == 400 and not CertificationRound.objects.exists()


def test_rounds_helper_rolls_over_the_year(exam, people):
    rounds = rounds_create_monthly(team=people.team, exam=exam, first_month_start=clock.today().replace(month=11, day=1),
                                   months=3)
    assert [r.opens_on.month for r in rounds] == [11, 12, 1]
