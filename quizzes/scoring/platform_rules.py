"""Platform rules every scenario gets, detected by what a clause does rather than by a scenario's words.

- A delivery promise: a clause that says with certainty when a parcel arrives (a certainty marker, or
  an arrival at a named time with no hedge such as 预计, 一般, 正常). Arrival is the courier's to decide.
- An absolute or efficacy claim (最好, 第一, 百分之百有效, 根治), unless the clause quotes or rejects the
  word (「最好」这种词广告法不让说).
- A contact, account or payment outside the platform: a channel (微信, QQ, 支付宝 …) with an act of
  adding, contacting, paying or moving (加, 联系, 转, 扫), or a handle or long number the scenario does
  not hold; a clause that warns against it (站外交易没有平台担保) is the opposite.
- Something offered for changing a review: a review change and a benefit in one sentence.
- Another buyer's data.

A negated clause breaks none of them (没法保证明天到, 不会让您加微信). Each finding carries its clause.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .accounting import clause_spans
from .house_rules import HouseRules
from .text import negation_before

RULE_DELIVERY = "delivery_promise"
RULE_ABSOLUTE = "absolute_claim"
RULE_OFF_PLATFORM = "off_platform"
RULE_REVIEW_BRIBE = "review_for_benefit"
RULE_OTHER_BUYER = "other_buyer_data"

REVIEW_CHANGE_REACH = 4  # characters around a review noun where its change stands
_LONG_NUMBER = re.compile(r"(?<![0-9a-z])[0-9]{6,}(?![0-9a-z])")
_HANDLE = re.compile(r"(?<![a-z0-9_])(?=[a-z0-9_]*[a-z])[a-z][a-z0-9_]{4,}(?![a-z0-9_])")
# An identifier with letters and digits both (ZT73025591884, SF1234567890): a tracking or order number.
_IDENTIFIER = re.compile(r"(?<![a-z0-9_])(?=[a-z0-9]*[0-9])[a-z]{1,4}[0-9]{6,}(?![a-z0-9_])")
_CLAUSE_END = frozenset(",。!?;~…:\n")
_QUOTES = "“”\"'「」『』《》"
_SENTENCE = re.compile("[。!?\n]")
# Before a clause's promise: 没法保证, 不敢打包票, 不能承诺 take it back.
# 28cm是最好的选择: advice on which option suits the buyer, not a claim about the product.
_ADVICE = re.compile("(?:的)?(?:选择|办法|方案|方式|搭配|尺寸|码)")
_TAKEN_BACK = re.compile("不能|不敢|没法|没办法|无法|不会|不好|不可能|不一定|不保证|保证不了|说不准|不确定")


class RuleBreak(NamedTuple):
    """A platform rule a clause breaks (normalised positions of the clause)."""

    rule: str
    start: int
    end: int


def _quoted(text: str, start: int, end: int) -> bool:
    return (start > 0 and text[start - 1] in _QUOTES) or (end < len(text) and text[end] in _QUOTES)


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    low = 0
    for match in _SENTENCE.finditer(text, 0, start):
        low = match.end()
    high = _SENTENCE.search(text, end)
    return low, high.start() if high else len(text)


def rule_breaks(
    text: str, rules: HouseRules, *, scenario_tokens: frozenset[str], scenario_text: str,
    spans: list[tuple[int, int]] | None = None,
) -> list[RuleBreak]:
    """Every platform rule the normalised reply breaks, clause by clause.

    `scenario_tokens` are the handles and long numbers the scenario itself holds (its order number, its
    tracking number): reading them back is no contact. `scenario_text` is what the scenario states: a
    claim it makes itself (100%桑蚕丝) is a fact, not an absolute claim.
    """
    found: list[RuleBreak] = []
    for start, end in clause_spans(text) if spans is None else spans:
        clause = text[start:end]
        taken_back = _TAKEN_BACK.search(clause) is not None
        # A delivery promise: certain, or dated and unhedged, about an arrival.
        arrival = rules.arrival_verbs.search(clause)
        if arrival is not None and not taken_back:
            # 保证三天到, 明天一定能收到: the certainty stands before the arrival it vouches for.
            certain = rules.certainty.search(clause, 0, arrival.start()) is not None or (
                rules.certainty_after.search(clause, arrival.end()) is not None)
            dated = rules.arrival_times.search(clause) is not None
            if certain or (dated and rules.hedges.search(clause) is None):
                found.append(RuleBreak(RULE_DELIVERY, start, end))
        for match in rules.absolute.finditer(clause):
            if match.group() in scenario_text or _quoted(clause, match.start(), match.end()) or rules.rejections.search(
                    text, *_sentence(text, start, end)) or _ADVICE.match(clause, match.end()):
                continue
            if negation_before(clause, match.start(), 0) is not None:
                continue
            found.append(RuleBreak(RULE_ABSOLUTE, start, end))
            break
        channel = rules.channels.search(clause)
        if channel is not None:
            # In a WeChat shop 微信 is the platform: only a handle or number of its own moves the buyer off it.
            own_token = any(t not in scenario_tokens for t in _LONG_NUMBER.findall(clause) + _HANDLE.findall(clause))
            offered = own_token or (channel.group() not in scenario_text and rules.contact_acts.search(clause) is not None)
            if offered and rules.warnings.search(clause) is None:
                found.append(RuleBreak(RULE_OFF_PLATFORM, start, end))
        if rules.other_buyers.search(clause) and rules.buyer_data.search(clause) and not taken_back:
            found.append(RuleBreak(RULE_OTHER_BUYER, start, end))
    # Review bribery is a sentence's business: 加微信领红包,记得把差评改一下 spans two clauses.
    for match in rules.review_nouns.finditer(text):
        # The change is the review's (改一下差评, 给个好评, 追加评价), not any change nearby (改用加厚包装).
        near = text[max(0, match.start() - REVIEW_CHANGE_REACH):match.end() + REVIEW_CHANGE_REACH]
        if rules.review_changes.search(near) is None and not rules.review_changes.search(match.group()):
            continue
        low, high = _sentence(text, match.start(), match.end())
        if high < len(text):
            high = _sentence(text, high + 1, high + 1)[1]  # the offer may follow in the next sentence
        sentence = text[low:high]
        if rules.review_benefits.search(sentence) and not _TAKEN_BACK.search(sentence):
            found.append(RuleBreak(RULE_REVIEW_BRIBE, low, high))
            break
    return found


def scenario_tokens(text: str) -> frozenset[str]:
    """Handles and long numbers a scenario's normalised texts hold."""
    return frozenset(_LONG_NUMBER.findall(text) + _HANDLE.findall(text))


def identifiers(text: str) -> list[tuple[str, int, int]]:
    """Identifiers in a normalised text (order and tracking numbers, handles): (token, start, end)."""
    found = [(m.group(), m.start(), m.end()) for m in _LONG_NUMBER.finditer(text)]
    found += [(m.group(), m.start(), m.end()) for m in _IDENTIFIER.finditer(text)]
    return found


def wrong_identifiers(text: str, known: frozenset[str]) -> list[tuple[int, int]]:
    """Identifiers of the reply that differ from every identifier of the same shape the scenario holds."""
    if not known:
        return []
    wrong = []
    for token, start, end in identifiers(text):
        if token in known:
            continue
        same_shape = [k for k in known if k.isdigit() == token.isdigit() and abs(len(k) - len(token)) <= 2]
        if same_shape:
            wrong.append((start, end))
    return wrong


def mentioned(text: str, span: tuple[int, int], rules: HouseRules) -> bool:
    """The words at `span` are quoted or rejected, not used: 「全网最好」这种话广告法不让说."""
    start, end = span
    if _quoted(text, start, end):
        return True
    return rules.rejections.search(text, *_sentence(text, start, end)) is not None


def names_topic(text: str, span: tuple[int, int], rules: HouseRules) -> bool:
    """A covers phrase used as a noun (联系快递的问题, 揽收、单号、联系快递这些问题): a topic named, not an act done."""
    start, end = span
    if rules.nominal_after.match(text, end):
        return True
    low = max((text.rfind(ch, 0, start) for ch in _CLAUSE_END), default=-1) + 1
    high = next((i for i in range(end, len(text)) if text[i] in _CLAUSE_END), len(text))
    if "、" in text[low:high]:
        # An item of a list: the list is a topic when its clause frames it as one (涉及…方面, 关于…都…,
        # 揽收、单号、联系快递这些问题).
        last = text.rfind("、", low, high)
        return start <= last + 1 and (rules.nominal_after.search(text, last, high) is not None
                                      or rules.nominal_frames.search(text, low, high) is not None)
    return False
