"""Text normalisation for matching Chinese replies, with a map back to the original offsets, and negation.

Negation: a phrase is negated when an odd number of negators stand before it in the same clause, within
six characters. Words in NON_NEGATORS hold a negator character but negate nothing (不好意思, 别家, 特别,
对不起), and A-not-A questions (能不能, 有没有) ask rather than negate. So 不会给您补发 negates 补发,
不会不给您补发 does not (two negators), and 我们不会不管您的补发 does: 不管 is not a negator, which leaves
one (不会). Phrases that begin with a negator (不用担心) are matched as written.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

# Clause boundaries after normalisation (full-width punctuation has become ASCII by then).
BOUNDARY_CHARS = ",。!?;、~…:.\n—｡〜"
GAP_MAX = 6
NEGATION_WINDOW = 6

# Longest first so that 不可以 is read as one negator, not 不 followed by 可以.
NEGATORS = ("不可以", "没有", "无法", "不能", "不会", "不予", "不给", "不", "没", "别", "未")
# Words that hold a negator character but negate nothing that follows them.
NON_NEGATORS = (
    "不好意思", "不用担心", "不用着急", "不客气", "不要紧", "不仅", "不但", "不管", "不论", "不错", "不少",
    "不过", "不止", "不只", "不光", "不妨", "不如", "不断", "不停", "不久", "不然", "不定期", "不同", "不限",
    "不得不", "没关系", "没问题", "没错", "别客气", "别担心", "别着急", "别急", "别家", "别的", "别人", "别处",
    "别样", "别致", "别墅", "未来", "对不起", "差不多", "了不起", "少不了", "免不了", "说不定", "忍不住",
    "来不及", "恨不得", "要不然", "特别", "区别", "分别", "告别", "差别", "级别", "类别", "个别", "识别", "性别",
    "辨别", "鉴别", "埋没", "出没",
)
NEGATOR_CHARS = frozenset(word[0] for word in NEGATORS)
_NEGATOR_CHAR = re.compile("[" + "".join(sorted(NEGATOR_CHARS)) + "]")
# For each negator character, the non-negator words holding it and where in the word it stands.
_NON_NEGATORS_BY_CHAR: dict[str, tuple[tuple[str, int], ...]] = {
    char: tuple(
        sorted(((word, word.index(char)) for word in NON_NEGATORS if char in word), key=lambda item: -len(item[0]))
    )
    for char in NEGATOR_CHARS
}


_GUARD = "\ue000"  # private-use stand-in for …, which NFKC would expand to three dots
_WHITESPACE = re.compile(r"\s+")
_NON_CONTENT = re.compile(r"[\W_]+")


class Normalised(NamedTuple):
    """A reply prepared for matching: `text[i]` came from `original[offsets[i]]`."""

    text: str
    offsets: tuple[int, ...] | None  # None when normalisation kept every position
    breaks: frozenset[int]  # positions in `text` where removed white space stood before

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original string of the normalised range [start, end)."""
        if self.offsets is None:
            return start, end
        if end <= start:
            position = self.offsets[start] if start < len(self.offsets) else (self.offsets[-1] + 1 if self.offsets else 0)
            return position, position
        return self.offsets[start], self.offsets[end - 1] + 1


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char).lower()
    return folded if len(folded) == 1 else char


def fold(text: str) -> str:
    """NFKC (full width to half width) and lower case, one character for one."""
    guarded = "…" in text
    folded = unicodedata.normalize("NFKC", text.replace("…", _GUARD) if guarded else text).lower()
    if len(folded) != len(text):
        # Some character expanded (㎏, ⑩) or combined: fold one by one, keeping expanding ones as they are.
        return "".join(map(_fold_char, text))
    return folded.replace(_GUARD, "…") if guarded else folded


def normalise(text: str) -> Normalised:
    """Fold the text and drop white space; a run of white space holding a newline becomes one newline."""
    folded = fold(text)
    if not _WHITESPACE.search(folded):
        return Normalised(folded, None, frozenset())
    pieces: list[str] = []
    offsets: list[int] = []
    breaks: set[int] = set()
    position = 0
    for match in _WHITESPACE.finditer(folded):
        start, end = match.span()
        pieces.append(folded[position:start])
        offsets.extend(range(position, start))
        newline = folded.find("\n", start, end)
        if newline >= 0:
            pieces.append("\n")
            offsets.append(newline)
        else:
            breaks.add(len(offsets))
        position = end
    pieces.append(folded[position:])
    offsets.extend(range(position, len(folded)))
    return Normalised("".join(pieces), tuple(offsets), frozenset(breaks))


def normalise_phrase(phrase: str) -> str:
    """A phrase as the matcher sees it: folded, without white space."""
    return _WHITESPACE.sub("", fold(phrase))


def content_only(text: str) -> str:
    """Letters and digits only: no white space, punctuation, symbols or emoji."""
    return _NON_CONTENT.sub("", text)


def clause_start(text: str, position: int, limit: int) -> int:
    """First index of the clause holding `position`, looking back no further than `limit`."""
    index = position - 1
    while index >= limit:
        if text[index] in BOUNDARY_CHARS:
            return index + 1
        index -= 1
    return limit


def _non_negator_end(text: str, index: int) -> int:
    """End of the non-negator word whose negator character is at `index`, or -1 when it is a real negator."""
    char = text[index]
    # A-not-A questions (能不能, 有没有, 可不可以) ask; they do not negate.
    if 0 < index < len(text) - 1 and text[index - 1] == text[index + 1]:
        return index + 1
    for word, position in _NON_NEGATORS_BY_CHAR[char]:
        start = index - position
        if start >= 0 and text.startswith(word, start):
            return start + len(word)
    return -1


def is_negated(text: str, start: int, breaks: frozenset[int] = frozenset()) -> bool:
    """True when an odd number of negators stand in the same clause within six characters before `start`.

    White space the normaliser removed (`breaks`) also ends a clause here: "未穿 非质量问题" lists two
    things, and the 未 of the first does not negate the second.
    """
    low = max(0, start - NEGATION_WINDOW)
    if _NEGATOR_CHAR.search(text, low, start) is None:  # the usual case, decided without a Python loop
        return False
    if breaks:
        low = max([low, *(mark for mark in breaks if mark <= start)])
    index = clause_start(text, start, low)
    count = 0
    while index < start:
        if text[index] not in NEGATOR_CHARS:
            index += 1
            continue
        end = _non_negator_end(text, index)
        if end >= 0:
            index = end
            continue
        for word in NEGATORS:
            if text.startswith(word, index):
                count += 1
                index += len(word)
                break
        else:  # 无 without 法
            index += 1
    return count % 2 == 1
