"""The house rules every rubric gets (data/house_rules.toml), as plain data and as compiled patterns.

The file's lists travel inside each rubric snapshot (`rubric_snapshot` copies them), so that a stored
answer can be rescored with exactly the rules it was scored with, and an edit to the file changes the
snapshot's hash, which makes a new rubric version instead of relying on a hand-bumped engine version.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

RULES_FILE = Path(__file__).resolve().parent / "data" / "house_rules.toml"
# Each section and the lists it must hold: the engine reads exactly these.
SECTIONS: dict[str, tuple[str, ...]] = {
    "formulas": ("words",),
    "offers": ("markers", "question_marks"),
    "second_person": ("words",),
    "judgement": ("verdicts", "degree", "kind", "emoji", "buyer_acts"),
    "negators": ("words",),
    "certainty": ("markers", "after", "hedges"),
    "arrival": ("verbs", "times"),
    "absolute": ("patterns", "rejections"),
    "off_platform": ("channels", "acts", "warnings"),
    "reviews": ("nouns", "changes", "benefits"),
    "other_buyers": ("who", "data"),
    "nominal": ("after", "frames"),
}


def _normalised(word: str) -> str:
    from .text import normalise_phrase

    return normalise_phrase(word)


def rules_data(raw: Mapping[str, Any]) -> dict[str, dict[str, list[str]]]:
    """The house rules as checked, normalised JSON-able data; raises ValueError naming what is wrong."""
    data: dict[str, dict[str, list[str]]] = {}
    for section, lists in SECTIONS.items():
        table = raw.get(section)
        if not isinstance(table, Mapping):
            raise ValueError(f"house rules: section [{section}] is missing")
        data[section] = {}
        for name in lists:
            values = table.get(name)
            if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip() for v in values):
                raise ValueError(f"house rules: [{section}] {name} must be a non-empty list of words")
            data[section][name] = list(dict.fromkeys(_normalised(v) for v in values))
    return data


@lru_cache(maxsize=1)
def house_rules_data() -> dict[str, dict[str, list[str]]]:
    """The shipped house rules file, checked and normalised (read once per process)."""
    return rules_data(tomllib.loads(RULES_FILE.read_text(encoding="utf-8")))


def _alternation(words: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


@dataclass(frozen=True)
class HouseRules:
    """The house rules compiled for scoring (one per distinct snapshot content, cached)."""

    formulas: re.Pattern[str]
    offers: re.Pattern[str]
    question_marks: frozenset[str]
    second_person: re.Pattern[str]
    verdicts: re.Pattern[str]
    degree: re.Pattern[str]
    kind_stance: re.Pattern[str]
    judgement_emoji: re.Pattern[str]
    buyer_acts: re.Pattern[str]
    negators: re.Pattern[str]
    certainty: re.Pattern[str]
    certainty_after: re.Pattern[str]
    hedges: re.Pattern[str]
    arrival_verbs: re.Pattern[str]
    arrival_times: re.Pattern[str]
    absolute: re.Pattern[str]
    rejections: re.Pattern[str]
    channels: re.Pattern[str]
    contact_acts: re.Pattern[str]
    warnings: re.Pattern[str]
    review_nouns: re.Pattern[str]
    review_changes: re.Pattern[str]
    review_benefits: re.Pattern[str]
    other_buyers: re.Pattern[str]
    buyer_data: re.Pattern[str]
    nominal_after: re.Pattern[str]
    nominal_frames: re.Pattern[str]


def compile_rules(data: Mapping[str, Mapping[str, list[str]]]) -> HouseRules:
    """Compile house-rules data (as a snapshot carries it) into patterns."""
    d = data
    return HouseRules(
        formulas=_alternation(d["formulas"]["words"]),
        offers=_alternation(d["offers"]["markers"]),
        question_marks=frozenset(d["offers"]["question_marks"]),
        second_person=_alternation(d["second_person"]["words"]),
        verdicts=_alternation(d["judgement"]["verdicts"]),
        degree=_alternation(d["judgement"]["degree"]),
        kind_stance=_alternation(d["judgement"]["kind"]),
        buyer_acts=_alternation(d["judgement"]["buyer_acts"]),
        judgement_emoji=_alternation(d["judgement"]["emoji"]),
        negators=_alternation(d["negators"]["words"]),
        certainty=_alternation(d["certainty"]["markers"]),
        certainty_after=_alternation(d["certainty"]["after"]),
        hedges=_alternation(d["certainty"]["hedges"]),
        arrival_verbs=_alternation(d["arrival"]["verbs"]),
        arrival_times=_alternation(d["arrival"]["times"]),
        absolute=_alternation(d["absolute"]["patterns"]),
        rejections=_alternation(d["absolute"]["rejections"]),
        channels=_alternation(d["off_platform"]["channels"]),
        contact_acts=_alternation(d["off_platform"]["acts"]),
        warnings=_alternation(d["off_platform"]["warnings"]),
        review_nouns=_alternation(d["reviews"]["nouns"]),
        review_changes=_alternation(d["reviews"]["changes"]),
        review_benefits=_alternation(d["reviews"]["benefits"]),
        other_buyers=_alternation(d["other_buyers"]["who"]),
        buyer_data=_alternation(d["other_buyers"]["data"]),
        nominal_after=_alternation(d["nominal"]["after"]),
        nominal_frames=_alternation(d["nominal"]["frames"]),
    )
