"""Text preparation for matching Chinese replies, with a map back to the original offsets, and negation.

Normalisation, in this order, one character in for at most one character out so that every position
can be mapped back into the raw reply: traditional characters become simplified (OpenCC's `t2s`
table), format characters (zero-width spaces and joiners, soft hyphens, BOMs) are dropped, NFKC folds
full-width forms to plain ones, letters are lower-cased, and white space is dropped (a run holding a
newline becomes one newline, other runs are remembered as `breaks`).

Negation works by scope. A negator governs the rest of its clause after it, until a word that opens a
new proposition inside the clause (的话, 也能, 可以, 就, 但, 所以 …): 不会给您退 and 没法帮您联系快递
are negated, 不满意可以退 and 没绑卡也能付 are not. A negator right after a phrase negates it when it is
what the clause says about the phrase (八折给不了, 赠品这期也不送了, 退款是不可能的). Two negators cancel
(不会不给您退). Words that hold a negator character but negate nothing (不好意思, 没问题, 别家) are not
negators, nor are A-not-A questions (能不能, 有没有) and rhetorical forms (这不就是, 不排除, 难道),
so a negator never hides what an avoid criterion forbids. The lists live in data/word_lists.toml
([negation]).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from .wordlists import longest_first, words_of

# Clause boundaries after normalisation (full-width punctuation has become ASCII by then).
BOUNDARY_CHARS = ",。!?;、~…:.\n—｡〜"
GAP_MAX = 6

# Longest first so that 不可以 is read as one negator, not 不 followed by 可以.
NEGATORS = longest_first(words_of("negation", "negators"))
# Negators of necessity: after a phrase they free the buyer of something (补发不收运费, 退货不需要您出),
# they do not deny the phrase.
NECESSITY_NEGATORS = longest_first(words_of("negation", "necessity"))
# Words that hold a negator character but negate nothing that follows them. Rhetorical forms are here
# too: 这不就是你的问题 asserts the problem is the buyer's.
NON_NEGATORS = words_of("negation", "non_negators")
# Inside a clause these open a new proposition, which the negator before them does not govern.
SCOPE_ENDS = words_of("negation", "scope_ends")
# After a phrase, a negator says something about the phrase only when little follows it in the clause.
POST_NEGATION_GAP = 10
POST_NEGATION_TAIL = 1
_PROVIDING = frozenset("送给发退换包补选用开有享参寄做")
_PARTICLES = frozenset("了哦呢啦的呀吧哈喔噢嘛啊呗哟")

_LESS_THAN = ("不满", "不到", "不足", "不超", "没到", "没满")
_NUMERAL_START = frozenset("0123456789一二两三四五六七八九十百半")
NEGATOR_CHARS = frozenset(word[0] for word in NEGATORS + NECESSITY_NEGATORS)
_NEGATOR_CHAR = re.compile("[" + "".join(sorted(NEGATOR_CHARS)) + "]")
_SCOPE_END = re.compile("|".join(map(re.escape, sorted(SCOPE_ENDS, key=len, reverse=True))))
# For each negator character, the non-negator words holding it and where in the word it stands.
_NON_NEGATORS_BY_CHAR: dict[str, tuple[tuple[str, int], ...]] = {
    char: tuple(
        sorted(((word, word.index(char)) for word in NON_NEGATORS if char in word), key=lambda item: -len(item[0]))
    )
    for char in NEGATOR_CHARS
}

# Format characters (Unicode category Cf: zero-width space, joiners, BOM, soft hyphen …) are invisible;
# inside a word they hide it from a plain substring search.
_SURROGATE = re.compile("[\ud800-\udfff]")
_GUARD = "\ue000"  # private-use stand-in for …, which NFKC would expand to three dots
_WHITESPACE = re.compile(r"\s+")
_NON_CONTENT = re.compile(r"[\W_]+")


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # a text library the engine may use (see tests/trainer/test_foundation.py)

    return opencc.OpenCC("t2s")


class Normalised(NamedTuple):
    """A reply prepared for matching: `text[i]` came from `original[offsets[i]]`."""

    text: str
    offsets: tuple[int, ...] | None  # None when normalisation kept every position
    breaks: frozenset[int]  # positions in `text` where removed white space stood before
    hidden_split: bool = False  # a format character stood between two letters of a word
    traditional: bool = False  # some characters were traditional and were converted

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


def simplified(text: str) -> str:
    """Traditional characters as simplified ones, one character for one."""
    if text.isascii():
        return text
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)  # a lone surrogate cannot be encoded for OpenCC; one for one
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    # A phrase conversion changed the length: convert character by character instead.
    return "".join(c if len(c := _t2s().convert(ch)) == 1 else ch for ch in text)


def _is_letter(char: str) -> bool:
    return char.isalnum()


# Unicode's format characters (category Cf), as ranges: one regex search instead of a category lookup per
# character (tests/quizzes/test_scoring_judgement.py checks the class against unicodedata).
FORMAT_CHARS = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


def _drop_format_chars(text: str) -> tuple[str, list[int] | None, bool]:
    """Text without Cf characters, the kept positions (None when nothing went), and whether one split a word."""
    if text.isascii() or FORMAT_CHARS.search(text) is None:
        return text, None, False
    kept: list[int] = []
    split = False
    for i, ch in enumerate(text):
        if FORMAT_CHARS.match(ch):
            before = text[kept[-1]] if kept else ""
            after = next((c for c in text[i + 1:] if not FORMAT_CHARS.match(c)), "")
            split = split or (bool(before) and bool(after) and _is_letter(before) and _is_letter(after))
            continue
        kept.append(i)
    return "".join(text[i] for i in kept), kept, split


def normalise(text: str) -> Normalised:
    """Simplify, drop format characters, fold, and drop white space (a run holding a newline becomes one)."""
    converted = simplified(text)
    traditional = converted != text
    visible, kept, hidden_split = _drop_format_chars(converted)
    folded = fold(visible)
    if not _WHITESPACE.search(folded):
        offsets = tuple(kept) if kept is not None else None
        return Normalised(folded, offsets, frozenset(), hidden_split, traditional)
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
    if kept is not None:
        offsets = [kept[i] for i in offsets]
    return Normalised("".join(pieces), tuple(offsets), frozenset(breaks), hidden_split, traditional)


def normalise_phrase(phrase: str) -> str:
    """A phrase as the matcher sees it: simplified, folded, without white space."""
    return _WHITESPACE.sub("", fold(simplified(phrase)))


def content_only(text: str) -> str:
    """Letters and digits only: no white space, punctuation, symbols or emoji."""
    return _NON_CONTENT.sub("", text)


def clause_start(text: str, position: int, limit: int = 0) -> int:
    """First index of the clause holding `position`, looking back no further than `limit`."""
    index = position - 1
    while index >= limit:
        if text[index] in BOUNDARY_CHARS:
            return index + 1
        index -= 1
    return limit


def clause_end(text: str, position: int) -> int:
    """Index just past the clause holding `position` (the boundary character, or the end)."""
    index = position
    while index < len(text) and text[index] not in BOUNDARY_CHARS:
        index += 1
    return index


def _non_negator_end(text: str, index: int) -> int:
    """End of the non-negator word whose negator character is at `index`, or -1 when it is a real negator."""
    char = text[index]
    # 不满199, 不到三天, 不足一半, 不超过 with a number: a comparison ("less than"), not a denial.
    if text.startswith(_LESS_THAN, index) and index + 2 < len(text) and text[index + 2] in _NUMERAL_START:
        return index + 2
    # A-not-A questions (能不能, 有没有, 可不可以) ask; they do not negate.
    if 0 < index < len(text) - 1 and text[index - 1] == text[index + 1]:
        return index + 1
    for word, position in _NON_NEGATORS_BY_CHAR.get(char, ()):
        start = index - position
        if start >= 0 and text.startswith(word, start):
            return start + len(word)
    return -1


def negator_at(text: str, index: int) -> tuple[str, int] | None:
    """The real negator starting at `index` and its end, or None (not a negator, or a non-negator word)."""
    if text[index] not in NEGATOR_CHARS or _non_negator_end(text, index) >= 0:
        return None
    for word in NECESSITY_NEGATORS + NEGATORS:
        if text.startswith(word, index):
            return word, index + len(word)
    return None


def _rhetorical_question(text: str, start: int) -> bool:
    """A clause that asks 不是…吗 / 没…吗 back at the buyer asserts what it seems to deny."""
    end = clause_end(text, start)
    tail = text[start:end].rstrip("了哦呀啦哈~")
    return tail.endswith(("吗", "么")) or (end < len(text) and text[end] == "?" and "难道" in text[start:end])


def negation_before(text: str, start: int, low: int, skip: tuple[tuple[int, int], ...] = ()) -> str | None:
    """The negator governing `start` from the same clause before it (None when none or an even number).

    `low` is where the clause starts; spans in `skip` are the matched words themselves, whose negator
    characters were written by the author and so do not count.
    """
    if _NEGATOR_CHAR.search(text, low, start) is None:  # the usual case, decided without a Python loop
        return None
    active: list[str] = []
    index = low
    while index < start:
        inside = next((end for s, end in skip if s <= index < end), None)
        if inside is not None:
            index = inside
            continue
        scope_end = _SCOPE_END.match(text, index)
        if scope_end is not None and active:
            active.clear()
            index = scope_end.end()
            continue
        found = negator_at(text, index) if text[index] in NEGATOR_CHARS else None
        if found is None:
            if text[index] in NEGATOR_CHARS:
                end = _non_negator_end(text, index)
                index = end if end > index else index + 1
            else:
                index += 1
            continue
        word, end = found
        if word in ("不", "没") and _rhetorical_question(text, index):
            index = end
            continue
        active.append(word)
        index = end
    return active[-1] if len(active) % 2 == 1 else None


def negation_after(text: str, end: int) -> str | None:
    """A negator right after a phrase that says the phrase does not happen (八折给不了, 赠品也不送了)."""
    limit = clause_end(text, end)
    index = end
    while index < limit and index - end <= POST_NEGATION_GAP:
        if _SCOPE_END.match(text, index) is not None and not text.startswith("就是", index):
            return None
        found = negator_at(text, index) if text[index] in NEGATOR_CHARS else None
        if found is not None:
            word, after = found
            if word in NECESSITY_NEGATORS:
                return None
            tail = [ch for ch in text[after:limit] if ch.isalnum() and ch not in _PARTICLES]
            # 赠品也不送了, 八折给不了, 退款是不可能的: nothing, or a verb of giving, after the negator. Any other
            # verb is what the clause denies (活动价不能改 denies the change, not the promotional price).
            if len(tail) <= POST_NEGATION_TAIL and (not tail or tail[0] in _PROVIDING) and not _rhetorical_question(text, index):
                return word
            return None
        index += 1
    return None


def negation_of(
    text: str, start: int, end: int, breaks: frozenset[int] = frozenset(), skip: tuple[tuple[int, int], ...] = (),
) -> str | None:
    """The negator that denies the phrase at [start, end), before or after it in its clause, or None."""
    low = clause_start(text, start)
    if breaks:
        # White space the normaliser removed also ends a clause here: "未穿 非质量问题" lists two things.
        low = max([low, *(mark for mark in breaks if mark <= start)])
    before = negation_before(text, start, low, skip)
    if before is not None:
        return before
    return negation_after(text, end)


def is_negated(text: str, start: int, breaks: frozenset[int] = frozenset(), end: int | None = None) -> bool:
    """True when a negator in the same clause denies what starts at `start` (see the module docstring)."""
    low = clause_start(text, start)
    if breaks:
        low = max([low, *(mark for mark in breaks if mark <= start)])
    if negation_before(text, start, low) is not None:
        return True
    return end is not None and negation_after(text, end) is not None
