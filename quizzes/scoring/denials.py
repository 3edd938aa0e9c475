"""Denials: the reply refuses, politely, what the scenario's reference answer does.

The reference (model) answer of a scenario shows what the shop can do for this buyer: change the
address, recommend one of two cases, issue the invoice. A reply that says 地址我们这边没法改 or
两款我都不能给您推荐 in friendly words denies exactly that. A denial here is a real negator whose
clause has no buyer as its subject (您没收到 is about the buyer), followed by a verb the reference
affirms and never negates itself (a reference that says 价格改不了 makes that refusal the rule).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .text import clause_end, clause_start, negation_of, negator_at
from .wordlists import words_of
from .words import tagged_spans

# Words between a negator and its verb that the verb search steps over.
_STEP_OVER = frozenset(words_of("denials", "step_over"))
# What a shop does for a buyer. The tagger often misses them as verbs (换 tagged as a noun), so they count
# as verbs by name, and two of them agree when one holds the other (退换 and 换, 换成 and 换).
SERVICE_VERBS = words_of("denials", "service_verbs")
# Verbs too general to carry a denial (是, 有 …) or that deny nothing the buyer wants.
_GENERAL_VERBS = frozenset(words_of("denials", "general_verbs"))
_BUYER_SUBJECTS = ("您", "你", "买家", "宝宝", "孩子")
_AGENT_SUBJECTS = ("我", "这边", "店", "咱")
# Negators that refuse (can't, won't, no way), as opposed to those that state (还没发, 未签收).
REFUSING_NEGATORS = frozenset({"不能", "没法", "无法", "不会", "不可以", "不可能", "不给", "不予", "不", "没"})
_POSTPONING = frozenset("先暂还尚")
# The agent disowning a bad act toward the buyer (不会让您白等), and the shop owning a failing (是我们的疏忽):
# neither denies anything the scenario states. Shared with claims.py.
DISOWNING = re.compile("(?:不会|不想|不让|不能让|不会让|不跟|不是)(?:让|跟|给|对)?(?:您|你)")
ADMISSION = re.compile("是我们的(?:疏忽|失误|问题|责任)|我们没做好|怪我们|是我们不好")
_WORRIES = ("担心", "怕", "以为", "顾虑", "会不会", "万一")


_SERVICE = frozenset(SERVICE_VERBS)


class Denial(NamedTuple):
    start: int  # the negator
    end: int  # the end of the verb it denies
    verb: str


class ReferenceVerbs(NamedTuple):
    affirmed: frozenset[str]
    negated: frozenset[str]


@lru_cache(maxsize=512)
def reference_verbs(reference: str) -> ReferenceVerbs:
    """The verbs of a normalised reference answer: those it affirms and those it negates somewhere."""
    affirmed: set[str] = set()
    negated: set[str] = set()
    def refused(start: int, end: int) -> bool:
        # 改到299我这边做不了主: a refusal later in the clause takes the verb back too.
        if negation_of(reference, start, end):
            return True
        tail = reference[end:clause_end(reference, end)]
        return any(negator_at(tail, i) is not None for i, c in enumerate(tail) if c in "不没")

    for word, pos, start, end in tagged_spans(reference):
        if (pos == "v" or word in SERVICE_VERBS) and word not in _GENERAL_VERBS:
            (negated if refused(start, end) else affirmed).add(word)
    for verb in SERVICE_VERBS:  # inside words the tagger joined (一是换同款)
        for match in re.finditer(re.escape(verb), reference):
            (negated if refused(match.start(), match.end()) else affirmed).add(verb)
    return ReferenceVerbs(frozenset(affirmed), frozenset(negated))


_MAY_REFUSE = re.compile("不能|没法|没办法|无法|不会|不可以|不可能|不给|不予|不支持|不方便|不允许|不[" + "".join(sorted({v[0] for v in SERVICE_VERBS})) + "]")


def may_deny(text: str) -> bool:
    """Whether a reply holds a refusing negator at all (one regex search; most replies do not)."""
    return _MAY_REFUSE.search(text) is not None


def _affirmed(verb: str, verbs: ReferenceVerbs) -> bool:
    """The reference does this (改 where it says 改成), and never refuses it; 开成 is not 开."""
    def same(a: str) -> bool:
        return a.startswith(verb) or (verb in _SERVICE and a in _SERVICE and (a in verb or verb in a))

    if any(same(n) or verb.startswith(n) for n in verbs.negated):
        return False
    return any(same(a) for a in verbs.affirmed)


def denials(text: str, verbs: ReferenceVerbs) -> list[Denial]:
    """Where the reply denies doing what the reference answer does."""
    if not verbs.affirmed:
        return []
    spans = tagged_spans(text)
    words = [(word, pos) for word, pos, _, _ in spans]
    offsets = [start for _, _, start, _ in spans]
    found: list[Denial] = []
    for i, (word, _) in enumerate(words):
        start = offsets[i]
        negator = negator_at(text, start)
        if negator is None or negator[0] not in REFUSING_NEGATORS or negator[1] > start + len(word) + 2:
            continue
        if negator[0] == "没" and not text.startswith("没办法", start):
            continue  # 还没发: a state, not a refusal
        if start and text[start - 1] in _POSTPONING:
            continue  # 先不发货, 暂不退: a step put off, not refused
        before = text[clause_start(text, start):start]
        if any(s in before for s in _BUYER_SUBJECTS) and not any(s in before for s in _AGENT_SUBJECTS):
            continue  # 您没收到: the buyer's doing, not a refusal
        if DISOWNING.match(text, start) or ADMISSION.search(text, clause_start(text, start), clause_end(text, start)):
            continue  # 不会让您白等, 没提醒是我们的疏忽: disowning a bad act, or owning a failing
        if any(w in before for w in _WORRIES):
            continue  # 不用担心不发货: the worry is denied, not the shipping
        for j in range(i + 1, min(i + 5, len(words))):
            following, pos = words[j]
            if offsets[j] < negator[1]:
                continue  # still inside the negator word (没法 segmented as one or two words)
            if following in _STEP_OVER:
                continue
            verb_like = pos == "v" or following in _SERVICE
            if verb_like and following not in _GENERAL_VERBS and _affirmed(following, verbs):
                found.append(Denial(start, offsets[j] + len(following), following))
            break
    return found
