"""Content and onboarding loaded through the real loaders, plus helpers to create activity."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from courses import clock
from courses.services import curriculum_load
from quizzes.services import ReplyInput, bank_apply, bank_parse, practice_answer_submit

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def content(db):
    from trainer.services import onboarding_load

    curriculum_load(root=ROOT / "courses" / "content")
    bank_apply(bank=bank_parse(root=ROOT / "quizzes" / "content"))
    onboarding_load(path=ROOT / "trainer" / "content" / "onboarding.toml")


@pytest.fixture
def assigned(content, people):
    """The demo path assigned to both teams; trainees hired 10 days ago."""
    from trainer.models import OnboardingPath
    from trainer.services import path_assign

    hired = clock.today() - timedelta(days=10)
    for trainee in (people.trainee, people.teammate, people.outsider):
        trainee.hire_date = hired
        trainee.save()
    path_assign(path=OnboardingPath.objects.get(slug="newhire-30-days"), trainees=[people.trainee, people.teammate, people.outsider],
                assigned_by=people.supervisor)
    return OnboardingPath.objects.get(slug="newhire-30-days")


@pytest.fixture
def exam(content):
    from trainer.models import CertificationExam

    return CertificationExam.objects.get()


@pytest.fixture
def open_round(exam, people):
    """A certification round of the shipped exam for the test team, open since yesterday for a week."""
    from trainer.models import CertificationRound

    today = clock.today()
    return CertificationRound.objects.create(exam=exam, team=people.team, title="本月认证",
                                             opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=5))


def submit_reply(user, scenario, text: str):
    return practice_answer_submit(user=user, scenario=scenario, data=ReplyInput(reply_text=text))
