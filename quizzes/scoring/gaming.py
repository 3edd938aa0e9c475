"""Checks that catch replies written to game the rubric rather than to help the buyer."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .common_chars import COMMON_CHARS
from .text import BOUNDARY_CHARS, content_only, normalise

COPY_RUN = 4  # a run this long that also stands in the buyer's message counts as copied
COPIED_RATIO_LIMIT = 0.6
TOO_SHORT_CHARS = 8
OFF_TOPIC_OVERLAP = 0.12
GIBBERISH_MIN_CHARS = 8
GIBBERISH_DISTINCT_RATIO = 0.3
GIBBERISH_COMMON_RATIO = 0.5
GIBBERISH_CJK_RATIO = 0.3
STUFFING_MIN_COVERAGE = 0.35
STUFFING_DENSE_COVERAGE = 0.75
STUFFING_FUNCTION_RATIO = 0.1
STUFFING_SEGMENT_SHARE = 0.6
STUFFING_SEGMENT_COVERED = 0.8

# Characters that glue a real sentence together; a list of keywords has almost none outside its keywords.
FUNCTION_CHARS = frozenset("的了吗呢吧哦呀啊啦哈嘛噢您你我们他她它是在有和与就也都还会要可以能把被给让对这那个些下很太更最再又才已经为所因如果但而且然后着过地得呗哟亲")


def buyer_grams(buyer_text: str) -> frozenset[str]:
    """Every run of COPY_RUN normalised characters in the buyer's message."""
    text = normalise(buyer_text).text
    return frozenset(text[i:i + COPY_RUN] for i in range(len(text) - COPY_RUN + 1))


def copy_mask(text: str, grams: frozenset[str]) -> bytearray | None:
    """1 for every character of `text` inside a run also found in the buyer's message; None when nothing is."""
    if not grams:
        return None
    mask: bytearray | None = None
    for i in range(len(text) - COPY_RUN + 1):
        if text[i:i + COPY_RUN] in grams:
            if mask is None:
                mask = bytearray(len(text))
            mask[i:i + COPY_RUN] = b"\x01" * COPY_RUN
    return mask


def copied_ratio(text: str, mask: bytearray | None, content_chars: int) -> float:
    """Share of the reply's content characters that were copied from the buyer."""
    if mask is None or not content_chars:
        return 0.0
    copied = sum(1 for i, char in enumerate(text) if mask[i] and char.isalnum())
    return copied / content_chars


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


@dataclass(frozen=True, slots=True)
class GibberishFeatures:
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
    cjk = [char for char in content if "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"]
    common = sum(1 for char in cjk if char in COMMON_CHARS)
    return GibberishFeatures(
        # Replies in this trainer are Chinese; with no Chinese at all there is nothing to judge.
        common_ratio=common / len(cjk) if cjk else 0.0,
        distinct_ratio=len(set(content)) / len(content),
        cjk_ratio=len(cjk) / len(content),
    )


@dataclass(frozen=True, slots=True)
class StuffingFeatures:
    """Numbers behind the keyword-stuffing verdict."""

    coverage: float  # share of content characters inside some phrase match
    function_ratio: float  # share of content characters that are function words outside phrase matches
    segments: int
    covered_segment_share: float  # share of segments that are (nearly) all phrase

    @property
    def is_stuffing(self) -> bool:
        """A list of rubric phrases rather than sentences."""
        if self.coverage < STUFFING_MIN_COVERAGE:
            return False
        return (
            self.coverage >= STUFFING_DENSE_COVERAGE
            or self.function_ratio < STUFFING_FUNCTION_RATIO
            or (self.segments >= 3 and self.covered_segment_share >= STUFFING_SEGMENT_SHARE)
        )


def stuffing_features(text: str, covered: bytearray, breaks: frozenset[int], content_chars: int) -> StuffingFeatures:
    """Measure how much of the reply is phrase matches and how it is cut into segments."""
    covered_content = 0
    free_function = 0
    segments = 0
    covered_segments = 0
    segment_chars = 0
    segment_covered = 0
    for index, char in enumerate(text):
        if char in BOUNDARY_CHARS or index in breaks:
            if segment_chars:
                segments += 1
                covered_segments += segment_covered >= STUFFING_SEGMENT_COVERED * segment_chars
            segment_chars = segment_covered = 0
            if char in BOUNDARY_CHARS:
                continue
        if not char.isalnum():
            continue
        segment_chars += 1
        if covered[index]:
            covered_content += 1
            segment_covered += 1
        elif char in FUNCTION_CHARS:
            free_function += 1
    if segment_chars:
        segments += 1
        covered_segments += segment_covered >= STUFFING_SEGMENT_COVERED * segment_chars
    if not content_chars:
        return StuffingFeatures(0.0, 0.0, segments, 0.0)
    return StuffingFeatures(
        coverage=covered_content / content_chars,
        function_ratio=free_function / content_chars,
        segments=segments,
        covered_segment_share=covered_segments / segments if segments else 0.0,
    )


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
