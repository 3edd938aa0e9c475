"""Checks that catch replies written to game the rubric rather than to help the buyer."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from .common_chars import COMMON_CHARS
from .text import BOUNDARY_CHARS, content_only, normalise

_SEGMENT_SPLIT = re.compile("[" + re.escape(BOUNDARY_CHARS) + "]+")

COPY_RUN = 4  # a run this long that also stands in the buyer's message counts as copied
COPIED_RATIO_LIMIT = 0.6
TOO_SHORT_CHARS = 8
OFF_TOPIC_OVERLAP = 0.12
GIBBERISH_MIN_CHARS = 8
GIBBERISH_DISTINCT_RATIO = 0.3
GIBBERISH_COMMON_RATIO = 0.5
GIBBERISH_CJK_RATIO = 0.3
# Measured on the bank: keyword salads have other_ratio 0 and every segment a keyword segment; model answers
# and their halves have other_ratio >= 0.17 and at most two thirds keyword segments.
STUFFING_MIN_COVERAGE = 0.35
STUFFING_OTHER_RATIO = 0.1
STUFFING_MIN_SEGMENTS = 3
STUFFING_SEGMENT_SHARE = 0.75
STUFFING_SEGMENT_SLACK = 1  # uncovered, non-glue characters a keyword segment may hold

# Characters that glue a real sentence together; a list of keywords has almost none outside its keywords.
FUNCTION_CHARS = frozenset("的了吗呢吧哦呀啊啦哈嘛噢您你我们他她它是在有和与就也都还会要可以能把被给让对这那个些下很太更最再又才已经为所因如果但而且然后着过地得呗哟亲")
# Character classes instead of per-character loops: counting through the regex engine is many times faster.
_FUNCTION = re.compile("[" + "".join(sorted(FUNCTION_CHARS)) + "]")


_NOT_COMMON = re.compile("[^" + "".join(sorted(COMMON_CHARS)) + "]")


@dataclass(frozen=True, slots=True)
class BuyerRuns:
    """The buyer's message cut into overlapping runs of COPY_RUN characters, and a regex finding any of them."""

    grams: frozenset[str]
    regex: re.Pattern[str] | None


def buyer_runs(buyer_text: str) -> BuyerRuns:
    """Prepare the buyer's message for the copy check (cache the result per scenario)."""
    text = normalise(buyer_text).text
    grams = frozenset(text[i:i + COPY_RUN] for i in range(len(text) - COPY_RUN + 1))
    pattern = "|".join(sorted(map(re.escape, grams)))
    return BuyerRuns(grams, re.compile(pattern) if grams else None)


def copy_mask(text: str, runs: BuyerRuns) -> bytearray | None:
    """1 for every character of `text` inside a run also found in the buyer's message; None when nothing is."""
    if runs.regex is None:
        return None
    mask: bytearray | None = None
    grams = runs.grams
    position = 0
    while (match := runs.regex.search(text, position)) is not None:
        start = match.start()
        end = start + COPY_RUN
        # Extend while the next overlapping run is copied too.
        while end < len(text) and text[end - COPY_RUN + 1:end + 1] in grams:
            end += 1
        if mask is None:
            mask = bytearray(len(text))
        mask[start:end] = b"\x01" * (end - start)
        position = end - COPY_RUN + 2
    return mask


def copied_ratio(text: str, mask: bytearray | None, content_chars: int) -> float:
    """Share of the reply's content characters that were copied from the buyer."""
    if mask is None or not content_chars:
        return 0.0
    copied = sum(len(content_only(text[start:end])) for start, end in runs(mask))
    return copied / content_chars


def runs(mask: bytearray) -> list[tuple[int, int]]:
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


class GibberishFeatures(NamedTuple):
    """Numbers behind the gibberish verdict."""

    common_ratio: float
    distinct_ratio: float
    cjk_ratio: float

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
    if len(content) < GIBBERISH_MIN_CHARS:
        return None
    # One findall for everything that is not a common Chinese character: a short list for normal replies.
    suspects = _NOT_COMMON.findall(content)
    uncommon = sum(1 for char in suspects if "\u3400" <= char <= "\u9fff")
    cjk = len(content) - len(suspects) + uncommon
    return GibberishFeatures(
        # Replies in this trainer are Chinese; with no Chinese at all there is nothing to judge.
        common_ratio=(cjk - uncommon) / cjk if cjk else 0.0,
        distinct_ratio=len(set(content)) / len(content),
        cjk_ratio=cjk / len(content),
    )


class StuffingFeatures(NamedTuple):
    """Numbers behind the keyword-stuffing verdict."""

    coverage: float  # share of content characters inside some phrase match
    other_ratio: float  # share that is neither phrase nor function word: what real sentences are made of
    function_ratio: float  # share that is function words outside phrase matches
    segments: int
    keyword_segment_share: float  # share of segments that are phrases plus at most glue

    @property
    def is_stuffing(self) -> bool:
        """A list of rubric phrases rather than sentences."""
        if self.coverage < STUFFING_MIN_COVERAGE:
            return False
        return self.other_ratio < STUFFING_OTHER_RATIO or (
            self.segments >= STUFFING_MIN_SEGMENTS and self.keyword_segment_share >= STUFFING_SEGMENT_SHARE
        )


def stuffing_features(
    text: str, covered: list[tuple[int, int]], breaks: frozenset[int], content_chars: int,
) -> StuffingFeatures:
    """Measure how much of the reply is phrase matches, glue words and anything else, segment by segment.

    `covered` holds the merged spans of every phrase match, sorted.
    """
    if not content_chars:
        return StuffingFeatures(0.0, 1.0, 0.0, 0, 0.0)
    # Phrases are (almost always) all content characters, so the span lengths bound the coverage from
    # above; when even that is low, the reply is not stuffed and the costlier measures are skipped.
    if sum(end - start for start, end in covered) < STUFFING_MIN_COVERAGE * content_chars:
        return StuffingFeatures(sum(end - start for start, end in covered) / content_chars, 1.0, 0.0, 0, 0.0)
    masked = _masked(text, covered, breaks)
    uncovered = content_only(masked)  # NUL, standing for covered characters, is not content
    function_chars = len(_FUNCTION.findall(uncovered))
    segments = _SEGMENT_SPLIT.split(masked)
    segment_count = sum(1 for segment in segments if segment)
    coverage = (content_chars - len(uncovered)) / content_chars
    other_ratio = (len(uncovered) - function_chars) / content_chars
    keyword_segments = 0
    # Segments only decide when coverage is high and the other-characters test has not already decided.
    if coverage >= STUFFING_MIN_COVERAGE and other_ratio >= STUFFING_OTHER_RATIO:
        for segment in segments:
            if "\x00" in segment:
                rest = content_only(segment)
                keyword_segments += len(rest) - len(_FUNCTION.findall(rest)) <= STUFFING_SEGMENT_SLACK
    return StuffingFeatures(
        coverage=coverage,
        other_ratio=other_ratio,
        function_ratio=function_chars / content_chars,
        segments=segment_count,
        keyword_segment_share=keyword_segments / segment_count if segment_count else 0.0,
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


def keyword_salad(rubric_or_snapshot: Any, lexicon: Mapping[str, Any] | None = None) -> str:
    """The first phrase or two of every concept a rubric asks to cover, strung together without sentences."""
    if isinstance(rubric_or_snapshot, Mapping):
        criteria = rubric_or_snapshot["criteria"]
        concepts = rubric_or_snapshot["concepts"]

        def phrases_of(key: str) -> list[str]:
            return list(concepts[key]["phrases"])

        covers = [(c["concepts"], c["phrases"]) for c in criteria if c["kind"] == "covers"]
    else:
        if lexicon is None:
            raise ValueError("a Rubric needs the lexicon its concepts come from")

        def phrases_of(key: str) -> list[str]:
            return list(lexicon[key].phrases)

        covers = [(c.concepts, c.phrases) for c in rubric_or_snapshot.criteria if c.kind == "covers"]
    words: list[str] = []
    for concept_keys, phrases in covers:
        for key in concept_keys:
            words.extend(phrases_of(key)[:2])
        words.extend(list(phrases)[:1])
    words = [word.replace("*", "") for word in dict.fromkeys(words)]
    return "".join(word + (" " if i % 2 == 0 else "、") for i, word in enumerate(words)).rstrip(" 、")
