"""The shipped concepts say what their names say (issue #11: core concepts that were too broad)."""
from __future__ import annotations

from pathlib import Path

import pytest

from quizzes.scoring import Criterion, Rubric, score_reply
from tools.check_bank import load_bank

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def lexicon():
    return load_bank().lexicon()


def hits(lexicon, concept: str, reply: str, kind: str = "avoids") -> bool:
    """Whether a reply expresses a concept of the shipped lexicon (an avoids criterion is not met when it does)."""
    criterion = Criterion("c", kind, "概念", 1, concepts=(concept,), feedback="…")
    other = Criterion("x", "covers", "其他", 1, phrases=("占位不会出现的词",), feedback="…")
    result = score_reply(reply, Rubric((criterion, other), pass_mark=50), lexicon)
    met = result.criteria[0].met
    return not met if kind == "avoids" else met


@pytest.mark.parametrize(("concept", "reply", "expected"), [
    ("absolute_promise", "亲,这款面料是100%纯棉的,贴身穿很舒服。", False),
    ("absolute_promise", "亲,我们100%保证明天送到。", True),
    ("post_bribe", "亲,真抱歉,给您发个红包表示歉意。", False),
    ("post_bribe", "亲,您改成好评的话返您一个红包。", True),
    ("blunt_refusal", "亲,这款不支持七天无理由,下单前请确认尺码。", False),
    ("blunt_refusal", "亲,实在没办法再便宜了,给您送个小样吧。", False),
    ("blunt_refusal", "不行,就这个价。", True),
])
def test_avoid_concepts_fire_on_what_they_forbid_only(lexicon, concept, reply, expected):
    assert hits(lexicon, concept, reply) is expected


@pytest.mark.parametrize(("concept", "reply", "expected"), [
    ("time_commitment", "亲,我马上帮您处理。", False),
    ("time_commitment", "亲,我尽快给您回复。", False),
    ("time_commitment", "亲,今天18点前给您回复。", True),
    ("seller_pays_return", "亲,这单有运费险,寄回时会自动理赔。", False),
    ("seller_pays_return", "亲,来回运费您先垫付一下。", False),
    ("seller_pays_return", "亲,来回运费都由我们承担。", True),
    ("freight_insurance", "亲,这单有运费险,寄回时会自动理赔。", True),
])
def test_covers_concepts_need_what_they_name(lexicon, concept, reply, expected):
    assert hits(lexicon, concept, reply, kind="covers") is expected
