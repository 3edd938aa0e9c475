"""Score a reply against a rubric: snapshot the rubric, compile it once, score many replies."""
from __future__ import annotations

import hashlib
import json

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from . import gaming
from .accounting import ACT_ABOUT_PERSON, ACT_CONTACT, ACT_JUDGES, ACT_MOCKS, account_clauses, case_pairs, clause_spans, explained_share, pairs
from .claims import affirmed_denials, contradictions as claim_contradictions, scenario_claims
from .credit import capped_total, curve_total
from .denials import denials, may_deny, reference_verbs
from .facts import FactMismatch, fact_mismatches, fact_sheet, spaced
from .guards import (
    GUARD_BLAME,
    GUARD_CONTEMPT,
    GUARD_INSULT,
    GUARD_MISINFORMATION,
    GUARD_REFUSES_HELP,
    GUARD_RHETORICAL,
    GUARD_SARCASM,
    guard_hits,
)
from .house_rules import compile_rules, house_rules_data
from .lexicon import Lexicon
from .wordlists import word_lists_digest
from .platform_rules import (
    mentioned,
    names_topic,
    RULE_ABSOLUTE,
    RULE_DELIVERY,
    RULE_OFF_PLATFORM,
    RULE_OTHER_BUYER,
    RULE_REVIEW_BRIBE,
    rule_breaks,
    scenario_tokens,
    wrong_identifiers,
)
from .text import BOUNDARY_CHARS, GAP_MAX, Normalised, content_only, negation_of, normalise, normalise_phrase
from .types import (
    CAPPING_REASONS,
    REVIEW_AUTO_FAIL,
    REVIEW_BLAME,
    REVIEW_CONTRADICTS,
    REVIEW_COPIED_BUYER,
    REVIEW_FACT_MISMATCH,
    REVIEW_GIBBERISH,
    REVIEW_ABSOLUTE_CLAIM,
    REVIEW_DELIVERY_PROMISE,
    REVIEW_HIDDEN_CHARACTERS,
    REVIEW_JUDGES_BUYER,
    REVIEW_OFF_PLATFORM,
    REVIEW_OTHER_BUYER,
    REVIEW_REVIEW_BRIBE,
    REVIEW_UNEXPLAINED,
    REVIEW_KEYWORD_STUFFING,
    REVIEW_LOW_CONFIDENCE,
    REVIEW_MESSAGES,
    REVIEW_OFF_TOPIC,
    REVIEW_PASTED,
    REVIEW_REFUSES_HELP,
    REVIEW_RHETORICAL,
    REVIEW_RUDE,
    REVIEW_SARCASM,
    REVIEW_TOO_SHORT,
    Criterion,
    CriterionResult,
    ReviewReason,
    Rubric,
    ScoreResult,
    Span,
    TypingSignals,
)
from .words import alternatives, phrase_words, unknown_share

ENGINE_VERSION = "4"  # bump when the engine's code (not its data files) can score a reply differently

RUDE_CONCEPT = "rude"
INVITATION_CONCEPT = "invitation"
# Every snapshot carries these when the lexicon has them: the rude check and the closing check use them
# whether or not the rubric lists them.
ALLOW_CONCEPT = "allowed_terms"
GLOBAL_CONCEPTS = (RUDE_CONCEPT, INVITATION_CONCEPT, ALLOW_CONCEPT)
DEFAULT_MAX_EXCLAMATIONS = 1
QUESTION_ENDINGS = "吗呢吧"
TRAILING_PARTICLES = "哦呀啦哈噢~"
GUARD_REASONS = {
    GUARD_INSULT: REVIEW_RUDE, GUARD_CONTEMPT: REVIEW_RUDE, GUARD_SARCASM: REVIEW_SARCASM,
    GUARD_BLAME: REVIEW_BLAME, GUARD_RHETORICAL: REVIEW_RHETORICAL, GUARD_REFUSES_HELP: REVIEW_REFUSES_HELP,
    GUARD_MISINFORMATION: REVIEW_FACT_MISMATCH,
}
# Shown on a met criterion of a capped reply, with the capping reason's own message.
CAPPED_FEEDBACK = "这一项做到了,但整条回复被封顶,不计入通过:{reason}"
RULE_REASONS = {
    RULE_DELIVERY: REVIEW_DELIVERY_PROMISE, RULE_ABSOLUTE: REVIEW_ABSOLUTE_CLAIM, RULE_OFF_PLATFORM: REVIEW_OFF_PLATFORM,
    RULE_REVIEW_BRIBE: REVIEW_REVIEW_BRIBE, RULE_OTHER_BUYER: REVIEW_OTHER_BUYER,
}
# What an unexplained clause may do that sends the reply to a person: the scorer cannot tell a right
# number, account or link from a wrong one it has no fact for. (Promises are the platform rules' business;
# an unexplained clause that only addresses the buyer or denies is shown, and lowers the confidence.)
ROUTED_ACTS = frozenset({ACT_CONTACT})
# Routing: a total this close to the pass mark is one a supervisor should look at first.
BORDERLINE_POINTS = 5
LOW_CONFIDENCE_BELOW = 0.5
# A pass whose clauses are all explained keeps its confidence; one explained below about a third goes to a person.
PASS_CONFIDENCE_FLOOR = 0.25
# Nobody types Chinese this fast for long (pinyin input, 60 characters a minute is the job's target).
MAX_CHARS_PER_MINUTE = 240
PASTED_SHARE = 0.6
UNKNOWN_MIN_WORDS = 5
UNKNOWN_WORDS_SHARE = 0.3
PASTE_MIN_CHARS = 20

# Builds a named tuple without the Python-level __new__ its class generates; used where a reply makes many.
_new_tuple = tuple.__new__
_NEVER = re.compile("(?!)")  # the regex of a unit without phrases
_GAP = "[^" + re.escape(BOUNDARY_CHARS) + "]{0," + str(GAP_MAX) + "}?"
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
_LETTER = re.compile(r"[^\W\d_]")


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
        # The closed word classes every rubric is read with travel in full (the engine compiles them
        # from here); the module-level word lists are recorded by their digest. Either edited, the
        # snapshot's hash changes and load_bank makes a new rubric version.
        "house_rules": house_rules_data(),
        "word_lists_digest": word_lists_digest(),
        "pass_mark": rubric.pass_mark,
        "facts": list(rubric.facts),
        "criteria": [_criterion_dict(criterion) for criterion in rubric.criteria],
        "concepts": {
            key: {
                "label": lexicon[key].label, "negatable": lexicon[key].negatable, "phrases": list(lexicon[key].phrases),
                "contrary": list(lexicon[key].contrary),
            }
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


def _alternation(patterns: set[str]) -> re.Pattern[str]:
    # Longest first so the evidence span is the whole phrase when two phrases start at the same place.
    ordered = sorted((p for p in patterns if p), key=len, reverse=True)
    return re.compile("|".join(ordered)) if ordered else _NEVER


@dataclass(frozen=True, slots=True)
class _Unit:
    """Phrases that count as one thing: a concept, or one criterion's own extra phrases."""

    name: str
    negatable: bool
    regex: re.Pattern[str]
    # The word forms of its multi-word phrases: each a tuple of word choices, all to stand in one clause.
    word_phrases: tuple[tuple[frozenset[str], ...], ...]
    contrary: re.Pattern[str]
    word_slots: dict[str, tuple[int, ...]]  # word → the phrases whose key (most specific) word it can be


def _compile_unit(name: str, phrases: list[str], negatable: bool, *, word_forms: bool, contrary: list[str]) -> _Unit:
    regex = _alternation(set(map(_phrase_pattern, phrases)))
    word_phrases: list[tuple[frozenset[str], ...]] = []
    if word_forms:
        for phrase in phrases:
            words = phrase_words(normalise_phrase(phrase))
            if words is None:
                continue
            choices = tuple(frozenset(alternatives(word)) for word in words)
            word_phrases.append(choices)
    unique = tuple(dict.fromkeys(word_phrases))
    uses: dict[str, int] = {}
    for choices in unique:
        for choice in choices:
            for word in choice:
                uses[word] = uses.get(word, 0) + 1
    slots: dict[str, list[int]] = {}
    for phrase_index, choices in enumerate(unique):
        key = min(choices, key=lambda choice: (sum(uses[w] for w in choice), sorted(choice)))
        for word in key:
            slots.setdefault(word, []).append(phrase_index)
    return _Unit(
        name, negatable, regex, unique, _alternation(set(map(_phrase_pattern, contrary))),
        {word: tuple(places) for word, places in slots.items()},
    )


_Spans = list[tuple[int, int]]


class _Hits(NamedTuple):
    """The matches of one unit in one reply, as (start, end) in normalised positions."""

    found: _Spans  # every match: what the stuffing and off-topic checks look at
    unnegated: _Spans  # what avoids criteria, the rude check and the closing check count
    valid: _Spans  # unnegated and not copied from the buyer: what covers criteria count
    negated: list[tuple[int, int, str]]  # matches a negator took back, with the negator
    contrary: _Spans  # phrases saying the opposite of the concept


_NO_HITS = _Hits([], [], [], [], [])


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


class _Reading(NamedTuple):
    """A reply prepared for scoring (stage 1)."""

    norm: Normalised
    text: str  # normalised
    content: str  # letters and digits only
    mask: bytearray | None  # 1 where a character was copied from the buyer
    clause_ids: list[int]  # per position, the clause it is in (matching's clauses, 、 included)
    clauses: list[tuple[int, int]]  # the clauses accounted for, checked and ruled on
    hits: list[_Hits]


class _Scene(NamedTuple):
    """What a scenario states, prepared once per scenario for every check."""

    statements: str  # context, facts and model answer, normalised, without the buyer's words
    sheet: Any  # facts.FactSheet, or None when the scenario states nothing to check against
    claims: Any  # claims.ScenarioClaims, or None likewise
    tokens: frozenset[str]  # its identifiers and handles
    facts_pairs: frozenset[str]  # character pairs a clause restating the scenario shares
    case_pairs: frozenset[str]  # content pairs of the whole case, the buyer's words and the rubric included
    buyer_runs: gaming.BuyerRuns | None  # the buyer's message prepared for the copy check


class _Points(NamedTuple):
    """The criteria's points and what they found on the way (stage 3)."""

    results: list[CriterionResult]
    earned: float
    credited: list[tuple[int, int]]  # spans a criterion gave points for
    covers_met: int
    covers_earned: float
    contradictions: list[tuple[int, int]]  # contrary phrases, and covers phrases only found negated
    auto_fail_labels: list[str]
    diagnostics: list[str]


_BOUNDARY = re.compile("[" + re.escape(BOUNDARY_CHARS) + "]")


def _clause_ids(text: str, breaks: frozenset[int]) -> list[int]:
    """For every position, the number of the clause it is in (boundaries and removed white space split)."""
    # Where a new clause starts: after each boundary character, and at each removed run of white space.
    starts = sorted({m.end() for m in _BOUNDARY.finditer(text)} | set(breaks))
    ids: list[int] = []
    previous = 0
    for number, start in enumerate(starts):
        ids.extend([number] * (start - previous))
        previous = start
    ids.extend([len(starts)] * (len(text) - previous))
    return ids


class CompiledRubric:
    """A snapshot prepared for scoring many replies: one regex per concept, caches for the scenario texts."""

    def __init__(self, snapshot: Mapping[str, Any]):
        self.snapshot = snapshot
        self.hash = rubric_hash(snapshot)
        self.pass_mark: int = snapshot["pass_mark"]
        concepts = snapshot["concepts"]
        units: list[_Unit] = []
        unit_index: dict[str, int] = {}
        covers_concepts = {
            key for criterion in snapshot["criteria"] if criterion["kind"] == "covers" for key in criterion.get("concepts") or ()
        }

        def unit_for(name: str, phrases: list[str], negatable: bool, *, word_forms: bool, contrary: list[str]) -> int:
            if name not in unit_index:
                unit_index[name] = len(units)
                units.append(_compile_unit(name, phrases, negatable, word_forms=word_forms, contrary=contrary))
            return unit_index[name]

        def concept_unit(key: str) -> int:
            concept = concepts[key]
            # Word forms widen what counts as saying a thing; avoid criteria keep to the phrases as written.
            return unit_for("concept:" + key, concept["phrases"], concept["negatable"],
                            word_forms=key in covers_concepts, contrary=concept.get("contrary") or [])

        self.criteria: list[_Spec] = []
        for criterion in snapshot["criteria"]:
            indexes = []
            for key in criterion.get("concepts") or ():
                if key not in concepts:
                    raise ValueError(f"snapshot lacks concept {key!r} used by criterion {criterion['key']!r}")
                indexes.append(concept_unit(key))
            if criterion.get("phrases"):
                indexes.append(unit_for("phrases:" + criterion["key"], criterion["phrases"], True,
                                        word_forms=criterion["kind"] == "covers", contrary=[]))
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
        vocabulary = {word for unit in units for choices in unit.word_phrases for choice in choices for word in choice}
        self.word_regex = _alternation({re.escape(word) for word in vocabulary}) if vocabulary else None
        self.total_weight = sum(c.weight for c in self.criteria) or 1
        self.covers_weight = sum(c.weight for c in self.criteria if c.kind == "covers") or 1
        self.facts_text = "\n".join(snapshot.get("facts") or ())
        self._topic_bigrams: dict[str, frozenset[str]] = {}
        self._topic_words: dict[str, frozenset[str]] = {}
        self._reference_verbs: dict[str, Any] = {}
        self._scenes: dict[str, _Scene] = {}
        self.rules = compile_rules(snapshot.get("house_rules") or house_rules_data())
        # Terms a shop declares harmless (its products' names): a guard word inside one is not an insult.
        allowed = concepts.get(ALLOW_CONCEPT, {}).get("phrases") or ()
        self.allowed = tuple(normalise_phrase(p) for p in allowed)

    def score(
        self, reply: str, *, buyer_text: str = "", topic_text: str = "", reference: str = "",
        typing: TypingSignals | None = None, explain: bool = False,
    ) -> ScoreResult:
        """Score one reply; buyer_text is the buyer's turns, topic_text everything the scenario is about,
        reference the scenario's model answer (what the shop can do for this buyer).

        The stages, each a small typed result: read the reply (normalise, copy mask, clauses, matches),
        check its stated facts, earn the criteria's points, account for every clause, run the checks
        (structure, guards, claims, facts, platform rules, judgement), then route (cap, confidence, review).
        """
        scene = self._scene(topic_text, buyer_text)
        reading = self._read(reply, scene)
        mismatches = fact_mismatches(reading.text, scene.sheet) if scene.sheet is not None else []
        points = self._points(reading, mismatches, explain)
        accounts = account_clauses(
            reading.text, credited=points.credited, spans=reading.clauses, rules=self.rules, skip=reading.mask,
            facts_pairs=scene.facts_pairs, case=scene.case_pairs,
        )
        own = [a for a in accounts if reading.mask is None or reading.mask.find(0, a.start, a.end) != -1]
        reasons, stats = self._checks(reading, scene, points, own, mismatches, reference, topic_text)
        return self._route(reading, scene, points, accounts, own, reasons, stats, typing, len(mismatches))

    def _scene(self, topic_text: str, buyer_text: str) -> _Scene:
        """What the scenario states, prepared once per scenario (scenario texts repeat)."""
        key = topic_text + "\x00" + buyer_text
        scene = self._scenes.get(key)
        if scene is None:
            if len(self._scenes) > 256:  # a bounded cache is plenty: one entry per scenario
                self._scenes.clear()
            statements = self._normalised_statements(key)
            checked = bool(topic_text or self.facts_text)
            scene = self._scenes[key] = _Scene(
                statements=statements,
                sheet=self._fact_sheet(topic_text) if checked else None,
                claims=self._scenario_claims(key) if checked else None,
                tokens=scenario_tokens(statements),
                facts_pairs=self._scenario_pairs(key),
                case_pairs=self._all_case_pairs(topic_text),
                buyer_runs=gaming.buyer_runs(buyer_text) if buyer_text else None,
            )
        return scene

    def _read(self, reply: str, scene: _Scene) -> _Reading:
        """Stage 1: the reply normalised, what of it was copied from the buyer, its clauses and matches."""
        norm = normalise(reply)
        text = norm.text
        mask = gaming.copy_mask(text, scene.buyer_runs) if scene.buyer_runs is not None else None
        clause_ids = _clause_ids(text, norm.breaks)
        hits = _scan_all(self.units, text, mask, norm.breaks, clause_ids, self.word_regex)
        return _Reading(norm, text, content_only(text), mask, clause_ids, clause_spans(text), hits)

    def _points(self, reading: _Reading, mismatches: list[FactMismatch], explain: bool) -> _Points:
        """Stage 3: each criterion's points and evidence; a covers phrase in a clause stating a false fact,
        used as a noun (…这些问题), or said the other way round (contrary) earns nothing."""
        text, hits, mask, clause_ids, norm = reading.text, reading.hits, reading.mask, reading.clause_ids, reading.norm
        false_clauses = {clause_ids[m.start] for m in mismatches}
        results: list[CriterionResult] = []
        earned_total = covers_earned = 0.0
        covers_met = 0
        auto_fail_labels: list[str] = []
        contradictions: list[tuple[int, int]] = []
        diagnostics: list[str] = []
        credited: list[tuple[int, int]] = []
        # Words some covers criterion accepts as said right (寄回运费您这边出 for the buyer's share): a contrary
        # phrase of another criterion lying over them is that criterion's other case, not a contradiction.
        accepted = [span for i in self.covers_units for span in hits[i].valid]
        for spec in self.criteria:
            kind = spec.kind
            weight = spec.weight
            if kind == "covers":
                spans = []
                units_found = 0
                contrary: list[tuple[int, int]] = []
                for i in spec.units:
                    unit_hits = hits[i]
                    contrary += unit_hits.contrary
                    valid = [span for span in unit_hits.valid
                             if clause_ids[span[0]] not in false_clauses and not names_topic(text, span, self.rules)]
                    if valid:
                        units_found += 1
                        spans += valid
                contrary = [c for c in contrary if not any(s < c[1] and c[0] < e for s, e in accepted)]
                if contrary:
                    # The reply says the opposite (运费您自己出 where the shop pays): nothing earned.
                    units_found, spans = 0, contrary
                    contradictions += contrary
                if spec.mode_all:
                    earned = weight * units_found / len(spec.units) if spec.units else 0.0
                    met = units_found == len(spec.units) and units_found > 0
                else:
                    met = units_found > 0
                    earned = float(weight) if met else 0.0
                if not met and not contrary:
                    denied = [(s, e) for i in spec.units for s, e, _ in hits[i].negated
                              if mask is None or mask.find(0, s, e) != -1]
                    if denied and not units_found:
                        contradictions += denied
                covers_met += met
                covers_earned += earned
                if earned and not contrary:
                    credited += spans
                if explain:
                    diagnostics += _explain(spec, hits, text, mask)
            elif kind == "avoids":
                # Copied or not, offending words are in the reply the buyer would read; a quoted or rejected
                # word is mentioned, not used.
                spans = [span for i in spec.units for span in hits[i].unnegated
                         if not mentioned(text, span, self.rules)
                         and not (self.units[i].negatable and _refused_after(text, span[1]))]
                met = not spans
                earned = float(weight) if met else 0.0
                if not met and spec.auto_fail:
                    auto_fail_labels.append(spec.label)
            else:
                met, spans = self._form(spec, text, len(reading.content), hits)
                earned = float(weight) if met else 0.0
            earned_total += earned
            evidence = _evidence(norm, spans) if spans else ()
            results.append(_new_tuple(CriterionResult, (
                spec.key, spec.label, kind, earned, weight, met, evidence, spec.praise if met else spec.feedback,
            )))
        return _Points(results, earned_total, credited, covers_met, covers_earned, contradictions, auto_fail_labels,
                       diagnostics)

    def _checks(
        self, reading: _Reading, scene: _Scene, points: _Points, own: list, mismatches: list[FactMismatch],
        reference: str, topic_text: str,
    ) -> tuple[list[ReviewReason], dict[str, Any]]:
        """Stage 5: every check that sends the reply to a person, with the passages that caused it."""
        norm, text, mask = reading.norm, reading.text, reading.mask
        reasons, stats = self._review(norm, reading.content, mask, reading.hits, topic_text,
                                      points.covers_earned / self.covers_weight)
        for hit in guard_hits(text, norm.breaks):
            if not _inside_known_word(text, hit.start, hit.end, scene.statements, self.allowed):
                reasons.append(_reason(GUARD_REASONS[hit.guard], norm, [(hit.start, hit.end)]))
        if scene.claims is not None:
            found = claim_contradictions(text, scene.claims, self.rules, reading.clauses)
            found += affirmed_denials(text, scene.claims, scene.statements, reading.clauses)
            denied_facts = [(c.start, c.end) for c in found if mask is None or mask.find(0, c.start, c.end) != -1]
            if denied_facts:
                reasons.append(_reason(REVIEW_CONTRADICTS, norm, denied_facts))
        wrong_ids = wrong_identifiers(text, scene.tokens)
        if mismatches or wrong_ids:
            reasons.append(_reason(REVIEW_FACT_MISMATCH, norm, [(m.start, m.end) for m in mismatches] + wrong_ids))
        for broken in rule_breaks(text, self.rules, scenario_tokens=scene.tokens, scenario_text=scene.statements,
                                  spans=reading.clauses):
            reasons.append(_reason(RULE_REASONS[broken.rule], norm, [(broken.start, broken.end)]))
        # A verdict judges whatever else the clause holds; a degree word in a clause about the buyer, and a
        # remark to the buyer with nothing of the case, judge where nothing explains the clause.
        judging = [(a.start, a.end) for a in own
                   if (ACT_JUDGES in a.acts and a.unexplained)
                   or (ACT_MOCKS in a.acts and a.explained_by != "formula")
                   or (ACT_ABOUT_PERSON in a.acts and a.unexplained)]
        if judging:
            reasons.append(_reason(REVIEW_JUDGES_BUYER, norm, judging))
        risky = [(a.start, a.end) for a in own if a.unexplained and a.acts & ROUTED_ACTS]
        if risky:
            reasons.append(_reason(REVIEW_UNEXPLAINED, norm, risky))
        if points.contradictions:
            reasons.append(_reason(REVIEW_CONTRADICTS, norm, points.contradictions))
        reasons.extend(
            ReviewReason(REVIEW_AUTO_FAIL, REVIEW_MESSAGES[REVIEW_AUTO_FAIL].format(label=label))
            for label in points.auto_fail_labels
        )
        if reference and may_deny(text):
            verbs = self._cached(self._reference_verbs, reference, lambda r: reference_verbs(normalise(r).text))
            denied = [(d.start, d.end) for d in denials(text, verbs) if mask is None or mask.find(0, d.start, d.end) != -1]
            if denied:
                reasons.append(_reason(REVIEW_CONTRADICTS, norm, denied))
        return _one_per_code(reasons), stats

    def _route(
        self, reading: _Reading, scene: _Scene, points: _Points, accounts: list, own: list,
        reasons: list[ReviewReason], stats: dict[str, Any], typing: TypingSignals | None, mismatch_count: int,
    ) -> ScoreResult:
        """Stage 6: the total on the curve, capped where a capping reason stands; confidence from the
        accounting; the reasons that only route a reply to a person first."""
        norm, text, content = reading.norm, reading.text, reading.content
        total = curve_total(points.earned, self.total_weight)
        capped = any(reason.code in CAPPING_REASONS for reason in reasons)
        if capped:
            total = capped_total(total, self.pass_mark)
        if norm.hidden_split:
            reasons.append(ReviewReason(REVIEW_HIDDEN_CHARACTERS, REVIEW_MESSAGES[REVIEW_HIDDEN_CHARACTERS]))
        if _looks_pasted(typing, len(content)):
            reasons.append(ReviewReason(REVIEW_PASTED, REVIEW_MESSAGES[REVIEW_PASTED]))
        stats["words"], stats["unknown_share"] = unknown_share(text, scene.statements)
        stats["explained_share"] = explained_share(text, own)
        confidence = _confidence(total, self.pass_mark, capped, _foreign_content(content, scene.statements), stats)
        if confidence < LOW_CONFIDENCE_BELOW and not capped:
            reasons.append(ReviewReason(REVIEW_LOW_CONFIDENCE, REVIEW_MESSAGES[REVIEW_LOW_CONFIDENCE]))
        stats["fact_mismatches"] = mismatch_count
        # The accounting, in the reply's own offsets: what explained each clause, and the clauses nothing did.
        stats["clauses"] = [[*norm.original_span(a.start, a.end), a.explained_by, sorted(a.acts)] for a in accounts]
        stats["unexplained"] = [list(norm.original_span(a.start, a.end)) for a in own if a.unexplained]
        stats["earned_share"] = points.earned / self.total_weight  # before the credit curve
        results = points.results
        if capped:
            # Feedback follows the verdict: a criterion met in a reply that is capped is not praised as if
            # the reply were good (回复长度合适,既热情又不啰嗦 under a rude reply); it says what held it down.
            cause = next(r.message for r in reasons if r.code in CAPPING_REASONS)
            results = [c._replace(feedback=CAPPED_FEEDBACK.format(reason=cause)) if c.met and c.kind != "avoids" else c
                       for c in results]
        return ScoreResult(
            total=total,
            passed=not capped and total >= self.pass_mark,
            needs_review=bool(reasons),
            review_reasons=tuple(reasons),
            criteria=tuple(results),
            stats=stats,
            confidence=round(confidence, 3),
            diagnostics=tuple(points.diagnostics),
        )

    @staticmethod
    def _scenario_statements(key: str) -> str:
        """What the scenario states: its texts without the buyer's words (key: topic text NUL buyer text)."""
        topic_text, _, buyer_text = key.partition("\x00")
        for line in buyer_text.splitlines():
            if line.strip():
                topic_text = topic_text.replace(line, "")
        return topic_text

    def _normalised_statements(self, key: str) -> str:
        return normalise(self._scenario_statements(key) + "\n" + self.facts_text).text

    def _scenario_claims(self, key: str) -> Any:
        return scenario_claims(normalise(self._scenario_statements(key) + "\n" + self.facts_text).text)

    def _all_case_pairs(self, topic_text: str) -> frozenset[str]:
        """Content pairs of everything the case holds: the scenario's texts (buyer's turns too) and the rubric."""
        phrases = [p for c in self.snapshot["concepts"].values() for p in c["phrases"]]
        phrases += [p for c in self.snapshot["criteria"] for p in c.get("phrases") or ()]
        return case_pairs(normalise("\n".join([topic_text, self.facts_text, *phrases])).text)

    def _scenario_pairs(self, key: str) -> frozenset[str]:
        """Character pairs of what the scenario states (not the buyer's words) and of the rubric's phrases."""
        topic_text = self._scenario_statements(key)
        phrases = [p for c in self.snapshot["concepts"].values() for p in c["phrases"]]
        phrases += [p for c in self.snapshot["criteria"] for p in c.get("phrases") or ()]
        source = "\n".join([topic_text, self.facts_text, *phrases])
        return frozenset(pairs(normalise(source).text))

    def _fact_sheet(self, topic_text: str) -> Any:
        return fact_sheet(normalise(spaced(topic_text + "\n" + self.facts_text)).text)

    def _related_words(self, topic_text: str) -> frozenset[str]:
        """Words of the scenario and of every phrase of the rubric: what a reply on topic talks of."""
        phrases = [p for c in self.snapshot["concepts"].values() for p in c["phrases"]]
        phrases += [p for c in self.snapshot["criteria"] for p in c.get("phrases") or ()]
        return gaming.topic_words(topic_text + "\n" + "\n".join(p.replace("*", " ") for p in phrases))

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
        covers_share: float,
    ) -> tuple[list[ReviewReason], dict[str, Any]]:
        text = norm.text
        content_chars = len(content)
        reasons: list[ReviewReason] = []

        def add(code: str) -> None:
            reasons.append(ReviewReason(code, REVIEW_MESSAGES[code]))

        if content_chars < gaming.TOO_SHORT_CHARS:
            add(REVIEW_TOO_SHORT)
        copied = gaming.copied_ratio(text, mask, content_chars)
        if copied >= gaming.COPIED_RATIO_LIMIT:
            add(REVIEW_COPIED_BUYER)
        gibberish = gaming.gibberish_features(content)
        if gibberish is not None and gibberish.is_gibberish:
            add(REVIEW_GIBBERISH)

        if copied:
            # Judge the reply's own words: pasting the buyer's sentences in front of a keyword list does not
            # turn the list into sentences. Copied text becomes clause breaks, keeping every position.
            own = gaming.without_copied(text, mask)
            own_chars = len(content_only(own))
            covered = _merge([
                span for unit_hits in hits for span in unit_hits.found if mask.find(0, span[0], span[1]) != -1
            ])
        else:
            own = text
            own_chars = content_chars
            covered = _merge([span for unit_hits in hits for span in unit_hits.found])
        stuffing = gaming.stuffing_features(own, covered, norm.breaks, own_chars)
        topic_words = self._cached(self._topic_words, topic_text, self._related_words) if topic_text else frozenset()
        # Unrelated nouns matter only where the reply might be padding or off topic; tagging costs time.
        structure = gaming.structure_features(
            own, norm.breaks, covered, topic_words,
            need_nouns=covers_share <= gaming.OFF_TOPIC_HALF_MET and content_chars >= gaming.OFF_TOPIC_FLUENT_CHARS,
        )
        # The coverage measure needs a list to judge: one short sentence of keywords and glue is a terse reply.
        judged = own_chars >= gaming.STUFFING_MIN_CHARS or (own_chars >= gaming.TOO_SHORT_CHARS and structure.fragments >= 2)
        if structure.is_stuffing or (judged and stuffing.is_stuffing):
            add(REVIEW_KEYWORD_STUFFING)

        overlap = None
        # Any phrase of a covers criterion, even negated or copied, shows the reply is about the scenario.
        if topic_text and not any(hits[i].found for i in self.covers_units):
            overlap = gaming.topic_overlap(content, self._cached(self._topic_bigrams, topic_text, gaming.topic_bigrams))
            if overlap < gaming.OFF_TOPIC_OVERLAP:
                add(REVIEW_OFF_TOPIC)
        if REVIEW_OFF_TOPIC not in {r.code for r in reasons} and content_chars >= gaming.OFF_TOPIC_FLUENT_CHARS:
            # A fluent reply about other things: it meets little of what the buyer needs and talks of nouns
            # the scenario never uses.
            unrelated = structure.unrelated_share
            if (covers_share == 0 and unrelated >= gaming.OFF_TOPIC_UNRELATED_NONE_MET) or (
                covers_share <= gaming.OFF_TOPIC_MET_SHARE and unrelated >= gaming.OFF_TOPIC_UNRELATED
            ) or (covers_share <= gaming.OFF_TOPIC_HALF_MET and unrelated >= gaming.OFF_TOPIC_ALL_UNRELATED):
                add(REVIEW_OFF_TOPIC)

        if self.rude_unit is not None and hits[self.rude_unit].unnegated:
            reasons.append(_reason(REVIEW_RUDE, norm, hits[self.rude_unit].unnegated))
        # Raw floats: ScoreResult.to_dict rounds them for storage and display.
        stats: dict[str, Any] = {
            "content_chars": content_chars,
            "exclamations": text.count("!"),
            "copied_ratio": copied,
            "common_ratio": None if gibberish is None else gibberish.common_ratio,
            "distinct_ratio": None if gibberish is None else gibberish.distinct_ratio,
            "cjk_ratio": None if gibberish is None else gibberish.cjk_ratio,
            "keyword_coverage": stuffing.coverage,
            "other_ratio": stuffing.other_ratio,
            "function_ratio": stuffing.function_ratio,
            "segments": stuffing.segments,
            "keyword_segment_share": stuffing.keyword_segment_share,
            "fragments": structure.fragments,
            "fragment_share": structure.fragment_share,
            "unrelated_share": structure.unrelated_share,
            "topic_overlap": overlap,
        }
        return reasons, stats


# 私下转账我们这边不能收: what an avoid criterion forbids, named in order to refuse it, is not done.
_REFUSED_AFTER = re.compile("(?:[^" + re.escape(BOUNDARY_CHARS) + "]{0,8}?)(?:不能|不会|不可以|不允许|不支持|没法|没办法|不收|不接受|不提供|不行)")


def _refused_after(text: str, end: int) -> bool:
    return _REFUSED_AFTER.match(text, end) is not None


KNOWN_WORD_REACH = 4  # characters a guard word may be extended by on either side to make a known term


def _inside_known_word(text: str, start: int, end: int, statements: str, allowed: tuple[str, ...]) -> bool:
    """The guard word is part of a term the scenario itself uses or the shop declared (神经酰胺 holds 神经)."""
    for before in range(0, KNOWN_WORD_REACH + 1):
        for after in range(0, KNOWN_WORD_REACH + 1):
            if not before and not after or start - before < 0 or end + after > len(text):
                continue
            piece = text[start - before:end + after]
            if piece in statements or piece in allowed:
                return True
    return False


def _reason(code: str, norm: Normalised, spans: list[tuple[int, int]]) -> ReviewReason:
    return ReviewReason(code, REVIEW_MESSAGES[code], _evidence(norm, spans))


def _one_per_code(reasons: list[ReviewReason]) -> list[ReviewReason]:
    """One reason per code (auto-fail once per label), their evidence joined."""
    merged: dict[tuple[str, str], ReviewReason] = {}
    for reason in reasons:
        key = (reason.code, reason.message)
        earlier = merged.get(key)
        if earlier is None:
            merged[key] = reason
        elif reason.evidence:
            joined = tuple(sorted(set(earlier.evidence) | set(reason.evidence)))
            merged[key] = earlier._replace(evidence=joined)
    return list(merged.values())


def _looks_pasted(typing: TypingSignals | None, content_chars: int) -> bool:
    """Most of the reply came by paste, or it arrived faster than a person types."""
    if typing is None or content_chars < PASTE_MIN_CHARS:
        return False
    if typing.pasted_chars >= PASTED_SHARE * content_chars:
        return True
    if typing.elapsed_ms is not None:
        minutes = max(typing.elapsed_ms, 1) / 60000
        return content_chars / minutes > MAX_CHARS_PER_MINUTE
    return False


_LATIN_TOKEN = re.compile(r"[a-z0-9]+")


def _foreign_content(content: str, statements: str) -> str:
    """The reply's content without the letters and digits the scenario itself uses (65w, pd, c1, zt7302…)."""
    if content.isascii() or not _LATIN_TOKEN.search(content):
        return content
    return _LATIN_TOKEN.sub(lambda m: "" if m.group() in statements else m.group(), content)


def _confidence(total: int, pass_mark: int, capped: bool, content: str, stats: dict[str, Any]) -> float:
    """0–1: how far the verdict is from the pass line, how much of the reply the scorer could account for,
    in the language the engine reads. The accounting, not the matches that gave the points, says how much
    of the reply was understood."""
    if capped:
        return 0.9  # a guard or a gaming check decided, and says why
    distance = abs(total - pass_mark)
    confidence = min(1.0, 0.5 + distance / 40)
    if pass_mark - BORDERLINE_POINTS <= total < pass_mark:
        # A near miss: where a good reply in other words than the rubric's most often lands.
        confidence = min(confidence, 0.45)
    if total >= pass_mark:
        # A pass the scorer can explain only in part: most of the reply is neither credited nor the facts.
        confidence = min(confidence, PASS_CONFIDENCE_FLOOR + (1 - PASS_CONFIDENCE_FLOOR) * stats["explained_share"])
    letters = _LETTER.findall(content)
    if letters and len(_CJK.findall(content)) < 0.6 * len(letters):
        confidence = min(confidence, 0.3)  # mostly another script or language: the lexicon is Chinese
    words, unknown = stats.get("words", 0), stats.get("unknown_share", 0.0)
    if words >= UNKNOWN_MIN_WORDS and unknown >= UNKNOWN_WORDS_SHARE:
        confidence = min(confidence, 0.4)  # many words the dictionary does not know: typos, pinyin, slang
    return confidence


def _explain(spec: _Spec, hits: list[_Hits], text: str, mask: bytearray | None) -> list[str]:
    """Why the phrases a covers criterion found did not count."""
    lines = []
    for i in spec.units:
        unit_hits = hits[i]
        for start, end, negator in unit_hits.negated:
            lines.append(f"{spec.key}: 「{text[start:end]}」被「{negator}」否定,不计分")
        if mask is not None:
            for start, end in unit_hits.unnegated:
                if mask.find(0, start, end) == -1:
                    lines.append(f"{spec.key}: 「{text[start:end]}」照抄自买家的话,不计分")
        for start, end in unit_hits.contrary:
            lines.append(f"{spec.key}: 「{text[start:end]}」说的正相反,不计分")
    return lines


def _scan_all(
    units: tuple[_Unit, ...], text: str, mask: bytearray | None, breaks: frozenset[int], clause_ids: list[int],
    word_regex: re.Pattern[str] | None,
) -> list[_Hits]:
    """Every match of every unit's phrases and word forms, sorted into found, unnegated and valid."""
    hits = []
    # One scan for the words of every unit's word forms: the units share most of them (我们, 可以, 快递).
    by_clause, present = _words_by_clause(word_regex, text, clause_ids) if word_regex is not None else ({}, set())
    for unit in units:
        spans: list[tuple[int, int, tuple[tuple[int, int], ...]]] = [
            (m.start(), m.end(), ()) for m in unit.regex.finditer(text)
        ]
        if unit.word_phrases and not present.isdisjoint(unit.word_slots):
            spans += _word_matches(unit, by_clause, present, {(s, e) for s, e, _ in spans})
        contrary = [m.span() for m in unit.contrary.finditer(text)] if unit.contrary is not _NEVER else []
        if contrary:
            contrary = [span for span in contrary if negation_of(text, span[0], span[1], breaks) is None]
        if not spans and not contrary:  # most units
            hits.append(_NO_HITS)
            continue
        found = [(s, e) for s, e, _ in spans]
        unnegated: _Spans = []
        negated: list[tuple[int, int, str]] = []
        for start, end, skip in spans:
            negator = negation_of(text, start, end, breaks, skip) if unit.negatable else None
            if negator is None:
                unnegated.append((start, end))
            else:
                negated.append((start, end, negator))
        if mask is None:
            valid = unnegated
        else:
            # A match lying wholly inside text copied from the buyer earns nothing.
            valid = [span for span in unnegated if mask.find(0, span[0], span[1]) != -1]
        hits.append(_new_tuple(_Hits, (found, unnegated, valid, negated, contrary)))
    return hits


_WordsByClause = dict[int, dict[str, tuple[int, int]]]


def _words_by_clause(regex: re.Pattern[str], text: str, clause_ids: list[int]) -> tuple[_WordsByClause, set[str]]:
    """Every phrase word found in the reply, per clause (first place in the clause), and all of them."""
    by_clause: _WordsByClause = {}
    for match in regex.finditer(text):
        by_clause.setdefault(clause_ids[match.start()], {}).setdefault(match.group(), match.span())
    return by_clause, set().union(*by_clause.values()) if by_clause else set()


def _word_matches(
    unit: _Unit, by_clause: _WordsByClause, present: set[str], seen: set[tuple[int, int]],
) -> list[tuple[int, int, tuple[tuple[int, int], ...]]]:
    """Spans where every word of a multi-word phrase stands in one clause, in any order."""
    # Candidates are reached through each phrase's most specific word (its key), so that common words
    # (我们, 可以) do not walk every phrase; a candidate must then have every word somewhere in the reply.
    candidates: set[int] = set()
    for word in present & unit.word_slots.keys():
        candidates.update(unit.word_slots[word])
    found = []
    for phrase_index in sorted(candidates):
        words = unit.word_phrases[phrase_index]
        if not all(choices & present for choices in words):
            continue
        for clause_words in by_clause.values():
            picked = []
            for choices in words:
                common = choices & clause_words.keys()
                if not common:
                    break
                picked.append(min(clause_words[word] for word in common))
            else:
                span = (min(s for s, _ in picked), max(e for _, e in picked))
                if span not in seen and not any(a <= span[0] and span[1] <= b for a, b in seen):
                    seen.add(span)
                    found.append((span[0], span[1], tuple(sorted(set(picked)))))
    return found


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


def compile_snapshot(snapshot: Mapping[str, Any], content_hash: str | None = None) -> CompiledRubric:
    """Compile a snapshot, reusing an earlier compilation of the same content (the one compiled-rubric cache).

    `content_hash` is rubric_hash(snapshot) when the caller has it stored already (a RubricVersion).
    """
    key = content_hash or rubric_hash(snapshot)
    compiled = _compiled_by_hash.get(key)
    if compiled is None:
        if len(_compiled_by_hash) > 1024:
            _compiled_by_hash.clear()
        compiled = _compiled_by_hash[key] = CompiledRubric(snapshot)
    return compiled


def score_reply(
    reply: str, rubric: Rubric, lexicon: Lexicon, *, buyer_text: str = "", topic_text: str = "", reference: str = "",
    typing: TypingSignals | None = None, explain: bool = False,
) -> ScoreResult:
    """Score a reply against a rubric with the concepts of a lexicon."""
    return compile_snapshot(rubric_snapshot(rubric, lexicon)).score(
        reply, buyer_text=buyer_text, topic_text=topic_text, reference=reference, typing=typing, explain=explain,
    )
