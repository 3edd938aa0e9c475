"""The scoring engine: table-driven, no database, no Django."""
from __future__ import annotations

import json

import pytest

from quizzes.scoring import (
    ENGINE_VERSION,
    REVIEW_AUTO_FAIL,
    REVIEW_COPIED_BUYER,
    REVIEW_GIBBERISH,
    REVIEW_KEYWORD_STUFFING,
    REVIEW_OFF_TOPIC,
    REVIEW_RUDE,
    REVIEW_TOO_SHORT,
    Concept,
    Criterion,
    Lexicon,
    Rubric,
    compile_snapshot,
    keyword_salad,
    rubric_hash,
    rubric_snapshot,
    score_reply,
)
from quizzes.scoring.text import is_negated, normalise
from quizzes.scoring.types import CAPPED_TOTAL

LEXICON = Lexicon([
    Concept("apology", "致歉", ("抱歉", "不好意思", "对不起", "给您添麻烦", "sorry")),
    Concept("reship", "补发", ("补发", "重新发", "再寄一件")),
    Concept("refund", "退款", ("退款", "退钱")),
    Concept("seller_pays_return", "运费店铺出", ("运费我们承担", "运费*我们出", "运费险")),
    Concept("ask_photo", "请买家拍照", ("拍张照", "照片", "拍个视频")),
    Concept("reassurance", "安抚", ("不用担心", "请放心", "您放心")),
    Concept("invitation", "邀请继续沟通", ("随时找我", "还有什么问题", "有问题*联系")),
    Concept("greeting", "问好", ("您好", "在的")),
    Concept("blame_buyer", "责怪买家", ("您自己", "怪您")),
    Concept("blunt_refusal", "生硬拒绝", ("不行", "没办法"), negatable=False),
    Concept("rude", "粗鲁", ("有病吧", "爱买不买", "神经病"), negatable=False),
])

BUYER = "我下单的是燕麦色M码,到手却是深灰色,包装上写的也不对,这让我怎么穿?"
CONTEXT = "店铺:青柚针织。商品:圆领羊毛开衫(燕麦色 M)。订单状态:昨天签收。"
MODEL = (
    "亲,真的很抱歉,是仓库拣货时拿错了颜色,给您添麻烦了。麻烦您拍张照片发我核对一下,"
    "我这边马上给您补发一件燕麦色M码,深灰色那件用运费险寄回就好,运费我们承担。您看这样处理可以吗?"
)
TOPIC = "\n".join([CONTEXT, BUYER, MODEL])

RUBRIC = Rubric(
    criteria=(
        Criterion("apology", "covers", "先道歉", 2, concepts=("apology",),
                  feedback="先为拿错货道歉。", praise="道歉及时。"),
        Criterion("fix", "covers", "给出补发或退款", 3, concepts=("reship", "refund"),
                  feedback="说清怎么解决。", praise="方案清楚。"),
        Criterion("freight", "covers", "运费由店铺承担", 2, concepts=("seller_pays_return",), feedback="说明运费谁出。"),
        Criterion("photo", "covers", "请买家拍照", 1, concepts=("ask_photo",), feedback="请买家拍照核对。"),
        Criterion("no-blame", "avoids", "不责怪买家", 2, concepts=("blame_buyer",), auto_fail=True,
                  feedback="别把错推给买家。"),
        Criterion("length", "form", "篇幅合适", 1, check="length", min=30, max=200, feedback="太短或太长。"),
        Criterion("closing", "form", "结尾邀请", 1, check="closing_invitation", feedback="结尾问一句。"),
    ),
    pass_mark=70,
)


def score(reply: str, rubric: Rubric = RUBRIC, *, buyer: str = BUYER, topic: str = TOPIC):
    return score_reply(reply, rubric, LEXICON, buyer_text=buyer, topic_text=topic)


def criterion(result, key: str):
    return next(c for c in result.criteria if c.key == key)


def codes(result) -> set[str]:
    return {reason.code for reason in result.review_reasons}


# ---------------------------------------------------------------------------------------- whole replies

SALAD = keyword_salad(RUBRIC, LEXICON)

REPLIES = [
    # (case, reply, passed, review codes that must be present, total range)
    ("model answer", MODEL, True, set(), (95, 100)),
    ("good, other words", "亲,抱歉让您收到错的颜色!请发一张照片给我,马上安排补发正确的燕麦色,运费我们承担,还有什么问题随时找我哦",
     True, set(), (85, 100)),
    ("mediocre: apology only", "亲,真的很抱歉给您添麻烦了,我们这边会尽量帮您看看怎么处理比较好的", False, set(), (30, 55)),
    ("mediocre: fix but no apology", "您拍张照片发来看看,核实之后给您补发一件燕麦色的M码", False, set(), (40, 69)),
    ("buyer message pasted back", BUYER, False, {REVIEW_COPIED_BUYER}, (0, 69)),
    ("buyer message plus a word", BUYER + "好的", False, {REVIEW_COPIED_BUYER}, (0, 69)),
    ("keyword salad", SALAD, False, {REVIEW_KEYWORD_STUFFING}, (0, 69)),
    ("salad without separators", SALAD.replace(" ", "").replace("、", ""), False, {REVIEW_KEYWORD_STUFFING}, (0, 69)),
    ("salad with commas and particles", "亲,抱歉哦,补发哦,退款哦,运费我们承担哦,照片哦,随时找我哦", False,
     {REVIEW_KEYWORD_STUFFING}, (0, 69)),
    ("buyer message then keywords", BUYER + SALAD, False, {REVIEW_KEYWORD_STUFFING}, (0, 69)),
    ("pleasantries around keywords", "您好," + SALAD + ",谢谢", False, {REVIEW_KEYWORD_STUFFING}, (0, 69)),
    ("random rare characters", "龘靐齉爩鱻麤龖厵灪爨癵籱鬱驫", False, {REVIEW_GIBBERISH}, (0, 69)),
    ("keyboard mashing", "asdfjkl;qweruiop zxcvnm", False, {REVIEW_GIBBERISH}, (0, 69)),
    ("one character repeated", "好好好好好好好好好好好好好好好好", False, {REVIEW_GIBBERISH}, (0, 69)),
    ("off topic", "今天阳光真好,下班以后想去江边散散步,再买一杯奶茶慢慢喝", False, {REVIEW_OFF_TOPIC}, (0, 69)),
    ("too short", "好的亲", False, {REVIEW_TOO_SHORT}, (0, 69)),
    ("right words but rude", MODEL + "你是不是有病吧", False, {REVIEW_RUDE}, (0, 69)),
    ("blames the buyer", "亲,抱歉,可能是您自己下单时选错了,照片发我看看,可以补发,运费我们承担,还有什么问题吗?", False,
     {REVIEW_AUTO_FAIL}, (0, 69)),
]


@pytest.mark.parametrize(("case", "reply", "passed", "reasons", "total_range"), REPLIES, ids=[r[0] for r in REPLIES])
def test_replies_score_as_expected(case, reply, passed, reasons, total_range):
    result = score(reply)
    assert result.passed is passed, result
    assert reasons <= codes(result), codes(result)
    assert result.needs_review is bool(codes(result))
    low, high = total_range
    assert low <= result.total <= high, result.total
    if not passed:
        assert result.total < RUBRIC.pass_mark or not result.passed


def test_a_flagged_reply_is_capped_in_the_lowest_band_and_needs_review():
    result = score(SALAD)
    assert result.needs_review and not result.passed
    assert result.stats["earned_share"] > 0.8  # the salad earns nearly every point …
    assert result.total == CAPPED_TOTAL  # … and the cap holds it down where supervisors grade such replies


def test_the_model_answer_needs_no_review_and_every_criterion_is_explained():
    result = score(MODEL)
    assert not result.review_reasons
    assert [c.key for c in result.criteria] == [c.key for c in RUBRIC.criteria]
    assert criterion(result, "apology").feedback == "道歉及时。"
    assert all(c.met for c in result.criteria)


def test_missed_criteria_carry_their_feedback():
    result = score("亲,真的很抱歉给您添麻烦了,我们这边会尽量帮您看看怎么处理比较好的")
    fix = criterion(result, "fix")
    assert (fix.met, fix.earned, fix.feedback) == (False, 0.0, "说清怎么解决。")


def test_copied_buyer_words_earn_nothing():
    buyer = "能不能直接给我补发一件新的?"
    rubric = Rubric((Criterion("fix", "covers", "补发", 1, concepts=("reship",)),
                     Criterion("sorry", "covers", "道歉", 1, concepts=("apology",))), pass_mark=60)
    copied = score("抱歉抱歉,直接给我补发一件新的", rubric, buyer=buyer)
    own = score("抱歉,马上为您安排补发,明天就能寄出", rubric, buyer=buyer)
    assert not criterion(copied, "fix").met
    assert criterion(own, "fix").met


# ---------------------------------------------------------------------------------------- negation

NEGATION = [
    # (reply, criterion, met)
    ("亲,我们不会给您补发的", "fix", False),
    ("亲,我们没有补发这一说", "fix", False),
    ("这边无法退款哦", "fix", False),
    ("我们不会不给您补发的", "fix", True),  # two negators cancel out
    ("亲,您不用担心,马上补发", "fix", True),
    ("不好意思让您久等了", "apology", True),  # 不好意思 is not a negator, and the phrase itself is matched as written
    ("对不起让您久等了", "apology", True),
    ("能不能麻烦您拍张照片", "photo", True),  # an A-not-A question negates nothing
    ("别家的情况我不清楚,先给您补发", "fix", True),  # 别家 is "other shops", not "don't"
    ("不管怎样都会补发", "fix", True),
    ("不,补发已经安排了", "fix", True),  # the negator stands in another clause
    ("不是不想补发", "fix", True),
    ("我们不会不管您的补发", "fix", False),  # 不管 is no negator, so only 不会 counts: documented behaviour
    ("不是您自己的问题", "no-blame", True),  # a negated blame is no blame
    ("不会 补发", "fix", True),  # removed white space ends the clause for negation ("未穿 非质量问题" lists two things)
]


@pytest.mark.parametrize(("reply", "key", "met"), NEGATION, ids=[n[0] for n in NEGATION])
def test_negation(reply, key, met):
    assert criterion(score(reply), key).met is met


@pytest.mark.parametrize("reply", ["这个真的不行", "说了不是不行", "没办法"])
def test_concepts_that_cannot_be_negated_count_after_a_negator(reply):
    rubric = Rubric((Criterion("refuse", "avoids", "不生硬拒绝", 1, concepts=("blunt_refusal",)),
                     Criterion("fix", "covers", "补发", 1, concepts=("reship",))), pass_mark=50)
    assert not criterion(score(reply, rubric), "refuse").met


def test_negation_looks_back_at_most_six_characters():
    assert is_negated("不会给您补发", 4)
    assert not is_negated("不是因为这个原因所以补发", 10)


# ---------------------------------------------------------------------------------------- text handling

def test_full_width_punctuation_letters_and_spaces_match_like_their_plain_forms():
    plain = score("亲,抱歉!请发张照片,我们补发,运费我们承担,有问题随时找我")
    wide = score("亲，抱歉！请发张照片，我们补 发，运费我们承担，有问题随时找我")
    assert plain.total == wide.total
    assert [c.met for c in plain.criteria] == [c.met for c in wide.criteria]
    assert criterion(score("ＳＯＲＲＹ,马上补发"), "apology").met


OFFSETS = [
    # (reply, criterion, the evidence text as it stands in the original)
    ("亲，真的非常抱歉！", "apology", ["抱歉"]),
    ("亲 真的 非常 抱 歉", "apology", ["抱 歉"]),
    ("ＳＯＲＲＹ啦", "apology", ["ＳＯＲＲＹ"]),
    ("第一行\n第二行给您补发", "fix", ["补发"]),
    ("运费  由  我们出", "freight", ["运费  由  我们出"]),
    ("抱歉,抱歉,还是抱歉", "apology", ["抱歉", "抱歉", "抱歉"]),
]


@pytest.mark.parametrize(("reply", "key", "expected"), OFFSETS, ids=[o[0] for o in OFFSETS])
def test_evidence_spans_point_into_the_original_reply(reply, key, expected):
    found = criterion(score(reply), key)
    assert [reply[span.start:span.end] for span in found.evidence] == expected


def test_normalise_keeps_a_map_to_the_original():
    norm = normalise("亲 ，Ａ\n\nb …")
    assert norm.text == "亲,a\nb…"
    assert [norm.original_span(i, i + 1) for i in range(len(norm.text))] == [(0, 1), (2, 3), (3, 4), (4, 5), (6, 7), (8, 9)]
    assert normalise("没有空格").offsets is None


# ---------------------------------------------------------------------------------------- form checks

FORMS = [
    # (criterion, reply, met)
    (Criterion("len", "form", "长度", 1, check="length", min=10, max=20), "一二三四五六七八九十", True),
    (Criterion("len", "form", "长度", 1, check="length", min=10, max=20), "一二三四五,六七八九!", False),
    (Criterion("len", "form", "长度", 1, check="length", min=10, max=20), "一" * 21, False),
    (Criterion("len", "form", "长度", 1, check="length", max=5), "亲 😊 好的~", True),  # emoji and spaces are not content
    (Criterion("excl", "form", "感叹号", 1, check="exclamations", max=1), "好的!马上补发。", True),
    (Criterion("excl", "form", "感叹号", 1, check="exclamations", max=1), "好的!马上补发!", False),
    (Criterion("excl", "form", "感叹号", 1, check="exclamations", max=1), "好的!!", False),
    (Criterion("polite", "form", "称呼", 1, check="polite_address"), "您好,马上处理", True),
    (Criterion("polite", "form", "称呼", 1, check="polite_address"), "你好,马上处理", False),
    (Criterion("close", "form", "结尾", 1, check="closing_invitation"), "马上给您补发,您看可以吗", True),
    (Criterion("close", "form", "结尾", 1, check="closing_invitation"), "马上给您补发,可以吗?😊", True),
    (Criterion("close", "form", "结尾", 1, check="closing_invitation"), "马上给您补发,有问题随时找我哦~", True),
    (Criterion("close", "form", "结尾", 1, check="closing_invitation"), "有问题随时找我,我们会尽快把新的那件寄出去的", False),
    (Criterion("close", "form", "结尾", 1, check="closing_invitation"), "马上给您补发。", False),
]


@pytest.mark.parametrize(("rule", "reply", "met"), FORMS, ids=[f"{f[0].check}:{f[1]}" for f in FORMS])
def test_form_checks(rule, reply, met):
    rubric = Rubric((rule, Criterion("fix", "covers", "补发", 1, concepts=("reship",))), pass_mark=50)
    assert criterion(score(reply, rubric), rule.key).met is met


def test_mode_all_gives_partial_credit_per_concept():
    rubric = Rubric((Criterion("both", "covers", "道歉并补发", 4, concepts=("apology", "reship"), mode="all"),
                     Criterion("photo", "covers", "拍照", 1, concepts=("ask_photo",))), pass_mark=60)
    half = criterion(score("亲,给您添麻烦了,这边先看看情况", rubric), "both")
    full = criterion(score("亲,给您添麻烦了,这边马上补发", rubric), "both")
    assert (half.earned, half.met) == (2.0, False)
    assert (full.earned, full.met) == (4.0, True)


def test_a_concept_counts_once_however_often_it_repeats():
    once = score("亲,抱歉,马上给您补发一件燕麦色的开衫哦")
    thrice = score("亲,抱歉抱歉抱歉,马上给您补发一件燕麦色的开衫哦")
    assert criterion(once, "apology").earned == criterion(thrice, "apology").earned == 2.0


def test_criterion_phrases_count_alongside_concepts():
    rubric = Rubric((Criterion("yes", "covers", "明确答复", 2, phrases=("可以退",)),
                     Criterion("fix", "covers", "补发", 1, concepts=("reship",))), pass_mark=50)
    assert criterion(score("亲,这件可以退的哦", rubric), "yes").met


# ---------------------------------------------------------------------------------------- snapshots

def test_snapshot_is_self_contained_json():
    snapshot = rubric_snapshot(RUBRIC, LEXICON)
    assert snapshot["engine_version"] == ENGINE_VERSION
    assert snapshot["pass_mark"] == 70
    assert snapshot["concepts"]["reship"]["phrases"] == ["补发", "重新发", "再寄一件"]
    assert {"rude", "invitation"} <= snapshot["concepts"].keys()  # the global checks travel with it
    revived = json.loads(json.dumps(snapshot, ensure_ascii=False))
    assert compile_snapshot(revived).score(MODEL, buyer_text=BUYER, topic_text=TOPIC) == score(MODEL)


def test_snapshot_hash_is_stable_and_content_addressed():
    first = rubric_hash(rubric_snapshot(RUBRIC, LEXICON))
    again = rubric_hash(json.loads(json.dumps(rubric_snapshot(RUBRIC, LEXICON))))
    assert first == again
    assert len(first) == 64 and int(first, 16) >= 0
    edited = Lexicon([*(c for c in LEXICON.values() if c.key != "reship"), Concept("reship", "补发", ("补发", "重发"))])
    assert rubric_hash(rubric_snapshot(RUBRIC, edited)) != first


def test_old_snapshots_keep_scoring_the_same_after_the_lexicon_changes():
    snapshot = rubric_snapshot(RUBRIC, LEXICON)
    before = compile_snapshot(snapshot).score(MODEL, buyer_text=BUYER, topic_text=TOPIC)
    stripped = Lexicon([*(c for c in LEXICON.values() if c.key != "reship"), Concept("reship", "补发", ("重发",))])
    assert not criterion(score_reply(MODEL, RUBRIC, stripped), "fix").met
    assert compile_snapshot(snapshot).score(MODEL, buyer_text=BUYER, topic_text=TOPIC) == before


def test_unknown_concepts_are_refused():
    rubric = Rubric((Criterion("x", "covers", "x", 1, concepts=("nope",)),), pass_mark=50)
    with pytest.raises(ValueError, match="nope"):
        rubric_snapshot(rubric, LEXICON)


def test_compiled_rubrics_are_cached_by_content():
    snapshot = rubric_snapshot(RUBRIC, LEXICON)
    assert compile_snapshot(snapshot) is compile_snapshot(json.loads(json.dumps(snapshot)))


def test_result_to_dict_is_json():
    data = score(MODEL).to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["criteria"][0]["evidence"] and all(len(pair) == 2 for pair in data["criteria"][0]["evidence"])
    assert {"content_chars", "exclamations", "copied_ratio"} <= data["stats"].keys()


def test_keyword_salad_is_the_same_from_a_rubric_or_its_snapshot():
    assert keyword_salad(rubric_snapshot(RUBRIC, LEXICON)) == SALAD
    assert "补发" in SALAD and "运费我们出" in SALAD  # gaps are joined up
    assert "*" not in SALAD
