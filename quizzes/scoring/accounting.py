"""Accounting for clauses: every clause of a reply is explained, or shown as what the scorer could not read.

A clause is explained when it
- carries evidence a criterion credited (`criterion`),
- restates the scenario's own facts: most of its character pairs stand in the context, the declared
  facts, the model answer or the rubric's phrases (`facts`),
- is made only of the trade's courtesy formulas: greeting, thanks, apology, sign-off, asking to wait
  (`formula`), or
- offers to do something for the buyer or asks them about the case (`offer`).

Any other clause is *unexplained*. Points never come from it, but what it does still matters: one that
addresses or judges the buyer, denies, promises, or gives a contact or a number is something a shop
may not want sent, and the scorer cannot tell. Such a reply goes to a person; one whose unexplained
clause judges the buyer is capped, since courtesy formulas and facts never do that.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from .denials import SERVICE_VERBS
from .house_rules import HouseRules

# Clause boundaries for accounting: the engine's, less the enumeration comma (a list is one clause).
ACCOUNT_BOUNDARY = ",。!?;~…:\n—｡〜."
_SPLIT = re.compile("[" + re.escape(ACCOUNT_BOUNDARY) + "]")
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
_CONTENT = re.compile(r"[^\W_]")
_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?|[\u3400-\u4dbf\u4e00-\u9fff]+")
# A number long enough to be an account, a phone number or an order (not a price or a size).
_LONG_NUMBER = re.compile(r"(?<![0-9])[0-9]{5,}(?![0-9])")
# A handle starts with a letter (wx_li2026); 163cm is a measurement.
_HANDLE = re.compile(r"(?<![a-z0-9_])[a-z][a-z0-9_]*[0-9][a-z0-9_]*(?![a-z0-9_])")
_LINK = re.compile(r"https?:|www\.|\.com|\.cn|t\.cn")
# Share of a clause's character pairs that must stand in the scenario's texts for it to restate them.
FACTS_SHARE = 0.5
EXPLAINED_BY = ("criterion", "facts", "formula", "offer")
ACT_BUYER = "buyer"  # addresses or describes the buyer
ACT_JUDGES = "judges"  # evaluates rather than informs
ACT_MOCKS = "mocks"  # a verdict or a mocking emoji: judges even where a criterion credits the clause
ACT_ABOUT_PERSON = "about_person"  # to or about the buyer, and nothing of the case
ACT_DENIES = "denies"
ACT_PROMISES = "promises"
ACT_CONTACT = "contact"  # a contact channel, account, link or long number


class ClauseAccount(NamedTuple):
    """One clause of a reply (normalised positions), what explains it (or ""), and what it does."""

    start: int
    end: int
    explained_by: str
    acts: frozenset[str]

    @property
    def unexplained(self) -> bool:
        return not self.explained_by


_SENTENCE_END = re.compile("[。!?\n]")


def _asks(text: str, end: int) -> bool:
    """The clause ending at `end` belongs to a question: its sentence ends with a question mark."""
    found = _SENTENCE_END.search(text, end)
    return found is not None and found.group() == "?"


def clause_spans(text: str) -> list[tuple[int, int]]:
    """The clauses of a normalised reply that hold any content, as (start, end)."""
    spans = []
    start = 0
    for match in _SPLIT.finditer(text + "\n"):
        end = match.start()
        if _CONTENT.search(text, start, end) is not None:
            spans.append((start, end))
        start = match.end()
    return spans


def pairs(text: str) -> set[str]:
    """Character pairs inside each run of Chinese characters, and whole runs of letters and digits."""
    found: set[str] = set()
    for token in _TOKEN.findall(text):
        if _CJK.match(token):
            found.update(token[i:i + 2] for i in range(len(token) - 1))
            if len(token) == 1:
                found.add(token)
        else:
            found.add(token)
    return found


def _content_chars(text: str) -> int:
    return len(_CONTENT.findall(text))


_CHOICE = re.compile("还是")  # 黑色还是米白: a choice, not the degree word 还
_NECESSITY = re.compile("不用|不需要|无需|不必")


# Kindness the buyer can show the agent in turn: asked of them (您体谅体谅我们), it is not the agent's own.
_RECIPROCAL = frozenset({"体谅", "理解", "支持", "谅解", "耐心", "信任"})
_THANKS = re.compile("谢谢|感谢|多谢")
_ASKED_OF_BUYER = re.compile("(?:您|你)(?:也|多|再|就)?$")


def kind(clause: str, rules: HouseRules) -> bool:
    """A kind stance of the agent's: thanks, sympathy, an apology. Kindness asked of the buyer (您体谅体谅我们)
    is not the agent's."""
    found = [m for m in rules.kind_stance.finditer(clause)]
    asked = any(m.group() in _RECIPROCAL and _ASKED_OF_BUYER.search(clause, 0, m.start())
                and not _THANKS.search(clause, 0, m.start()) for m in found)  # 谢谢您体谅 thanks, asks nothing
    return bool(found) and not asked


# 犹豫来犹豫去, 改来改去: an act repeated back and forth is a complaint about whoever does it.
_ASKED_KINDNESS = re.compile("(?:您|你)(?:也|多|就)?(?:体谅|理解|包涵|谅解)(?:体谅|理解|包涵|谅解|一下)?(?:我们|我|咱们)")
_SUFFERED = re.compile("被|让|给")
_BACK_AND_FORTH = re.compile(r"(.{1,2})来\1去")


def _verdict(clause: str, rules: HouseRules) -> bool:
    """A verdict word or a mocking emoji: a judgement whatever else the clause holds."""
    if rules.judgement_emoji.search(clause):
        return True
    if _ASKED_KINDNESS.search(clause):
        return True  # 您体谅体谅我们吧: the buyer asked to sympathise with the shop
    back_and_forth = _BACK_AND_FORTH.search(clause)
    if back_and_forth and not kind(clause, rules) and not _SUFFERED.search(clause, 0, back_and_forth.start()):
        return True  # 被推来推去过 sympathises with what others did to the buyer
    verdict = rules.verdicts.search(clause)
    return verdict is not None and not _NECESSITY.search(clause, 0, verdict.start())  # 不用您…: an errand spared


def _disowns(clause: str) -> bool:
    """The agent (no one else: 换别家早就不搭理您了 speaks of others) disowns an act toward the buyer."""
    found = _DISOWNS.search(clause)
    return found is not None and _THIRD_PARTY.search(clause, 0, found.start()) is None


def _judges(clause: str, asks: bool, about_buyer: bool, rules: HouseRules, addresses: bool = False) -> bool:
    """A verdict or a mocking emoji, or a degree word in a statement about the buyer, in no kind stance."""
    if _verdict(clause, rules):
        return True
    if asks:
        return False  # 您还在犹豫哪方面呢: a question about the case (reproaching ones are the guards' business)
    plain = _CHOICE.sub("", clause)
    if _AGENT_SUBJECT.match(plain) or ("我" in plain and not addresses) or _disowns(plain):
        return False  # 我不敢这么说, 真要我选, 拍照真不是怀疑您: the agent speaks of itself, or disowns a bad act
    return bool(rules.degree.search(plain) and about_buyer and not kind(plain, rules))


# A clause that starts by telling the buyer what to do or not to do (别…, 下回…, 先把…): it addresses them.
_AGENT_DENIES = re.compile("(?:我|我们|咱们)(?:也|都|可|绝)?(?:不|没|不会|不想|不敢)")
_ASSERTING = ("了", "吧", "啊", "嘛")
# The agent disowning something it could do to the buyer: 不想糊弄您, 不让您白等, 不是怀疑您, 不跟您瞎说.
_DISOWNS = re.compile("(?:不|没|不会|不想|不能|不敢|绝不|不是)(?:让|跟|和|给|对)?(?:您|你)|(?:不|没|不会|不想|不是)[\u4e00-\u9fff]{1,3}(?:您|你)")
_THIRD_PARTY = re.compile("别家|别人|别的|人家|换了|换别|他们|其他|有的")
_AGENT_SUBJECT = re.compile("(?:我|我们|咱们|这边|小店|本店)")
_CONDITION = re.compile("如果|要是|万一|假如|的话|等.{1,8}了")
# Below this share of its character pairs from the case, a clause to the buyer is about the person.
ABOUT_PERSON_SHARE = 0.15
_IMPERATIVE = re.compile("别|少|下回|下次|先把|麻烦你|你就")
# Characters that carry no case content: a pair made only of them (您的, 我们, 一下) says nothing of the case.
FUNCTION_CHARS = frozenset("的了吗呢吧哦呀啊啦哈嘛噢您你我们他她它是在有和与就也都还会要可以能把被给让对这那个些下很太更最再又才已经为所因如果但而且然后着过地得呗哟亲一")


def case_pairs(text: str) -> frozenset[str]:
    """The character pairs of a case's texts that carry content (not 您的, 我们, 一下)."""
    return frozenset(p for p in pairs(text) if not all(ch in FUNCTION_CHARS for ch in p))


# The agent doing something for the buyer: a service verb with the buyer as its object (补偿您, 回复您, 退您).
_ACTS_FOR_BUYER = re.compile(
    "(?:" + "|".join(sorted({*SERVICE_VERBS, "回复", "补偿", "赔", "通知", "提醒", "告诉", "答复", "安排", "耽误", "打扰"},
                            key=len, reverse=True)) + ")(?:给)?(?:您|你)")
# What the buyer is asked to do about the case (您自己查了再决定, 您先核对一下): an instruction, not a remark.
_INSTRUCTS = re.compile("查|看一下|看看|核对|确认|决定|选|挑|拍|付款|下单|申请|填|寄|量|试|尝|联系|点|打开|找")
# An A-not-A question (合不合口味, 要不要, 能不能): it asks, whatever its ending.
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1(?!就)")  # 动不动就 is a habit, not a question


def _speaks_about_buyer(clause: str, asks: bool, addresses: bool, case: frozenset[str], rules: HouseRules) -> bool:
    """A clause to or about the buyer that holds nothing of the case: not a question, an offer, a kindness or
    a spared errand. It is about the person (换别家早就不搭理您了, 别动不动就拿差评吓唬人), and courtesy never is."""
    if not (addresses or _IMPERATIVE.match(clause)) or asks or _CHOICE.search(clause) or _CONDITION.search(clause):
        return False
    if kind(clause, rules) or rules.offers.search(clause) or _NECESSITY.search(clause) or _ACTS_FOR_BUYER.search(clause):
        return False
    if rules.certainty.search(clause) or rules.arrival_verbs.search(clause):
        return False  # 明天准能送到您手上: a promise, which the platform rules judge, not a remark on the person
    if addresses and _INSTRUCTS.search(clause) and not _IMPERATIVE.match(clause):
        return False
    if _AGENT_DENIES.search(clause) or _AGENT_SUBJECT.match(clause) or _disowns(clause):
        return False  # 我也不跟您打马虎眼, 不想糊弄您, 不让您白等: the agent speaks of itself or disowns a bad act
    own = pairs(clause)
    return not own or len(own & case) < ABOUT_PERSON_SHARE * len(own)


def _acts(clause: str, asks: bool, rules: HouseRules, case: frozenset[str] = frozenset()) -> frozenset[str]:
    acts = set()
    addresses = rules.second_person.search(clause.replace("亲", "")) is not None
    if addresses:
        acts.add(ACT_BUYER)
    if _judges(clause, asks, addresses or rules.buyer_acts.search(clause) is not None, rules, addresses):
        acts.add(ACT_JUDGES)
        # A verdict on the buyer said as a settled fact (您这要求有点多了, …吧): a judgement even where a
        # credited phrase (说实话) stands in the same clause.
        if addresses and clause.rstrip("~").endswith(_ASSERTING):
            acts.add(ACT_MOCKS)
    if case and _speaks_about_buyer(clause, asks, addresses, case, rules):
        acts.add(ACT_ABOUT_PERSON)
    if _verdict(clause, rules):
        acts.add(ACT_MOCKS)
    if rules.negators.search(clause):
        acts.add(ACT_DENIES)
    if rules.certainty.search(clause):
        acts.add(ACT_PROMISES)
    if _LONG_NUMBER.search(clause) or _LINK.search(clause) or any(len(h) >= 5 for h in _HANDLE.findall(clause)):
        acts.add(ACT_CONTACT)
    return frozenset(acts)


def account_clauses(
    text: str, *, credited: Iterable[tuple[int, int]], facts_pairs: frozenset[str], rules: HouseRules,
    skip: bytearray | None = None, spans: list[tuple[int, int]] | None = None, case: frozenset[str] = frozenset(),
) -> list[ClauseAccount]:
    """Account for every clause of a normalised reply.

    `credited` are the spans criteria gave points for; `facts_pairs` the character pairs of the
    scenario's texts; `case` the content pairs of everything the case holds, the buyer's words included;
    `skip` the copy mask (1 where a character was copied from the buyer: wholly copied
    clauses are the copy check's business); `spans` the clauses, when the caller has them.
    """
    credited = sorted(credited)
    accounts = []
    for start, end in clause_spans(text) if spans is None else spans:
        clause = text[start:end]
        if skip is not None and skip.find(0, start, end) == -1:
            continue  # wholly copied from the buyer
        asks = _asks(text, end) or clause.rstrip("了呀啊哦").endswith(("吗", "呢", "么")) or bool(_A_NOT_A.search(clause))
        acts = _acts(clause, asks, rules, case)
        if any(s < end and start < e for s, e in credited):
            explained = "criterion"
        elif not _content_chars(rules.formulas.sub("", clause)) > 1:
            explained = "formula"
        elif (rules.offers.search(clause) or asks) and ACT_JUDGES not in acts:
            explained = "offer"
        else:
            own = pairs(clause)
            shared = len(own & facts_pairs)
            explained = "facts" if own and shared >= 2 and shared >= FACTS_SHARE * len(own) else ""
        accounts.append(ClauseAccount(start, end, explained, acts))
    return accounts


def explained_share(text: str, accounts: list[ClauseAccount]) -> float:
    """Share of the accounted content characters that stand in explained clauses (1.0 when nothing to account)."""
    total = explained = 0
    for account in accounts:
        chars = _content_chars(text[account.start:account.end])
        total += chars
        explained += chars if account.explained_by else 0
    return explained / total if total else 1.0
