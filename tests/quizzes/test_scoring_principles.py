"""The scorer credits what it understands (issue #26): table-driven engine tests, no database.

One scenario, written for this file: a parcel of dried fruit went with 申通 three days ago (tracking
number 773012856642) and has not moved; the shop ships the same day for payments before 16:00 with
顺丰 for its other line, offers a 30-day trial on its pillows, refunds within 1-2 days, may reship a
lost parcel, and the order is 15 days old. Each table holds the wrong-way cases next to the right ones.
"""
from __future__ import annotations

import pytest

from quizzes.scoring import Concept, Criterion, Lexicon, Rubric, rubric_hash, rubric_snapshot, score_reply
from quizzes.scoring.accounting import ACT_ABOUT_PERSON, account_clauses, clause_spans, explained_share
from quizzes.scoring.credit import CAPPED_TOTAL, explain_total, total_from_points
from quizzes.scoring.house_rules import compile_rules, house_rules_data
from quizzes.scoring.types import CAPPING_REASONS

LEXICON = Lexicon([
    Concept("apology", "致歉", ("抱歉", "不好意思", "让您担心")),
    Concept("check", "查件", ("查了一下", "帮您查", "核实")),
    Concept("contact_courier", "联系快递", ("联系申通", "联系快递", "联系网点")),
    Concept("reship", "补发", ("补发", "重新发")),
    Concept("invitation", "邀请", ("随时找我",)),
    Concept("allowed_terms", "不算脏话的词", ("神经酰胺",), negatable=False),
])
RUBRIC = Rubric(
    criteria=(
        Criterion("soothe", "covers", "安抚", 2, concepts=("apology",), feedback="先安抚。"),
        Criterion("facts", "covers", "说清物流事实", 3, phrases=("773012856642", "揽收", "申通"), feedback="给出单号和揽收时间。"),
        Criterion("contact", "covers", "联系快递", 2, concepts=("contact_courier",), feedback="联系快递。"),
        Criterion("fallback", "covers", "丢件补发", 2, concepts=("reship",), feedback="说明丢件补发。"),
    ),
    pass_mark=70,
)
CONTEXT = ("店铺:果果零食。买家15天前下单的芒果干,3天前由申通揽收,单号773012856642,之后没有更新。"
           "店铺规则:16:00前付款当天发货;枕头类商品支持30天试睡;退款1-2天到账;确认丢件可补发。"
           "店里的护手霜含神经酰胺。")
BUYER = "我的芒果干三天都没动静了,是不是丢了?"
MODEL = "亲,让您担心了,真抱歉。我查了一下,包裹3天前由申通揽收,单号773012856642,之后一直没更新。我现在就联系申通网点核实,如果确认丢件,我们马上给您补发。"
TOPIC = "\n".join([CONTEXT, BUYER, MODEL])
GOOD = "亲,让您担心了,不好意思。包裹3天前由申通揽收,单号773012856642,我这就联系申通网点核实,确认丢件的话马上给您补发。"


def score(reply: str):
    return score_reply(reply, RUBRIC, LEXICON, buyer_text=BUYER, topic_text=TOPIC, reference=MODEL)


def codes(result) -> set[str]:
    return {reason.code for reason in result.review_reasons}


def test_the_good_reply_passes_unflagged():
    result = score(GOOD)
    assert result.passed and not result.needs_review, result.review_reasons


@pytest.mark.parametrize(("addition", "code"), [
    # Claims denied softly or flatly against what the scenario affirms.
    ("16点前付款也恐怕不能当天发货。", "contradicts_rubric"),
    ("丢件的话补发这边暂时做不到。", "contradicts_rubric"),
    ("枕头我们不支持试睡哦。", "contradicts_rubric"),
    # Identifiers compared as identifiers.
    ("单号是773012856643。", "fact_mismatch"),
    # Platform rules every scenario gets, by what the clause does.
    ("放心,明天准能送到您手上。", "delivery_promise"),
    ("我们家芒果干是全网最好的。", "absolute_claim"),
    ("有事加我微信guoguo_2026私聊。", "off_platform"),
    ("改一下差评,我返您10元红包。", "review_for_benefit"),
    ("另一位老买家王女士昨天也买了三包。", "other_buyer_data"),
    # Remarks about the buyer that hold nothing of the case.
    ("下回下单前先把眼睛擦亮点。", "judges_buyer"),
    ("问来问去的,您到底听懂没有。", "judges_buyer"),
])
def test_a_reply_that_breaks_a_principle_is_capped_with_its_reason(addition, code):
    result = score(GOOD + addition)
    assert code in codes(result), result.review_reasons
    assert not result.passed and result.total <= CAPPED_TOTAL


@pytest.mark.parametrize("addition", [
    "申通单号773012856642,3天前揽收。",  # the scenario's own identifier, read back
    "“全网最好”这种话广告法不让说,我不这么讲。",  # a superlative quoted and rejected
    "顺便说一句,店里的护手霜含神经酰胺,冬天很好用。",  # an ingredient of the context holding 神经
    "超过7天确实不能无理由退了,不过丢件我们一定负责。",  # a true denial: the order is 15 days old
    "站外交易没有平台担保,我们只在平台上处理。",  # a correct warning, no contact given
    "正常情况下明天能有新的物流信息。",  # a hedged expectation, not a promise
    "等问题解决了,如果您满意也欢迎评价。",  # a review asked for with nothing offered
])
def test_the_wrong_way_cases_stay_right(addition):
    result = score(GOOD + addition)
    assert result.passed, (addition, result.review_reasons)
    assert not codes(result) & CAPPING_REASONS, result.review_reasons


def test_naming_the_topics_earns_nothing_for_them():
    topics = "亲,您说的揽收问题、单号问题、联系快递问题、补发问题,都是我们每天都会遇到的。"
    result = score(topics)
    assert not result.passed
    contact = next(c for c in result.criteria if c.key == "contact")
    assert not contact.met  # the noun 联系快递 in a list of problems is no act of contacting


def test_unexplained_clauses_are_shown_and_lower_the_confidence():
    explained = score(GOOD)
    padded = score(GOOD + "今天天气不错。楼下新开了一家面馆。周末打算去爬山。")
    assert padded.stats["unexplained"], "clauses nothing explains are listed"
    reply = GOOD + "今天天气不错。楼下新开了一家面馆。周末打算去爬山。"
    shown = [reply[a:b] for a, b in padded.stats["unexplained"]]
    assert "今天天气不错" in shown
    assert padded.stats["explained_share"] < explained.stats["explained_share"]
    assert padded.confidence < explained.confidence


@pytest.mark.parametrize(("clause", "explained_by"), [
    ("亲,在的", "formula"),
    ("我帮您把地址改过来", "offer"),
    ("包裹3天前由申通揽收", "criterion"),
    ("您平时爱吃甜口还是咸口?", "offer"),  # a question about the case
    ("今天天气不错", ""),
])
def test_each_clause_is_accounted_for(clause, explained_by):
    rules = compile_rules(house_rules_data())
    result = score(clause)
    from quizzes.scoring.text import normalise

    text = normalise(clause).text
    credited = [tuple(span) for c in result.criteria if c.met and c.kind == "covers" for span in c.evidence]
    accounts = account_clauses(text, credited=credited, facts_pairs=frozenset(), rules=rules)
    assert accounts and accounts[-1].explained_by == explained_by
    assert 0.0 <= explained_share(text, accounts) <= 1.0 and clause_spans(text)


def test_a_remark_to_the_buyer_with_nothing_of_the_case_is_about_the_person():
    rules = compile_rules(house_rules_data())
    text = "换别家早就不搭理您了"
    accounts = account_clauses(text, credited=[], facts_pairs=frozenset(), rules=rules, case=frozenset({"芒果", "申通"}))
    assert ACT_ABOUT_PERSON in accounts[0].acts


def test_the_total_is_explained_step_by_step():
    result = score(GOOD + "放心,明天准能送到您手上。").to_dict()
    explained = explain_total(result, pass_mark=RUBRIC.pass_mark, capping=CAPPING_REASONS)
    assert explained.weight == 9 and explained.curved >= 90  # every criterion met, on the curve
    assert [cap.code for cap in explained.caps] == ["delivery_promise"]
    start, end = explained.caps[0].evidence[0]
    assert "明天准能送到您手上" in (GOOD + "放心,明天准能送到您手上。")[start:end]
    assert explained.capped_to == CAPPED_TOTAL and explained.total == CAPPED_TOTAL


@pytest.mark.parametrize(("points", "capped", "total"), [
    ([(2, 2), (3, 3), (2, 2), (2, 2)], False, 100),
    ([(2, 2), (3, 3), (0, 2), (0, 2)], False, 62),  # 5/9 on the curve: 100 × 0.556^0.8 = 62.5, rounded down at .99
    ([(2, 2), (3, 3), (2, 2), (2, 2)], True, CAPPED_TOTAL),
    ([(0, 2), (0, 3)], False, 0),
])
def test_the_credit_rule_is_one_for_the_engine_and_reviews(points, capped, total):
    assert total_from_points(points, pass_mark=70, capped=capped) == total


def test_an_edit_to_the_house_rules_makes_a_new_rubric_version(monkeypatch):
    import quizzes.scoring.engine as engine

    before = rubric_hash(rubric_snapshot(RUBRIC, LEXICON))
    edited = house_rules_data()
    edited = {**edited, "absolute": {**edited["absolute"], "patterns": [*edited["absolute"]["patterns"], "宇宙第一"]}}
    monkeypatch.setattr(engine, "house_rules_data", lambda: edited)
    assert rubric_hash(rubric_snapshot(RUBRIC, LEXICON)) != before


def test_feedback_follows_the_verdict_never_praising_a_capped_reply():
    from dataclasses import replace

    praising = Rubric(criteria=tuple(replace(c, praise=f"{c.label}做得好。") for c in RUBRIC.criteria), pass_mark=70)
    good = score_reply(GOOD, praising, LEXICON, buyer_text=BUYER, topic_text=TOPIC, reference=MODEL)
    assert all(c.feedback.endswith("做得好。") for c in good.criteria if c.met)
    capped = score_reply(GOOD + "问来问去的,您到底听懂没有。", praising, LEXICON, buyer_text=BUYER, topic_text=TOPIC,
                         reference=MODEL)
    assert not capped.passed
    met = [c for c in capped.criteria if c.met]
    assert met and not any(c.feedback.endswith("做得好。") for c in met)
    assert all("封顶" in c.feedback for c in met)
