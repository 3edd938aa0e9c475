"""Probe replies for checking a rubric: what a trainee gaming it would send. Used by tools/check_bank.py,
the scoring benchmark and the tests; the engine itself never builds probes (so it does not import this)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .engine import rubric_snapshot
from .lexicon import Lexicon
from .types import Rubric


def keyword_salad(rubric_or_snapshot: Rubric | Mapping[str, Any], lexicon: Lexicon | None = None) -> str:
    """The first phrase or two of every concept a rubric asks to cover, strung together without sentences.

    Pass a snapshot, or a Rubric with the lexicon its concepts come from.
    """
    snapshot = rubric_or_snapshot
    if not isinstance(snapshot, Mapping):
        if lexicon is None:
            raise ValueError("a Rubric needs the lexicon its concepts come from")
        snapshot = rubric_snapshot(rubric_or_snapshot, lexicon)
    words: list[str] = []
    for criterion in snapshot["criteria"]:
        if criterion["kind"] == "covers":
            for key in criterion["concepts"]:
                words.extend(snapshot["concepts"][key]["phrases"][:2])
            words.extend(criterion["phrases"][:1])
    words = [word.replace("*", "") for word in dict.fromkeys(words)]
    # Alternate the two separators trainees use for lists.
    return "".join(word + (" " if i % 2 == 0 else "、") for i, word in enumerate(words)).rstrip(" 、")
