"""Guards every scenario gets without its author asking: insults, contempt, sarcasm, blame, rhetorical questions.

Each guard is a list of patterns (data/word_lists.toml, [guards]) in the phrase language (`*` = a gap of up to six characters inside a
clause). Insults are also looked for with every non-letter taken out and common homophone spellings
folded (傻 逼, 沙比, s b), so spacing tricks and look-alike spellings do not hide them. A negator never
excuses a guard: 你不是有病吧 is an insult, 这不就是你没看清吗 is blame.

A hit caps the reply's total below the pass mark and flags it with the span, whatever the rubric says.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .text import BOUNDARY_CHARS, GAP_MAX, negation_of
from .wordlists import word_lists, words_of

GUARD_INSULT = "insult"
GUARD_CONTEMPT = "contempt"
GUARD_SARCASM = "sarcasm"
GUARD_BLAME = "blame"
GUARD_RHETORICAL = "rhetorical"
GUARD_REFUSES_HELP = "refuses_help"
GUARD_MISINFORMATION = "platform_misinformation"

INSULTS = words_of("guards", "insults")
# Spellings that stand for the same insult (homophones and look-alikes) are folded to one before matching.
HOMOPHONES = tuple((variant, word) for variant, word in word_lists()["guards"]["homophones"])
CONTEMPT = words_of("guards", "contempt")
# Statements about how the platform works that are never true on Taobao, Tmall or a WeChat shop, as the
# course teaches them: the buyer's money waits with the platform (Alipay escrow) until delivery is
# confirmed, and an unpaid order simply closes without any penalty to the buyer.
PLATFORM_MISINFORMATION = words_of("guards", "platform_misinformation")
# The agent declining to do what the job is (ask, check, recommend, explain) rather than what a rule forbids.
REFUSES_HELP = words_of("guards", "refuses_help")
SARCASM = words_of("guards", "sarcasm")
# Blame is negated like any statement (不怪您 reassures); its rhetorical forms are not negators (see text.py).
BLAME = words_of("guards", "blame")
# A question at the buyer that reproaches rather than asks: 这都选不出来? 怎么不早点买? 至于问这么细吗?
REPROACH_MARKERS = words_of("guards", "reproach_markers")
# Questions that offer or check something are real questions whatever words they hold.
OFFER_MARKERS = words_of("guards", "offer_markers")
RHETORICAL = words_of("guards", "rhetorical")

# (guard, phrases, whether a negator before or after a phrase takes it back)
GUARDS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    (GUARD_INSULT, INSULTS, False),
    (GUARD_CONTEMPT, CONTEMPT, False),
    (GUARD_SARCASM, SARCASM, False),
    (GUARD_BLAME, BLAME, True),
    (GUARD_RHETORICAL, RHETORICAL, False),
    (GUARD_REFUSES_HELP, REFUSES_HELP, False),
    (GUARD_MISINFORMATION, PLATFORM_MISINFORMATION, True),
)
# Short insults are found only as whole words of their own, never inside a longer word (靠谱, 操作, 滚动,
# 故意 stays in BLAME as a word): a letter or a Chinese character on either side keeps them apart.
_STANDALONE = frozenset(words_of("guards", "standalone"))
_NOT_AFTER = dict(word_lists()["guards"]["not_after"])
_NOT_BEFORE = dict(word_lists()["guards"]["not_before"])

_GAP = "[^" + re.escape(BOUNDARY_CHARS) + "]{0," + str(GAP_MAX) + "}?"


class GuardHit(NamedTuple):
    """One guard that fired, where (normalised positions), and on what text."""

    guard: str
    start: int
    end: int


def _pattern(phrase: str) -> str:
    return _GAP.join(re.escape(part) for part in phrase.split("*") if part)


def _compile(phrases: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile("|".join(_pattern(p) for p in ordered))


_COMPILED = tuple((name, _compile(phrases), negatable) for name, phrases, negatable in GUARDS)
_INSULT_SQUEEZED = _compile(INSULTS)
_NON_LETTER = re.compile(r"[\W_]+")
_ANY_GUARD_CHAR = re.compile(
    "[" + re.escape("".join(sorted({ch for _, phrases, _ in GUARDS for p in phrases for ch in p[:1]} |
                                      {a[0] for a, _ in HOMOPHONES}))) + "]"
)


def _standalone_ok(text: str, start: int, end: int, word: str) -> bool:
    if word not in _STANDALONE:
        return True
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before and before in _NOT_BEFORE.get(word, ""):
        return False
    if after and after in _NOT_AFTER.get(word, ""):
        return False
    if word.isascii():
        return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())
    return True


_LETTER = re.compile(r"[^\W_]")
_INSULT_FIRST = re.compile(
    "[" + re.escape("".join(sorted({p[0] for p in INSULTS} | {a[0] for a, _ in HOMOPHONES}))) + "]"
)


def _fold_homophones(letters: str) -> str:
    """Look-alike spellings of insults as the insult (same length, so positions stay)."""
    for variant, standard in HOMOPHONES:
        if variant in letters and len(variant) == len(standard):
            letters = letters.replace(variant, standard)
    return letters


def _squeezed(text: str) -> tuple[str, list[int]]:
    """Letters only, with the position each came from."""
    keep = [match.start() for match in _LETTER.finditer(text)]
    return "".join(text[i] for i in keep), keep


def _reproaching_questions(text: str) -> list[GuardHit]:
    """Question clauses that reproach the buyer (a reproach marker, no offer)."""
    if "?" not in text and "吗" not in text:
        return []
    hits = []
    start = 0
    for i, char in enumerate(text + "\n"):
        if char not in BOUNDARY_CHARS and i < len(text):
            continue
        clause = text[start:i]
        asks = char == "?" or clause.rstrip("了呀啊").endswith(("吗", "么"))
        if asks and any(m in clause for m in REPROACH_MARKERS) and not any(m in clause for m in OFFER_MARKERS):
            hits.append(GuardHit(GUARD_RHETORICAL, start, i))
        start = i + 1
    return hits


def guard_hits(text: str, breaks: frozenset[int] = frozenset()) -> list[GuardHit]:
    """Every guard that fires in a normalised reply."""
    if _ANY_GUARD_CHAR.search(text) is None and "?" not in text:  # most good replies: decided in one C call
        return []
    hits: list[GuardHit] = []
    for name, regex, negatable in _COMPILED:
        for match in regex.finditer(text):
            start, end = match.span()
            if not _standalone_ok(text, start, end, match.group()):
                continue
            if negatable and negation_of(text, start, end, breaks) is not None:
                continue
            hits.append(GuardHit(name, start, end))
    hits += _reproaching_questions(text)
    # Insults written with spaces, punctuation or look-alike spellings between their letters.
    if _INSULT_FIRST.search(text) is None:
        return hits
    # Letters only, in one C call; the positions they came from are worked out only when an insult shows.
    if _INSULT_SQUEEZED.search(_fold_homophones(_NON_LETTER.sub("", text))) is None:
        return hits
    squeezed, keep = _squeezed(text)
    folded = _fold_homophones(squeezed)
    if folded != text:
        seen = {(h.start, h.end) for h in hits}
        for match in _INSULT_SQUEEZED.finditer(folded):
            word = match.group()
            if word in _STANDALONE:
                continue  # single-character insults need their own clause, not a squeezed neighbourhood
            start, end = keep[match.start()], keep[match.end() - 1] + 1
            if (start, end) not in seen and not any(h.start <= start and end <= h.end for h in hits):
                hits.append(GuardHit(GUARD_INSULT, start, end))
    return hits
