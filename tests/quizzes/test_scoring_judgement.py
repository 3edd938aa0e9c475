"""The scorer judges replies, not words (issue #11): table-driven, no database.

Every reply here is written for this file. The scenario: a buyer's mug arrived cracked; the shop's rule
is a free reship or a full refund within 1-3 working days, the shop pays any return freight, and the
parcel went with 韵达.
"""
from __future__ import annotations

import pytest

from quizzes.scoring import Concept, Criterion, Lexicon, Rubric, score_reply
from quizzes.scoring.types import CAPPED_TOTAL, TypingSignals

LEXICON = Lexicon([
    Concept("apology", "致歉", ("抱歉", "不好意思", "对不起")),
    Concept("reship", "补发", ("补发", "重新发一个", "再寄一个")),
    Concept("refund", "退款", ("可以退款", "全额退款", "给您退款")),
    Concept("seller_pays_return", "运费店铺出", ("运费我们承担", "运费我们出"),
            contrary=("运费*您自己出", "运费*您来出", "您承担*运费")),
    Concept("ask_photo", "请买家拍照", ("拍张照", "发张照片", "拍个照片")),
    Concept("contact_courier", "联系快递", ("联系快递",)),
    Concept("blunt_refusal", "生硬拒绝", ("不行", "做不到"), negatable=False),
    Concept("invitation", "邀请继续沟通", ("随时找我",)),
])
RUBRIC = Rubric(
    criteria=(
        Criterion("apology", "covers", "先道歉", 2, concepts=("apology",), feedback="先道歉。"),
        Criterion("fix", "covers", "补发或退款", 3, concepts=("reship", "refund"), feedback="给出方案。"),
        Criterion("freight", "covers", "运费店铺出", 2, concepts=("seller_pays_return",), feedback="说清运费。"),
        Criterion("photo", "covers", "请拍照", 1, concepts=("ask_photo",), feedback="请买家拍照。"),
        Criterion("courier", "covers", "联系快递", 1, concepts=("contact_courier",), feedback="联系快递。"),
        Criterion("no-refusal", "avoids", "不生硬拒绝", 1, concepts=("blunt_refusal",), feedback="别硬拒。"),
    ),
    pass_mark=70,
    facts=("退款时效:1-3个工作日", "快递:韵达"),
)
CONTEXT = "店铺:木白陶瓷。商品:手绘马克杯 ¥68,韵达发出,昨天签收。规则:破损可免费补发或全额退款,退款1-3个工作日原路返回。"
BUYER = "杯子收到就裂了一条缝,怎么办?"
MODEL = "亲,真抱歉让您收到裂开的杯子。麻烦您拍张照发我,我马上给您补发一个新的,不想要的话也可以全额退款,寄回的运费我们承担,我这边也会联系快递反馈破损。"
TOPIC = "\n".join([CONTEXT, BUYER, MODEL])
GOOD = "亲,真抱歉让您收到裂开的杯子。麻烦您拍张照发我,我马上给您补发一个新的,要退款也行,运费我们出,我也会联系快递说明破损情况。"


def score(reply: str, **kwargs):
    return score_reply(reply, RUBRIC, LEXICON, buyer_text=BUYER, topic_text=TOPIC, **kwargs)


def met(result, key: str) -> bool:
    return next(c for c in result.criteria if c.key == key).met


def codes(result) -> set[str]:
    return {reason.code for reason in result.review_reasons}


def test_the_reference_reply_passes_without_review():
    result = score(GOOD)
    assert result.passed and result.total >= 85 and not result.needs_review, result


# ---------------------------------------------------------------- normalisation

def test_traditional_characters_score_like_simplified():
    simplified, traditional = score(GOOD), score("親,真抱歉讓您收到裂開的杯子。麻煩您拍張照發我,我馬上給您補發一個新的,要退款也行,運費我們出,我也會聯繫快遞說明破損情況。")
    assert traditional.total == simplified.total and traditional.passed


def test_zero_width_characters_hide_nothing_and_are_flagged_when_they_split_a_word():
    result = score(GOOD + "你有\u200b病吧")
    assert "rude" in codes(result) and "hidden_characters" in codes(result)
    assert result.total <= CAPPED_TOTAL
    # evidence still points into the raw reply, zero-width space and all
    rude = next(r for r in result.review_reasons if r.code == "rude")
    raw = GOOD + "你有\u200b病吧"
    assert raw[rude.evidence[0].start:rude.evidence[0].end].replace("\u200b", "") == "有病"


# ---------------------------------------------------------------- words in any order, negation by scope

@pytest.mark.parametrize(("reply", "expected"), [
    ("亲,抱歉,这个可以给您全额退款的", True),
    ("亲,抱歉,退款是可以给您退款的", True),
    ("亲,抱歉,这单不会给您退款", False),
    ("亲,抱歉,我们没法给您补发", False),
    ("亲,抱歉,不会不给您补发的", True),  # two negators cancel
    ("亲,抱歉,您不满意可以给您退款", True),  # the negator governs 满意, not the refund
    ("亲,抱歉,补发这次是做不了", False),  # negated after the phrase
])
def test_fix_criterion_reads_negation_by_scope(reply, expected):
    assert met(score(reply), "fix") is expected


def test_words_of_a_phrase_count_in_any_order_within_a_clause():
    assert met(score("亲,快递那边我来帮您联系"), "courier")
    assert not met(score("亲,快递显示已签收。有事联系我"), "courier")  # the two words stand in different clauses


def test_explain_says_which_negator_took_a_phrase_back():
    result = score("亲,抱歉,这单不会给您补发", explain=True)
    assert any("补发" in line and "不会" in line for line in result.diagnostics)


# ---------------------------------------------------------------- guards every scenario gets

@pytest.mark.parametrize(("tail", "code"), [
    ("你是不是有病", "rude"),
    ("沙 比", "rude"),
    ("爱买不买", "rude"),
    ("呵呵", "sarcasm"),
    ("您可真行", "sarcasm"),
    ("行吧随便你", "rude"),
    ("这不就是您自己摔的吗", "rhetorical_question"),
    ("不排除您自己磕到了", "blame_buyer"),
    ("这都不会看吗?", "rhetorical_question"),
    ("别的您自己去问快递", "refuses_help"),
])
def test_a_guard_caps_a_good_reply_and_flags_its_span(tail, code):
    reply = GOOD + tail
    result = score(reply)
    assert code in codes(result), result.review_reasons
    assert not result.passed and result.total <= CAPPED_TOTAL
    reason = next(r for r in result.review_reasons if r.code == code)
    assert reason.evidence and all(s.start >= len(GOOD) - 1 for s in reason.evidence)


@pytest.mark.parametrize("reply", [
    "亲,真不好意思,不怪您的,是包装没做好。马上给您补发一个,运费我们出,我也联系快递说明一下。",
    "亲,抱歉,不用担心,杯子我们补发,运费我们出,没问题的话我就安排啦。",
])
def test_fixed_expressions_and_negated_blame_are_not_guards(reply):
    assert not codes(score(reply)) & {"rude", "sarcasm", "blame_buyer", "rhetorical_question", "refuses_help"}


# ---------------------------------------------------------------- facts and contrary statements

@pytest.mark.parametrize(("claim", "bad"), [
    ("退款要等三个月才能到", True),
    ("退款只退一半", True),
    ("杯子是中通发的", True),
    ("退款1-3个工作日原路返回", False),
    ("韵达那边我去问", False),
    ("两小时内回复您", False),  # the agent's own promise, not a scenario fact
    ("再补偿您5元无门槛红包", False),  # an offer the agent makes
    ("也支持7天无理由", False),  # a platform rule, true in every shop
])
def test_stated_facts_are_checked_against_the_scenario(claim, bad):
    result = score(GOOD + claim + "。")
    assert ("fact_mismatch" in codes(result)) is bad
    assert result.passed is not bad


def test_a_contrary_statement_costs_the_criterion_that_names_the_party():
    result = score("亲,真抱歉。麻烦您拍张照发我,我马上给您补发一个新的,寄回来的运费得您自己出,我也联系快递。")
    assert not met(result, "freight")
    assert "contradicts_rubric" in codes(result) and not result.passed


# ---------------------------------------------------------------- stuffing and off-topic by structure

@pytest.mark.parametrize("reply", [
    "抱歉 补发 全额退款 运费我们承担 拍张照 联系快递",
    "抱歉,补发,全额退款,运费我们出,拍张照,联系快递",
    "抱歉。补发。全额退款。运费我们出。拍张照。联系快递。",
])
def test_keyword_lists_are_stuffing_whatever_separates_them(reply):
    result = score(reply)
    assert "keyword_stuffing" in codes(result) and not result.passed


def test_keywords_padded_with_unrelated_nouns_are_stuffing():
    reply = "抱歉苹果很甜,补发地铁拥挤,全额退款周末下雨,运费我们出足球好看,拍张照熊猫可爱,联系快递火锅真辣"
    result = score(reply)
    assert "keyword_stuffing" in codes(result) and not result.passed


def test_a_fluent_reply_about_something_else_is_off_topic():
    result = score("亲,欢迎光临呀~我们新上了一批手冲咖啡壶和滤纸,周末下单还送咖啡豆,喜欢的话可以加购物车哦!")
    assert "off_topic" in codes(result) and not result.passed


# ---------------------------------------------------------------- confidence, paste and speed

def test_a_near_miss_is_routed_to_review_without_changing_its_score():
    reply = "亲,真抱歉。我给您补发一个新的。"
    result = score(reply)
    assert not result.passed and RUBRIC.pass_mark - 5 <= result.total < RUBRIC.pass_mark
    assert codes(result) == {"low_confidence"} and result.confidence < 0.5


def test_a_reply_in_another_language_has_low_confidence():
    result = score("Sorry about the mug, we will send a new one and pay the return shipping.")
    assert "low_confidence" in codes(result) or not result.passed
    assert result.confidence <= 0.3 or result.total < RUBRIC.pass_mark


@pytest.mark.parametrize(("typing", "pasted"), [
    (TypingSignals(elapsed_ms=90_000, pasted_chars=0), False),
    (TypingSignals(elapsed_ms=2_000, pasted_chars=0), True),  # 55 characters in two seconds
    (TypingSignals(elapsed_ms=90_000, pasted_chars=60), True),  # most of it arrived by paste
    (None, False),
])
def test_paste_and_speed_route_to_review_but_keep_the_score(typing, pasted):
    result = score(GOOD, typing=typing)
    assert ("pasted" in codes(result)) is pasted
    assert result.total == score(GOOD).total and result.passed


# ---------------------------------------------------------------- denying what the reference does, platform facts

@pytest.mark.parametrize(("reply", "denies"), [
    ("亲,真抱歉,杯子我们这边没法补发哦,您拍张照看看吧。", True),
    ("亲,真抱歉,裂了的杯子我们不能给您补发的,运费我们出。", True),
    ("亲,真抱歉,您没收到新杯子之前不用寄回。我马上给您补发一个,运费我们出。", False),  # the buyer's doing
    ("亲,真抱歉,不用担心,我马上给您补发一个新的,运费我们出。", False),
    ("亲,真抱歉,新杯子还没发出,我今天就给您补发,运费我们出。", False),  # a state, not a refusal
    ("亲,真抱歉,等您确认地址前我们先不补发,确认后马上补发,运费我们出。", False),  # put off, not refused
])
def test_a_polite_refusal_of_what_the_reference_answer_does_is_a_contradiction(reply, denies):
    result = score(reply, reference=MODEL)
    assert ("contradicts_rubric" in codes(result)) is denies
    if denies:
        assert not result.passed


@pytest.mark.parametrize("claim", ["付款后钱会直接打到我们店铺账户", "拍下不付款会被扣信用分哦"])
def test_claims_about_the_platform_that_are_never_true_are_fact_mismatches(claim):
    result = score(GOOD + claim + "。")
    assert "fact_mismatch" in codes(result) and not result.passed


def test_clock_times_are_compared_on_the_24_hour_clock():
    rubric = Rubric(RUBRIC.criteria, pass_mark=70, facts=("揽件:韵达 18:00 来揽件",))
    late = score_reply(GOOD + "包裹下午3点已经被揽走了。", rubric, LEXICON, buyer_text=BUYER, topic_text=TOPIC)
    right = score_reply(GOOD + "韵达晚上6点来揽件。", rubric, LEXICON, buyer_text=BUYER, topic_text=TOPIC)
    assert "fact_mismatch" in codes(late) and "fact_mismatch" not in codes(right)


def test_less_than_a_number_compares_rather_than_denies():
    assert met(score("亲,抱歉,不到三天就给您全额退款"), "fix")


def test_format_character_class_matches_unicode():
    import sys
    import unicodedata

    from quizzes.scoring.text import FORMAT_CHARS

    wrong = [hex(c) for c in range(sys.maxunicode + 1)
             if (unicodedata.category(chr(c)) == "Cf") != bool(FORMAT_CHARS.match(chr(c)))]
    assert wrong == []


def test_many_words_the_dictionary_does_not_know_lower_confidence():
    from quizzes.scoring import engine
    from quizzes.scoring.words import unknown_share

    assert unknown_share("亲,zhen de bao qian,wo ma shang gei nin bu fa")[1] >= 0.3
    assert unknown_share(GOOD)[1] < 0.3
    sure = engine._confidence(90, 70, False, "补发退款", {"words": 12, "unknown_share": 0.1, "explained_share": 1.0})
    unsure = engine._confidence(90, 70, False, "补发退款", {"words": 12, "unknown_share": 0.5, "explained_share": 1.0})
    assert sure > 0.5 and unsure <= 0.4


@pytest.mark.parametrize("reply", ["", " ", "\x00", "😀😀", "。。,,", "\ud800" + GOOD, "不" * 300, "?" * 50, GOOD * 40])
def test_odd_input_scores_without_error_and_never_passes_unearned(reply):
    result = score(reply)
    assert 0 <= result.total <= 100
    if len(reply) < 10 or set(reply) <= {"不", "?"}:
        assert not result.passed and result.needs_review


@pytest.mark.parametrize(("claim", "bad"), [
    ("退款要等三个月才到账", True),
    ("退款只退一半", True),
    ("退款三天内原路到账", False),
    ("杯子两周内补发", False),  # not about the refund: nothing to compare with
])
def test_refund_claims_follow_the_platform_where_the_scenario_is_silent(claim, bad):
    rubric = Rubric(RUBRIC.criteria, pass_mark=70)  # no declared facts
    topic = "店铺:木白陶瓷。商品:手绘马克杯,昨天签收。规则:破损可免费补发或退款。\n" + BUYER
    result = score_reply(GOOD + claim + "。", rubric, LEXICON, buyer_text=BUYER, topic_text=topic)
    assert ("fact_mismatch" in codes(result)) is bad


@pytest.mark.parametrize(("fact", "claim", "bad"), [
    ("送达:一般 2–3 天", "一般2到3天就到", False),  # an en dash range is a range
    ("揽件:下午三点", "现在是三点前,来得及", False),  # no daypart said: the scenario's afternoon
    ("揽件:下午三点", "上午三点已经揽走了", True),
])
def test_ranges_and_clock_times_read_as_people_write_them(fact, claim, bad):
    rubric = Rubric(RUBRIC.criteria, pass_mark=70, facts=(fact,))
    result = score_reply(GOOD + claim + "。", rubric, LEXICON, buyer_text=BUYER, topic_text=TOPIC)
    assert ("fact_mismatch" in codes(result)) is bad
