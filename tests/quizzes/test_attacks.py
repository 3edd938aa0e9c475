"""The attack test: every shipped scenario, attacked by each gaming family, and its model answer reworded.

Replies are built from each scenario's own model answer, so the test needs nothing beside the
repository. Each gaming family turns the model answer into a reply a supervisor grades 0:
a jibe appended, the key act softly denied, a forbidden promise appended, a contact handle appended, a
fact of the context changed, and the nouns kept with the acts dropped. None may pass unflagged. The
model answer reworded (clauses reordered, synonyms, a shorter complete version) must still pass.

The wordings below live in this file only. A test checks that none of them stands in a lexicon or
house-rules file, so what is measured is the principle (what a clause does) and not a list that
happens to hold these words.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

from check_bank import load_bank  # noqa: E402

from quizzes.scoring import compile_snapshot, rubric_snapshot  # noqa: E402
from quizzes.scoring.facts import COURIERS, quantities  # noqa: E402
from quizzes.scoring.text import normalise  # noqa: E402

# Jibes, blame and contempt, each in words no list of the engine holds.
JIBES = (
    "问得这么细,估计问完也就是看看吧。",
    "说实话您这要求有点多了。",
    "一点小事搞得跟天塌了似的。",
    "这种问题一般人看一眼详情页就明白了。",
    "您这都第几回来问了,还是那几句。",
    "换别家早就不搭理您了。",
    "别动不动就拿差评吓唬人。",
    "您要是嫌麻烦就别网购了呗😏",
    "下回下单前先把眼睛擦亮点。",
    "我们也挺忙的,您体谅体谅我们吧。",
    "这点钱还计较半天,何必呢。",
    "讲了半天您到底听进去没有。",
)
# Promises the shop cannot keep: delivery at a time, certainty of effect.
PROMISES = (
    "您放心,明天准保送到您手上。",
    "我跟您打包票,后天肯定到货。",
    "这个用上三天百分之百见效。",
    "顺丰发出,周五前一定能收到。",
    "下单后24小时内保证送到家。",
    "质量全网第一名,绝对不会出问题。",
)
# Contacts, accounts and payments off the platform.
CONTACTS = (
    "有问题直接加我微信kefu_mei88慢慢聊。",
    "您也可以转账到我个人支付宝,手机号13800138000。",
    "加店长QQ 2874512390,私下给您便宜点。",
    "后面的事扫一下我发您的二维码加我私聊。",
)
# Soft refusals of the key act, built around the act's own words.
SOFT_DENIALS = (
    "{act}这边恐怕不太方便",
    "{act}目前暂时给不了您",
    "不好意思,{act}我们这次恐怕做不到",
    "{act}这个暂时办不到哦",
)
# Rewording: words an agent swaps for one another.
SYNONYMS = (
    ("马上", "立刻"), ("帮您", "替您"), ("我们", "咱们"), ("非常", "特别"), ("现在", "这会儿"), ("麻烦您", "辛苦您"),
    ("谢谢", "感谢"), ("可以", "能"), ("已经", "已"), ("一下", "一下子"), ("真的", "确实"), ("哦", "呢"),
)
SENTENCE = re.compile(r"[^。!?~!?]+[。!?~!?]*")
GAMING_FAMILIES = ("jibe", "soft_denial", "promise", "contact", "fact_changed", "nouns_only")
REWORDINGS = ("reordered", "synonyms", "shorter")
REWORDINGS_PASS_AT_LEAST = 0.95


@lru_cache(maxsize=1)
def _bank():
    bank = load_bank()
    return bank, bank.lexicon()


def _score(scenario, reply):
    bank, lexicon = _bank()
    compiled = compile_snapshot(rubric_snapshot(scenario.rubric, lexicon))
    return compiled.score(reply, buyer_text=scenario.buyer_text, topic_text=scenario.topic_text,
                          reference=scenario.model_answer)


def _evidence(scenario) -> list[tuple[int, str]]:
    """(weight, text) of each covers criterion's first evidence in the model answer, heaviest first."""
    result = _score(scenario, scenario.model_answer)
    found = []
    for criterion in result.criteria:
        if criterion.kind == "covers" and criterion.met and criterion.evidence:
            start, end = criterion.evidence[0]
            found.append((criterion.max, scenario.model_answer[start:end]))
    return sorted(found, key=lambda item: -item[0])


# What a shop does for a buyer: the evidence of a criterion that holds one of these is an act to deny.
ACTS = ("补发", "补寄", "退款", "退货", "退", "换", "发货", "发出", "寄", "改", "查", "联系", "催", "赔", "送", "开",
        "安排", "备注", "拦截", "处理", "核实", "预留", "申请", "包邮", "承担", "同意", "确认")


def _soft_denial(scenario, index: int) -> str | None:
    answer = scenario.model_answer
    evidence = _evidence(scenario)
    # The heaviest act of its own words (补发, 退款, 联系快递) first; a bare 换 or 退 only where there is none.
    # A state (还没发货) is no act to refuse.
    evidence = [(weight, act) for weight, act in evidence if not re.search("[不没未]", act)]
    acts = [act for _, act in evidence if any(len(verb) >= 2 and verb in act for verb in ACTS)]
    acts += [act for _, act in evidence if act not in acts and any(verb in act for verb in ACTS)]
    for act in acts:
        sentence = next((s for s in SENTENCE.findall(answer) if act in s), None)
        if sentence is None:
            continue
        denial = SOFT_DENIALS[index % len(SOFT_DENIALS)].format(act=act)
        return answer.replace(sentence, denial + "。", 1)
    return None


# A deadline the agent sets for its own answer (24小时内给您回复) is the agent's to choose, not a fact.
AGENT_ANSWER = re.compile(r".{0,8}(?:回复|答复|回您|告诉您|给您结果)")


def _fact_changed(scenario) -> str | None:
    answer = scenario.model_answer
    norm = normalise(answer)
    for quantity in quantities(norm.text):
        if AGENT_ANSWER.match(norm.text, quantity.end):
            continue
        start, end = norm.original_span(quantity.start, quantity.end)
        digits = re.search(r"\d+", answer[start:end])
        if digits:
            changed = str(int(digits.group()) * 2 + 1)
            return answer[:start + digits.start()] + changed + answer[start + digits.end():]
    for courier in COURIERS:
        if courier in answer:
            other = "极兔" if courier != "极兔" else "中通"
            return answer.replace(courier, other)
    return None


def _nouns_only(scenario) -> str | None:
    acts = [act for _, act in _evidence(scenario)][:3]
    if len(acts) < 2:
        return None
    return f"亲,您说的{'、'.join(acts)}这些问题,我们每天都会碰到很多。"


def _reordered(answer: str) -> str:
    sentences = SENTENCE.findall(answer)
    if len(sentences) < 3:
        return answer
    middle = sentences[1:-1]
    middle = middle[1:] + middle[:1]  # the first middle sentence moves to just before the close
    return "".join([sentences[0], *middle, sentences[-1]])


def _synonyms(answer: str) -> str:
    for word, other in SYNONYMS:
        answer = answer.replace(word, other)
    return answer


def _shorter(scenario) -> str:
    """The model answer without the sentences no criterion credits."""
    result = _score(scenario, scenario.model_answer)
    spans = [span for c in result.criteria if c.met and c.kind != "avoids" for span in c.evidence]
    kept, position = [], 0
    for sentence in SENTENCE.findall(scenario.model_answer):
        start = scenario.model_answer.find(sentence, position)
        end = start + len(sentence)
        position = end
        if any(s < end and start < e for s, e in spans):
            kept.append(sentence)
    return "".join(kept) or scenario.model_answer


def attacks(scenario, index: int) -> dict[str, str | None]:
    answer = scenario.model_answer
    return {
        "jibe": answer + JIBES[index % len(JIBES)],
        "soft_denial": _soft_denial(scenario, index),
        "promise": answer + PROMISES[index % len(PROMISES)],
        "contact": answer + CONTACTS[index % len(CONTACTS)],
        "fact_changed": _fact_changed(scenario),
        "nouns_only": _nouns_only(scenario),
    }


def rewordings(scenario) -> dict[str, str]:
    return {"reordered": _reordered(scenario.model_answer), "synonyms": _synonyms(scenario.model_answer),
            "shorter": _shorter(scenario)}


@lru_cache(maxsize=1)
def _outcomes():
    bank, _ = _bank()
    gaming, reworded = [], []
    for index, scenario in enumerate(bank.scenarios):
        for family, reply in attacks(scenario, index).items():
            if reply is not None:
                result = _score(scenario, reply)
                gaming.append((scenario.slug, family, reply, result))
        for family, reply in rewordings(scenario).items():
            reworded.append((scenario.slug, family, reply, _score(scenario, reply)))
    return gaming, reworded


def _describe(rows) -> str:
    return "\n".join(f"{slug} [{family}] {result.total} {'pass' if result.passed else 'fail'}"
                     f"{' flagged' if result.needs_review else ''}: {reply}" for slug, family, reply, result in rows)


def test_no_gaming_reply_passes_unflagged_on_any_shipped_scenario():
    gaming, _ = _outcomes()
    counts = Counter(family for _, family, _, _ in gaming)
    # Every family is tried on most of the bank (a family the bank cannot build for is no test).
    assert all(counts[family] >= 40 for family in GAMING_FAMILIES), counts
    passed_unflagged = [row for row in gaming if row[3].passed and not row[3].needs_review]
    assert not passed_unflagged, _describe(passed_unflagged)


def test_no_gaming_reply_passes_at_all_where_the_reply_breaks_a_rule():
    """A jibe, a delivery promise, a contact off the platform: capped, not only flagged."""
    gaming, _ = _outcomes()
    passed = [row for row in gaming if row[1] in ("jibe", "promise", "contact") and row[3].passed]
    assert not passed, _describe(passed)


def test_rewordings_of_the_model_answer_pass():
    _, reworded = _outcomes()
    failing = [row for row in reworded if not row[3].passed]
    share = 1 - len(failing) / len(reworded)
    assert share >= REWORDINGS_PASS_AT_LEAST, f"{share:.1%} pass\n" + _describe(failing)


def _lexicon_texts() -> list[tuple[Path, str]]:
    files = sorted((ROOT / "quizzes" / "content" / "concepts").glob("*.toml"))
    files += sorted((ROOT / "quizzes" / "scoring" / "data").glob("*.toml"))
    return [(path, normalise(path.read_text(encoding="utf-8")).text) for path in files]


@pytest.mark.parametrize("wording", JIBES + PROMISES + CONTACTS)
def test_attack_wordings_are_in_no_lexicon_file(wording):
    core = re.sub(r"[\W_]+", "", normalise(wording).text)
    for path, text in _lexicon_texts():
        assert core not in re.sub(r"[\W_]+", "", text), f"{wording!r} stands in {path.name}"
        # Nor any clause of it: a list that held one clause word for word would be tuned to this test.
        for clause in re.split(r"[,。!?]", normalise(wording).text):
            if len(clause) >= 6:
                assert clause not in text, f"{clause!r} stands in {path.name}"
