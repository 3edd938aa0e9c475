"""Score a reply against a rubric: snapshot the rubric, compile it once, score many replies."""
from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from . import gaming
from .lexicon import Lexicon
from .text import BOUNDARY_CHARS, GAP_MAX, Normalised, content_only, is_negated, normalise, normalise_phrase
from .types import (
    REVIEW_AUTO_FAIL,
    REVIEW_COPIED_BUYER,
    REVIEW_GIBBERISH,
    REVIEW_KEYWORD_STUFFING,
    REVIEW_MESSAGES,
    REVIEW_OFF_TOPIC,
    REVIEW_RUDE,
    REVIEW_TOO_SHORT,
    Criterion,
    CriterionResult,
    ReviewReason,
    Rubric,
    ScoreResult,
    Span,
)

# Bump when a change to the engine can change a score, so stored scores can be told apart.
ENGINE_VERSION = "2"  # bump whenever the same reply could score differently; it is part of every snapshot

RUDE_CONCEPT = "rude"
INVITATION_CONCEPT = "invitation"
# Every snapshot carries these when the lexicon has them: the rude check and the closing check use them
# whether or not the rubric lists them.
GLOBAL_CONCEPTS = (RUDE_CONCEPT, INVITATION_CONCEPT)
DEFAULT_MAX_EXCLAMATIONS = 1
QUESTION_ENDINGS = "吗呢吧"
TRAILING_PARTICLES = "哦呀啦哈噢~"

# Builds a named tuple without the Python-level __new__ its class generates; used where a reply makes many.
_new_tuple = tuple.__new__
_NEVER = re.compile("(?!)")  # the regex of a unit without phrases
_GAP = "[^" + re.escape(BOUNDARY_CHARS) + "]{0," + str(GAP_MAX) + "}?"


def rubric_snapshot(rubric: Rubric, lexicon: Lexicon) -> dict[str, Any]:
    """A JSON-able, self-contained copy of the rubric with the phrases of every concept it needs."""
    keys: list[str] = []
    for criterion in rubric.criteria:
        for key in criterion.concepts:
            if key not in lexicon:
                raise ValueError(f"criterion {criterion.key!r} refers to unknown concept {key!r}")
            keys.append(key)
    keys.extend(key for key in GLOBAL_CONCEPTS if key in lexicon)
    return {
        "engine_version": ENGINE_VERSION,
        "pass_mark": rubric.pass_mark,
        "criteria": [_criterion_dict(criterion) for criterion in rubric.criteria],
        "concepts": {
            key: {"label": lexicon[key].label, "negatable": lexicon[key].negatable, "phrases": list(lexicon[key].phrases)}
            for key in dict.fromkeys(keys)
        },
    }


def _criterion_dict(criterion: Criterion) -> dict[str, Any]:
    return {
        "key": criterion.key,
        "kind": criterion.kind,
        "label": criterion.label,
        "weight": criterion.weight,
        "concepts": list(criterion.concepts),
        "phrases": list(criterion.phrases),
        "mode": criterion.mode,
        "auto_fail": criterion.auto_fail,
        "check": criterion.check,
        "min": criterion.min,
        "max": criterion.max,
        "feedback": criterion.feedback,
        "praise": criterion.praise,
    }


def rubric_hash(snapshot: Mapping[str, Any]) -> str:
    """sha256 hex digest of the snapshot's canonical JSON."""
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _phrase_pattern(phrase: str) -> str:
    parts = [re.escape(part) for part in normalise_phrase(phrase).split("*") if part]
    return _GAP.join(parts)


@dataclass(frozen=True, slots=True)
class _Unit:
    """Phrases that count as one thing: a concept, or one criterion's own extra phrases."""

    name: str
    negatable: bool
    regex: re.Pattern[str]


def _compile_unit(name: str, phrases: list[str], negatable: bool) -> _Unit:
    # Longest first so the evidence span is the whole phrase when two phrases start at the same place.
    patterns = sorted({p for p in map(_phrase_pattern, phrases) if p}, key=len, reverse=True)
    return _Unit(name, negatable, re.compile("|".join(patterns)) if patterns else _NEVER)


_Spans = list[tuple[int, int]]


class _Hits(NamedTuple):
    """The matches of one unit in one reply, as (start, end) in normalised positions."""

    found: _Spans  # every match: what the stuffing and off-topic checks look at
    unnegated: _Spans  # what avoids criteria, the rude check and the closing check count
    valid: _Spans  # unnegated and not copied from the buyer: what covers criteria count


_NO_HITS = _Hits([], [], [])


class _Spec(NamedTuple):
    """A criterion of the snapshot, unpacked once so scoring reads attributes instead of dict keys."""

    key: str
    label: str
    kind: str
    weight: int
    units: tuple[int, ...]
    mode_all: bool
    auto_fail: bool
    check: str | None
    min: int | None
    max: int | None
    feedback: str
    praise: str


class CompiledRubric:
    """A snapshot prepared for scoring many replies: one regex per concept, caches for the scenario texts."""

    def __init__(self, snapshot: Mapping[str, Any]):
        self.snapshot = snapshot
        self.hash = rubric_hash(snapshot)
        self.pass_mark: int = snapshot["pass_mark"]
        concepts = snapshot["concepts"]
        units: list[_Unit] = []
        unit_index: dict[str, int] = {}

        def unit_for(name: str, phrases: list[str], negatable: bool) -> int:
            if name not in unit_index:
                unit_index[name] = len(units)
                units.append(_compile_unit(name, phrases, negatable))
            return unit_index[name]

        def concept_unit(key: str) -> int:
            return unit_for("concept:" + key, concepts[key]["phrases"], concepts[key]["negatable"])

        self.criteria: list[_Spec] = []
        for criterion in snapshot["criteria"]:
            indexes = []
            for key in criterion.get("concepts") or ():
                if key not in concepts:
                    raise ValueError(f"snapshot lacks concept {key!r} used by criterion {criterion['key']!r}")
                indexes.append(concept_unit(key))
            if criterion.get("phrases"):
                indexes.append(unit_for("phrases:" + criterion["key"], criterion["phrases"], True))
            self.criteria.append(_Spec(
                key=criterion["key"], label=criterion["label"], kind=criterion["kind"], weight=criterion["weight"],
                units=tuple(indexes), mode_all=criterion.get("mode") == "all",
                auto_fail=bool(criterion.get("auto_fail")), check=criterion.get("check"),
                min=criterion.get("min"), max=criterion.get("max"),
                feedback=criterion.get("feedback") or "", praise=criterion.get("praise") or "",
            ))
        self.rude_unit = concept_unit(RUDE_CONCEPT) if RUDE_CONCEPT in concepts else None
        # Only the closing check reads the invitation concept; a rubric without one need not scan for it.
        wants_invitation = any(c.check == "closing_invitation" for c in self.criteria)
        self.invitation_unit = (
            concept_unit(INVITATION_CONCEPT) if wants_invitation and INVITATION_CONCEPT in concepts else None
        )
        self.covers_units = tuple(sorted({i for c in self.criteria if c.kind == "covers" for i in c.units}))
        self.units = tuple(units)
        self._unit_regexes = tuple((unit.regex, unit.negatable) for unit in units)
        self.total_weight = sum(c.weight for c in self.criteria) or 1
        self._buyer_runs: dict[str, gaming.BuyerRuns] = {}
        self._topic_bigrams: dict[str, frozenset[str]] = {}

    def score(self, reply: str, *, buyer_text: str = "", topic_text: str = "") -> ScoreResult:
        """Score one reply; buyer_text is the buyer's turns, topic_text everything the scenario is about."""
        norm = normalise(reply)
        text = norm.text
        content = content_only(text)
        mask = gaming.copy_mask(text, self._cached(self._buyer_runs, buyer_text, gaming.buyer_runs)) if buyer_text else None
        hits = _scan_all(self._unit_regexes, text, mask, norm.breaks)

        results: list[CriterionResult] = []
        earned_total = 0.0
        auto_fail_labels: list[str] = []
        unmoved = norm.offsets is None
        for spec in self.criteria:
            kind = spec.kind
            weight = spec.weight
            if kind == "covers":
                if len(spec.units) == 1:  # the usual case
                    spans = hits[spec.units[0]].valid
                    units_found = 1 if spans else 0
                else:
                    spans = []
                    units_found = 0
                    for i in spec.units:
                        valid = hits[i].valid
                        if valid:
                            units_found += 1
                            spans += valid
                if spec.mode_all:
                    earned = weight * units_found / len(spec.units) if spec.units else 0.0
                    met = units_found == len(spec.units) and units_found > 0
                else:
                    met = units_found > 0
                    earned = float(weight) if met else 0.0
            elif kind == "avoids":
                # Copied or not, offending words are in the reply the buyer would read.
                spans = [span for i in spec.units for span in hits[i].unnegated]
                met = not spans
                earned = float(weight) if met else 0.0
                if not met and spec.auto_fail:
                    auto_fail_labels.append(spec.label)
            else:
                met, spans = self._form(spec, text, len(content), hits)
                earned = float(weight) if met else 0.0
            earned_total += earned
            if not spans:
                evidence: tuple[Span, ...] = ()
            elif unmoved and len(spans) == 1:  # the usual case: one match, nothing moved
                evidence = (_new_tuple(Span, spans[0]),)
            else:
                evidence = _evidence(norm, spans)
            results.append(_new_tuple(CriterionResult, (
                spec.key, spec.label, kind, earned, weight, met, evidence, spec.praise if met else spec.feedback,
            )))

        total = math.floor(100 * earned_total / self.total_weight + 0.5)
        reasons, stats = self._review(norm, content, mask, hits, topic_text)
        reasons.extend(
            ReviewReason(REVIEW_AUTO_FAIL, REVIEW_MESSAGES[REVIEW_AUTO_FAIL].format(label=label))
            for label in auto_fail_labels
        )
        if reasons:
            total = min(total, self.pass_mark - 1)
        total = max(0, min(100, total))
        return ScoreResult(
            total=total,
            passed=not reasons and total >= self.pass_mark,
            needs_review=bool(reasons),
            review_reasons=tuple(reasons),
            criteria=tuple(results),
            stats=stats,
        )

    @staticmethod
    def _cached(cache: dict[str, Any], key: str, build: Any) -> Any:
        value = cache.get(key)
        if value is None:
            if len(cache) > 256:  # scenario texts repeat; a bounded cache is plenty
                cache.clear()
            value = cache[key] = build(key)
        return value

    def _form(
        self, spec: _Spec, text: str, content_chars: int, hits: list[_Hits],
    ) -> tuple[bool, list[tuple[int, int]]]:
        check = spec.check
        if check == "length":
            low = spec.min
            high = spec.max
            return (low is None or content_chars >= low) and (high is None or content_chars <= high), []
        if check == "exclamations":
            limit = DEFAULT_MAX_EXCLAMATIONS if spec.max is None else spec.max
            if text.count("!") <= limit:
                return True, []
            return False, [(i, i + 1) for i, char in enumerate(text) if char == "!"]
        if check == "polite_address":
            for word in ("亲", "您"):
                index = text.find(word)
                if index >= 0:
                    return True, [(index, index + 1)]
            return False, []
        # closing_invitation
        question = _last_clause_question(text)
        if question is not None:
            return True, [question]
        if self.invitation_unit is not None:
            tail = len(text) * 2 // 3
            late = [span for span in hits[self.invitation_unit].unnegated if span[0] >= tail]
            if late:
                return True, late
        return False, []

    def _review(
        self, norm: Normalised, content: str, mask: bytearray | None, hits: list[_Hits], topic_text: str,
    ) -> tuple[list[ReviewReason], dict[str, Any]]:
        text = norm.text
        content_chars = len(content)
        reasons: list[str] = []
        if content_chars < gaming.TOO_SHORT_CHARS:
            reasons.append(REVIEW_TOO_SHORT)
        copied = gaming.copied_ratio(text, mask, content_chars)
        if copied >= gaming.COPIED_RATIO_LIMIT:
            reasons.append(REVIEW_COPIED_BUYER)
        gibberish = gaming.gibberish_features(content)
        if gibberish is not None and gibberish.is_gibberish:
            reasons.append(REVIEW_GIBBERISH)

        if copied:
            # Judge the reply's own words: pasting the buyer's sentences in front of a keyword list does not
            # turn the list into sentences. Copied text becomes clause breaks, keeping every position.
            own = gaming.without_copied(text, mask)
            own_chars = len(content_only(own))
            covered = _merge([
                span for unit_hits in hits for span in unit_hits.found if mask.find(0, span[0], span[1]) != -1
            ])
            stuffing = gaming.stuffing_features(own, covered, norm.breaks, own_chars)
        else:
            own_chars = content_chars
            covered = _merge([span for unit_hits in hits for span in unit_hits.found])
            stuffing = gaming.stuffing_features(text, covered, norm.breaks, content_chars)
        if own_chars >= gaming.TOO_SHORT_CHARS and stuffing.is_stuffing:
            reasons.append(REVIEW_KEYWORD_STUFFING)

        overlap = None
        # Any phrase of a covers criterion, even negated or copied, shows the reply is about the scenario.
        if topic_text and not any(hits[i].found for i in self.covers_units):
            overlap = gaming.topic_overlap(content, self._cached(self._topic_bigrams, topic_text, gaming.topic_bigrams))
            if overlap < gaming.OFF_TOPIC_OVERLAP:
                reasons.append(REVIEW_OFF_TOPIC)

        if self.rude_unit is not None and hits[self.rude_unit].unnegated:
            reasons.append(REVIEW_RUDE)
        # Raw floats: ScoreResult.to_dict rounds them for storage and display.
        stats: dict[str, Any] = {
            "content_chars": content_chars,
            "exclamations": text.count("!"),
            "copied_ratio": copied,
            "common_ratio": None if gibberish is None else gibberish.common_ratio,
            "distinct_ratio": None if gibberish is None else gibberish.distinct_ratio,
            "keyword_coverage": stuffing.coverage,
            "other_ratio": stuffing.other_ratio,
            "function_ratio": stuffing.function_ratio,
            "segments": stuffing.segments,
            "keyword_segment_share": stuffing.keyword_segment_share,
            "topic_overlap": overlap,
        }
        return [ReviewReason(code, REVIEW_MESSAGES[code]) for code in reasons], stats


def _scan_all(
    units: tuple[tuple[re.Pattern[str], bool], ...], text: str, mask: bytearray | None, breaks: frozenset[int],
) -> list[_Hits]:
    """Every match of every unit's phrases, sorted into found, unnegated and valid."""
    hits = []
    for regex, negatable in units:
        first = regex.search(text)
        if first is None:  # most units: one C call, no iterator
            hits.append(_NO_HITS)
            continue
        found = [first.span()]
        found += [match.span() for match in regex.finditer(text, first.end())]
        unnegated = [span for span in found if not is_negated(text, span[0], breaks)] if negatable else found
        if mask is None:
            hits.append(_new_tuple(_Hits, (found, unnegated, unnegated)))
        else:
            # A match lying wholly inside text copied from the buyer earns nothing.
            valid = [span for span in unnegated if mask.find(0, span[0], span[1]) != -1]
            hits.append(_new_tuple(_Hits, (found, unnegated, valid)))
    return hits


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with overlapping ones joined (touching ones stay apart)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _last_clause_question(text: str) -> tuple[int, int] | None:
    """Span of the question mark or question particle ending the reply, if it ends with a question."""
    end = len(text)
    while end and text[end - 1] != "?" and not text[end - 1].isalnum():
        end -= 1
    if end and text[end - 1] == "?":
        return end - 1, end
    while end and text[end - 1] in TRAILING_PARTICLES:
        end -= 1
    if end and text[end - 1] in QUESTION_ENDINGS:
        return end - 1, end
    return None


def _evidence(norm: Normalised, spans: list[tuple[int, int]]) -> tuple[Span, ...]:
    if len(spans) > 1:
        spans = _merge(spans)
    if norm.offsets is None:
        return tuple([_new_tuple(Span, span) for span in spans])
    return tuple([_new_tuple(Span, norm.original_span(start, end)) for start, end in spans])


_compiled_by_hash: dict[str, CompiledRubric] = {}


def compile_snapshot(snapshot: Mapping[str, Any]) -> CompiledRubric:
    """Compile a snapshot, reusing an earlier compilation of the same content."""
    key = rubric_hash(snapshot)
    compiled = _compiled_by_hash.get(key)
    if compiled is None:
        if len(_compiled_by_hash) > 1024:
            _compiled_by_hash.clear()
        compiled = _compiled_by_hash[key] = CompiledRubric(snapshot)
    return compiled


@lru_cache(maxsize=512)
def _compiled_for(rubric: Rubric, lexicon: Lexicon) -> CompiledRubric:
    return compile_snapshot(rubric_snapshot(rubric, lexicon))


def score_reply(
    reply: str, rubric: Rubric, lexicon: Lexicon, *, buyer_text: str = "", topic_text: str = "",
) -> ScoreResult:
    """Score a reply against a rubric with the concepts of a lexicon."""
    return _compiled_for(rubric, lexicon).score(reply, buyer_text=buyer_text, topic_text=topic_text)
