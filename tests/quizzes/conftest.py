"""A loaded curriculum and bank for quiz tests (loaded once per test through the real loaders)."""
from __future__ import annotations

from pathlib import Path

import pytest

from courses.services import curriculum_load

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bank(db):
    from quizzes.services import bank_apply, bank_parse

    curriculum_load(root=ROOT / "courses" / "content")
    return bank_apply(bank=bank_parse(root=ROOT / "quizzes" / "content"))
