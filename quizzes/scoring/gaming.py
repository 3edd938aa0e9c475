"""Checks that catch replies written to game the rubric rather than to help the buyer."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from .common_chars import COMMON_CHARS
from .text import BOUNDARY_CHARS, content_only, normalise
from .words import FILLER_WORDS, tag, tagged_spans

COPY_RUN = 4  # a run this long that also stands in the buyer's message counts as copied
COPIED_RATIO_LIMIT = 0.6
TOO_SHORT_CHARS = 8
OFF_TOPIC_OVERLAP = 0.12
GIBBERISH_MIN_CHARS = 8
GIBBERISH_DISTINCT_RATIO = 0.3
GIBBERISH_COMMON_RATIO = 0.5
GIBBERISH_CJK_RATIO = 0.3
# Measured on the bank (tools/check_bank.py and variations of its probes): keyword salads have
# other_ratio 0 and nearly every segment a keyword segment; model answers, their halves and thirds have
# other_ratio >= 0.12 and at most three quarters keyword segments.
STUFFING_MIN_COVERAGE = 0.35
STUFFING_OTHER_RATIO = 0.1
STUFFING_MIN_SEGMENTS = 3
STUFFING_SEGMENT_SHARE = 0.8
STUFFING_SEGMENT_SLACK = 1  # uncovered, non-glue characters a keyword segment may hold
# Structure (any rubric, any phrases): pieces between separators that hold no glue word and are short are
# fragments, as keyword lists are; nouns the scenario and the lexicon never use are unrelated, as padding
# and replies about something else are.
FRAGMENT_MAX_CHARS = 8
# A list is stuffing when nearly all of its pieces are fragments, or most of many pieces are: a terse but
# real reply has a few short pieces ("图是实拍的,没修") among clauses.
FRAGMENT_MIN_PIECES = 4
FRAGMENT_SHARE = 0.8
FRAGMENT_MANY_PIECES = 6
FRAGMENT_MANY_SHARE = 0.6
# The coverage measure judges one-piece replies only from this length: shorter, they are terse sentences.
STUFFING_MIN_CHARS = 15
# A piece this short is a fragment even with a glue word in it (理解您, 好的).
FRAGMENT_TINY_CHARS = 4
UNRELATED_MIN_NOUNS = 3
PADDED_UNRELATED_SHARE = 0.6
PADDED_MIN_NOUNS = 2
PADDED_PIECE_CHARS = 10  # padding keeps each piece short: a keyword and a word or two around it
OFF_TOPIC_FLUENT_CHARS = 15
OFF_TOPIC_UNRELATED = 0.6  # with at most OFF_TOPIC_MET_SHARE of the covers weight met
OFF_TOPIC_MET_SHARE = 0.34
OFF_TOPIC_UNRELATED_NONE_MET = 0.3  # with nothing met at all
OFF_TOPIC_ALL_UNRELATED = 0.8  # with at most half the covers weight met: a greeting, then another subject
OFF_TOPIC_HALF_MET = 0.5

# Characters that glue a real sentence together; a list of keywords has almost none outside its keywords.
FUNCTION_CHARS = frozenset("的了吗呢吧哦呀啊啦哈嘛噢您你我们他她它是在有和与就也都还会要可以能把被给让对这那个些下很太更最再又才已经为所因如果但而且然后着过地得呗哟亲")

# Character classes instead of per-character loops: counting through the regex engine is many times faster.
_FUNCTION = re.compile("[" + "".join(sorted(FUNCTION_CHARS)) + "]")
_NOT_COMMON = re.compile("[^" + "".join(sorted(COMMON_CHARS)) + "]")
_NOT_CJK = re.compile("[^\u3400-\u4dbf\u4e00-\u9fff]")
_DIGITS = re.compile("[0-9]")
_SEGMENT_SPLIT = re.compile("[" + re.escape(BOUNDARY_CHARS) + "]+")
# Neither content, nor a clause boundary, nor the NUL that marks covered characters.
_NOISE = re.compile("[^\\w\x00" + re.escape(BOUNDARY_CHARS) + "]|_")


@dataclass(frozen=True, slots=True)
class BuyerRuns:
    """The buyer's message prepared for the copy check: its COPY_RUN-character runs and a regex for them."""

    text: str
    first: dict[str, int]
    regex: re.Pattern[str] | None


def buyer_runs(buyer_text: str) -> BuyerRuns:
    """Prepare the buyer's message for the copy check (cache the result per scenario)."""
    text = normalise(buyer_text).text
    first: dict[str, int] = {}
    for i in range(len(text) - COPY_RUN + 1):
        first.setdefault(text[i:i + COPY_RUN], i)
    pattern = "|".join(sorted(map(re.escape, first)))
    return BuyerRuns(text, first, re.compile(pattern) if first else None)


def copy_mask(text: str, runs: BuyerRuns) -> bytearray | None:
    """1 for every character of `text` inside a run also found in the buyer's message; None when nothing is."""
    if runs.regex is None:
        return None
    mask: bytearray | None = None
    buyer = runs.text
    position = 0
    while (match := runs.regex.search(text, position)) is not None:
        start = match.start()
        length = _common_length(text, start, buyer, runs.first[match.group()])
        if mask is None:
            mask = bytearray(len(text))
        mask[start:start + length] = b"\x01" * length
        # A copied run may go on from another place in the buyer's message: look again just before its end.
        position = start + length - COPY_RUN + 2
    return mask


def _common_length(text: str, start: int, buyer: str, origin: int) -> int:
    """How far text[start:] and buyer[origin:] agree (at least COPY_RUN), by galloping slice comparisons."""
    good = COPY_RUN
    limit = min(len(text) - start, len(buyer) - origin)
    step = COPY_RUN
    while good < limit:
        probe = min(good + step, limit)
        if text[start + good:start + probe] == buyer[origin + good:origin + probe]:
            good = probe
            step *= 2
        elif step > 1:
            step //= 2
        else:
            break
    return good


def copied_ratio(text: str, mask: bytearray | None, content_chars: int) -> float:
    """Share of the reply's content characters that were copied from the buyer."""
    if mask is None or not content_chars:
        return 0.0
    copied = sum(len(content_only(text[start:end])) for start, end in mask_runs(mask))
    return copied / content_chars


def without_copied(text: str, mask: bytearray) -> str:
    """The text with every copied character replaced by a newline (a clause break), positions unchanged."""
    pieces = []
    position = 0
    for start, end in mask_runs(mask):
        pieces.append(text[position:start])
        pieces.append("\n" * (end - start))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def mask_runs(mask: bytearray) -> list[tuple[int, int]]:
    """(start, end) of every run of non-zero bytes."""
    runs = []
    start = mask.find(1)
    while start >= 0:
        end = mask.find(0, start)
        end = len(mask) if end < 0 else end
        runs.append((start, end))
        start = mask.find(1, end)
    return runs


def topic_bigrams(topic_text: str) -> frozenset[str]:
    """Character bigrams of the scenario's text, for the off-topic check."""
    content = content_only(normalise(topic_text).text)
    return frozenset(content[i:i + 2] for i in range(len(content) - 1))


def topic_overlap(content: str, bigrams: frozenset[str]) -> float:
    """Share of the reply's bigrams that also occur in the scenario."""
    own = {content[i:i + 2] for i in range(len(content) - 1)}
    if not own:
        return 0.0
    return len(own & bigrams) / len(own)


def topic_words(topic_text: str) -> frozenset[str]:
    """The words of the scenario's texts, for telling related words from unrelated ones."""
    return frozenset(word for word, _ in tag(normalise(topic_text).text) if len(word) > 1 or "\u4e00" <= word <= "\u9fff")


class StructureFeatures(NamedTuple):
    """Numbers behind the structural stuffing verdict and the unrelated-words measure."""

    fragments: int  # pieces (between separators, of two or more content characters)
    fragment_share: float  # share of them with no glue word, short: keywords rather than clauses
    unrelated_share: float  # share of the reply's own nouns the scenario never uses
    padded: bool  # most pieces with a phrase match also carry unrelated nouns

    @property
    def is_stuffing(self) -> bool:
        """Keywords in a list, or keywords padded with unrelated words."""
        if self.fragments >= FRAGMENT_MIN_PIECES and self.fragment_share >= FRAGMENT_SHARE:
            return True
        if self.fragments >= FRAGMENT_MANY_PIECES and self.fragment_share >= FRAGMENT_MANY_SHARE:
            return True
        return self.padded


def _pieces(text: str, breaks: frozenset[int]) -> list[tuple[int, int]]:
    """(start, end) of the stretches between clause boundaries and removed white space."""
    pieces = []
    start = 0
    for i, char in enumerate(text):
        if i in breaks and i > start:
            pieces.append((start, i))
            start = i
        if char in BOUNDARY_CHARS:
            if i > start:
                pieces.append((start, i))
            start = i + 1
    if start < len(text):
        pieces.append((start, len(text)))
    return pieces


def structure_features(
    text: str, breaks: frozenset[int], covered: list[tuple[int, int]], related: frozenset[str], *,
    need_nouns: bool = True,
) -> StructureFeatures:
    """How much of the reply is short glue-less pieces, and how much of it talks of unrelated things.

    Nouns are tagged only when the padding verdict could need them (short pieces) or the caller asks.
    """
    pieces = [(start, end) for start, end in _pieces(text, breaks) if len(content_only(text[start:end])) >= 2]
    counted = len(pieces)
    fragments = piece_chars = 0
    for start, end in pieces:
        piece = text[start:end]
        size = len(content_only(piece))
        piece_chars += size
        if size <= FRAGMENT_TINY_CHARS or (size <= FRAGMENT_MAX_CHARS and _FUNCTION.search(piece) is None):
            fragments += 1
    fragment_share = fragments / counted if counted else 0.0
    matched = [(s, e) for s, e in pieces if any(a < e and s < b for a, b in covered)] if covered else []
    # Padding keeps pieces short and puts a keyword in nearly every one of them.
    maybe_padded = (
        len(matched) >= 3 and piece_chars <= PADDED_PIECE_CHARS * counted
        and len(matched) >= PADDED_UNRELATED_SHARE * counted
    )
    if not related or not (need_nouns or maybe_padded):
        return StructureFeatures(counted, fragment_share, 0.0, False)
    nouns = unrelated = 0
    unrelated_at: list[int] = []
    for word, pos, word_start, word_end in tagged_spans(text):
        if not pos.startswith("n") or len(word) < 2 or word in FILLER_WORDS:
            continue
        if any(s < word_end and word_start < e for s, e in covered):
            continue  # the phrase match itself
        nouns += 1
        if word not in related:
            unrelated += 1
            unrelated_at.append(word_start)
    unrelated_share = unrelated / nouns if nouns >= UNRELATED_MIN_NOUNS else 0.0
    padded = False
    # Padding is judged on fewer nouns: a short list of keywords each with a stray word is padding.
    if maybe_padded and unrelated >= PADDED_MIN_NOUNS and unrelated / nouns >= PADDED_UNRELATED_SHARE:
        with_unrelated = sum(1 for s, e in matched if any(s <= u < e for u in unrelated_at))
        padded = len(matched) >= 3 and with_unrelated / len(matched) >= PADDED_UNRELATED_SHARE
    return StructureFeatures(counted, fragment_share, unrelated_share, padded)


class GibberishFeatures(NamedTuple):
    """Numbers behind the gibberish verdict."""

    common_ratio: float
    distinct_ratio: float
    cjk_ratio: float  # Chinese characters among letters (digits left out)

    @property
    def is_gibberish(self) -> bool:
        """Random characters, mashed keys or one character over and over."""
        return (
            self.distinct_ratio < GIBBERISH_DISTINCT_RATIO
            or self.common_ratio < GIBBERISH_COMMON_RATIO
            or self.cjk_ratio < GIBBERISH_CJK_RATIO
        )


def gibberish_features(content: str) -> GibberishFeatures | None:
    """Character statistics of the reply's content, or None when it is too short to judge."""
    size = len(content)
    if size < GIBBERISH_MIN_CHARS:
        return None
    # findall on the rare kinds of character: normal replies give short lists.
    not_common = len(_NOT_COMMON.findall(content))
    not_cjk = len(_NOT_CJK.findall(content))
    cjk = size - not_cjk
    letters = size
    if cjk < GIBBERISH_CJK_RATIO * size:  # rare: order numbers and prices are not letters of another script
        letters -= len(_DIGITS.findall(content))
    # Replies in this trainer are Chinese; with no Chinese at all there is nothing to judge.
    common_ratio = (size - not_common) / cjk if cjk else 0.0
    return GibberishFeatures(common_ratio, len(set(content)) / size, cjk / letters if letters else 1.0)


class StuffingFeatures(NamedTuple):
    """Numbers behind the keyword-stuffing verdict; None where the verdict was clear without them."""

    coverage: float  # share of content characters inside some phrase match
    other_ratio: float | None  # share that is neither phrase nor glue word: what real sentences are made of
    function_ratio: float | None  # share that is glue words outside phrase matches
    segments: int | None  # segments holding a phrase or real words; pure glue ("您好") is not counted
    keyword_segment_share: float | None  # share of those that are phrases plus at most glue

    @property
    def is_stuffing(self) -> bool:
        """A list of rubric phrases rather than sentences."""
        if self.coverage < STUFFING_MIN_COVERAGE or self.other_ratio is None:
            return False
        if self.other_ratio < STUFFING_OTHER_RATIO:
            return True
        return (
            self.segments is not None and self.segments >= STUFFING_MIN_SEGMENTS
            and self.keyword_segment_share is not None and self.keyword_segment_share >= STUFFING_SEGMENT_SHARE
        )


def stuffing_features(
    text: str, covered: list[tuple[int, int]], breaks: frozenset[int], content_chars: int,
) -> StuffingFeatures:
    """Measure how much of the reply is phrase matches, glue words and anything else, segment by segment.

    `covered` holds the merged spans of every phrase match, sorted. Measures are taken only as far as
    the verdict needs them, cheapest first.
    """
    if not content_chars:
        return StuffingFeatures(0.0, None, None, None, None)
    covered_text = "".join(text[start:end] for start, end in covered)
    covered_chars = len(content_only(covered_text))
    coverage = covered_chars / content_chars
    if coverage < STUFFING_MIN_COVERAGE:
        return StuffingFeatures(coverage, None, None, None, None)
    function_chars = len(_FUNCTION.findall(text)) - len(_FUNCTION.findall(covered_text))
    other_ratio = (content_chars - covered_chars - function_chars) / content_chars
    function_ratio = function_chars / content_chars
    if other_ratio < STUFFING_OTHER_RATIO:
        return StuffingFeatures(coverage, other_ratio, function_ratio, None, None)
    # Reduce the reply to NUL (covered), clause breaks and "other" characters: glue words, punctuation and
    # emoji go. Each segment is then judged by counting, without a regex per segment.
    reduced = _FUNCTION.sub("", _NOISE.sub("", _masked(text, covered, breaks)))
    keyword_segments = counted = 0
    for segment in _SEGMENT_SPLIT.split(reduced):
        covered_here = segment.count("\x00")
        little = len(segment) - covered_here <= STUFFING_SEGMENT_SLACK
        if covered_here:
            keyword_segments += little
            counted += 1
        elif not little:  # pure glue ("您好", "亲") counts neither way
            counted += 1
    return StuffingFeatures(
        coverage, other_ratio, function_ratio, counted, keyword_segments / counted if counted else 0.0,
    )


def _masked(text: str, covered: list[tuple[int, int]], breaks: frozenset[int]) -> str:
    """The text with covered characters as NUL and a newline where white space was removed."""
    if breaks:
        # Rare (replies with spaces): mark the breaks first, shifting spans past each inserted newline.
        marks = sorted(breaks)
        text = "".join(text[left:right] + "\n" for left, right in zip([0, *marks], marks)) + text[marks[-1]:]
        covered = [
            (start + sum(1 for mark in marks if mark <= start), end + sum(1 for mark in marks if mark < end))
            for start, end in covered
        ]
    pieces = []
    position = 0
    for start, end in covered:
        pieces.append(text[position:start])
        pieces.append("\x00" * (end - start))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)
