"""No certificate on an unchecked score: a certification sitting with a flagged or sampled reply not yet
reviewed is pending review; reviewing the last of them issues the certificate, band and path step on
the final totals. A team may issue at once."""
from __future__ import annotations

import random

import pytest
from django.urls import reverse

from quizzes import grading
from quizzes import services as quiz_services
from quizzes.models import Answer
from quizzes.services import ReplyInput
from tests.factories import attempt_inputs
from trainer import selectors
from trainer.certification import band_for
from trainer.models import Notification
from trainer.progress import PASSED
from trainer.services import certification_start, review_submit_and_notify

RUDE_TAIL = "爱买不买。"


def sit_with_a_flagged_reply(trainee, round_):
    """Model replies and right choices, but one reply with a rude tail: flagged and capped."""
    cert = certification_start(trainee=trainee, round_=round_, rng=random.Random(1))
    inputs = attempt_inputs(cert.attempt, good=True)
    flagged = cert.attempt.answers.filter(scenario__isnull=False).select_related("scenario").order_by("position").first()
    inputs[flagged.pk] = ReplyInput(reply_text=flagged.scenario.model_answer + RUDE_TAIL)
    quiz_services.attempt_submit(attempt_id=cert.attempt_id, user=trainee, inputs=inputs)
    cert.attempt.refresh_from_db()
    flagged.refresh_from_db()
    assert flagged.needs_review and grading.capping_reasons(flagged.auto_result)
    return cert, flagged


def review(answer, reviewer, points=None, **fields):
    answer = Answer.objects.select_related("scenario").get(pk=answer.pk)  # as the review screen reads it
    return review_submit_and_notify(answer=answer, reviewer=reviewer, points=points or {}, comment="", passages=[],
                                    seen_review_id=None, **fields)


def certification_step(trainee):
    progress = selectors.progress_for(trainees=list(selectors.trainees_with_paths(user=trainee)))[0]
    return next(s for s in progress.steps if s.step.kind == "certification")


def test_a_sitting_with_a_flagged_reply_issues_nothing_until_reviewed_then_does(
        assigned, open_round, people, client_for):
    cert, flagged = sit_with_a_flagged_reply(people.trainee, open_round)
    waiting = list(cert.attempt.answers.filter(scenario__isnull=False).order_by("position"))
    provisional = cert.attempt.total

    # Pending: the provisional total marked as such; no band, certificate, verification or path step.
    assert selectors.certification_pending_attempts(attempt_ids=[cert.attempt_id]) == {cert.attempt_id}
    record = selectors.certification_record(cert=cert)
    assert record.pending and record.band is None and record.valid_until is None
    body = client_for(people.trainee).get(reverse("trainer:certification_result", args=[cert.pk])).content.decode()
    assert 'data-testid="cert-pending"' in body and "待主管审阅" in body and f"暂定成绩 {provisional} 分" in body
    assert 'data-testid="cert-band"' not in body and 'data-testid="certificate-link"' not in body
    assert client_for(people.trainee).get(reverse("trainer:certificate", args=[cert.pk])).status_code == 404
    assert client_for(people.trainee).get(reverse("trainer:verify_certificate", args=[cert.verification_code])).status_code == 404
    history = client_for(people.trainee).get(reverse("trainer:certification")).content.decode()
    assert "待主管审阅" in history and "你持有有效的" not in history
    assert certification_step(people.trainee).status != PASSED
    # The supervisor home lists the sitting, with a link to each reply still to review.
    home = client_for(people.supervisor).get(reverse("home")).content.decode()
    listed = home[home.index('data-testid="certifications-waiting"'):]
    assert people.trainee.name in listed and reverse("trainer:certification_result", args=[cert.pk]) in listed
    for answer in waiting:
        assert reverse("trainer:review_answer", args=[answer.pk]) in listed

    # Every reply but the flagged one reviewed: still pending.
    for answer in waiting:
        if answer.pk != flagged.pk:
            review(answer, people.supervisor)
    assert selectors.certification_record(cert=cert).pending
    assert not Notification.objects.filter(user=people.trainee, url=cert.get_absolute_url()).exists()

    # The last one reviewed (its cap found not to apply): issued, on the final total.
    review(flagged, people.supervisor, cleared_caps=[c["code"] for c in grading.capping_reasons(flagged.auto_result)])
    cert.attempt.refresh_from_db()
    assert cert.attempt.total > provisional  # the cleared cap raised the final total
    record = selectors.certification_record(cert=cert)
    assert not record.pending and record.band == band_for(cert.attempt.total) and record.valid_until is not None
    body = client_for(people.trainee).get(reverse("trainer:certification_result", args=[cert.pk])).content.decode()
    assert 'data-testid="cert-pending"' not in body and 'data-testid="certificate-link"' in body
    assert str(band_for(cert.attempt.total).label) in body
    assert client_for(people.trainee).get(reverse("trainer:certificate", args=[cert.pk])).status_code == 200
    assert client_for(people.trainee).get(reverse("trainer:verify_certificate", args=[cert.verification_code])).status_code == 200
    step = certification_step(people.trainee)
    assert step.status == PASSED and step.score == cert.attempt.total
    home = client_for(people.supervisor).get(reverse("home")).content.decode()
    assert 'data-testid="certifications-waiting"' not in home
    note = Notification.objects.get(user=people.trainee, url=cert.get_absolute_url())
    assert str(cert.attempt.total) in note.message
    # A later review adjusts the result but announces no second issue.
    review(flagged, people.supervisor, force=True)
    assert Notification.objects.filter(user=people.trainee, url=cert.get_absolute_url()).count() == 1


def test_alerts_wait_for_the_review(open_round, people):
    """A pending sitting is neither expiring nor below 65 until it is reviewed."""
    cert, _flagged = sit_with_a_flagged_reply(people.trainee, open_round)
    records = selectors.certification_records(trainee_ids=[people.trainee.pk])
    assert [r.pending for r in records] == [True]
    alerts = selectors.certification_alerts(user=people.supervisor)
    assert all(r.cert.pk != cert.pk for r in alerts["expiring"])


def test_a_team_may_issue_at_once(assigned, open_round, people, client_for):
    people.team.certify_before_review = True
    people.team.save()
    cert, flagged = sit_with_a_flagged_reply(people.trainee, open_round)
    assert selectors.certification_pending_attempts(attempt_ids=[cert.attempt_id]) == set()
    record = selectors.certification_record(cert=cert)
    assert not record.pending and record.band == band_for(cert.attempt.total)
    body = client_for(people.trainee).get(reverse("trainer:certification_result", args=[cert.pk])).content.decode()
    assert 'data-testid="cert-pending"' not in body and 'data-testid="cert-band"' in body
    if cert.attempt.passed:
        assert 'data-testid="certificate-link"' in body
        assert certification_step(people.trainee).status == PASSED
    home = client_for(people.supervisor).get(reverse("home")).content.decode()
    assert 'data-testid="certifications-waiting"' not in home
    review(flagged, people.supervisor)  # reviewing later announces nothing: it was issued already
    assert not Notification.objects.filter(user=people.trainee, url=cert.get_absolute_url()).exists()


def test_the_default_waits_and_the_team_page_edits_the_setting(people, client_for):
    assert people.team.certify_before_review is False
    client = client_for(people.supervisor)
    url = reverse("trainer:team_settings", args=[people.team.pk])
    assert 'name="certify_before_review"' in client.get(url).content.decode()
    assert client.post(url, {"which": "sampling", "review_sample_percent": "100",
                             "certify_before_review": "on"}).status_code == 302
    people.team.refresh_from_db()
    assert people.team.certify_before_review is True
    assert client.post(url, {"which": "sampling", "review_sample_percent": "100"}).status_code == 302
    people.team.refresh_from_db()
    assert people.team.certify_before_review is False


@pytest.mark.parametrize("percent", [0, 100])
def test_practice_replies_never_hold_a_sitting_and_a_sampled_team_still_waits(percent, open_round, people):
    """Only the sitting's own replies count; a team sampling 0% of ordinary replies still reviews every
    certification reply (the queue's rule), so its sittings wait too."""
    people.team.review_sample_percent = percent
    people.team.save()
    cert, _flagged = sit_with_a_flagged_reply(people.trainee, open_round)
    assert selectors.certification_pending_attempts(attempt_ids=[cert.attempt_id]) == {cert.attempt_id}
    for answer in cert.attempt.answers.filter(scenario__isnull=False):
        review(answer, people.supervisor)
    scenario = cert.attempt.answers.filter(scenario__isnull=False).first().scenario
    quiz_services.practice_answer_submit(user=people.trainee, scenario=scenario, data=ReplyInput(reply_text="不行"))
    assert selectors.certification_pending_attempts(attempt_ids=[cert.attempt_id]) == set()
