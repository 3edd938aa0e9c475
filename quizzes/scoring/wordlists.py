"""The engine's word lists outside any rubric (data/word_lists.toml), read once per process.

Guards, the negation lexicon, near-synonyms and denial verbs are data so that an edit is a content
change: `word_lists_digest()` goes into every rubric snapshot, so editing the file makes new rubric
versions at the next bank load (see engine.rubric_snapshot) and history can tell results apart.
"""
from __future__ import annotations

import hashlib
import json
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

WORD_LISTS_FILE = Path(__file__).resolve().parent / "data" / "word_lists.toml"
# section → list → whether it holds pairs (homophones) or a table (not_after)
_SHAPE: dict[str, dict[str, str]] = {
    "guards": {
        "insults": "words", "homophones": "pairs", "contempt": "words", "platform_misinformation": "words",
        "refuses_help": "words", "sarcasm": "words", "blame": "words", "reproach_markers": "words",
        "offer_markers": "words", "rhetorical": "words", "standalone": "words", "not_after": "table",
        "not_before": "table",
    },
    "negation": {"negators": "words", "necessity": "words", "non_negators": "words", "scope_ends": "words"},
    "synonyms": {"groups": "groups", "safe_single": "words", "filler": "words"},
    "denials": {"service_verbs": "words", "step_over": "words", "general_verbs": "words"},
}


def _check(section: str, name: str, shape: str, value: Any) -> None:
    where = f"word lists: [{section}] {name}"
    if shape == "table":
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise ValueError(f"{where} must be a table of strings")
        return
    if not isinstance(value, list) or not value:
        raise ValueError(f"{where} must be a non-empty list")
    for item in value:
        if shape == "words" and not (isinstance(item, str) and item):
            raise ValueError(f"{where}: {item!r} is not a word")
        if shape == "pairs" and not (isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item)):
            raise ValueError(f"{where}: {item!r} is not a [variant, word] pair")
        if shape == "groups" and not (isinstance(item, list) and len(item) >= 2 and all(isinstance(x, str) and x for x in item)):
            raise ValueError(f"{where}: {item!r} is not a group of two or more words")


@lru_cache(maxsize=1)
def word_lists() -> dict[str, dict[str, Any]]:
    """The checked word lists, as the file holds them."""
    raw = tomllib.loads(WORD_LISTS_FILE.read_text(encoding="utf-8"))
    for section, lists in _SHAPE.items():
        if not isinstance(raw.get(section), dict):
            raise ValueError(f"word lists: section [{section}] is missing")
        for name, shape in lists.items():
            _check(section, name, shape, raw[section].get(name))
    return raw


@lru_cache(maxsize=1)
def word_lists_digest() -> str:
    """sha256 of the word lists' canonical JSON: what every rubric snapshot records of them."""
    canonical = json.dumps(word_lists(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def words_of(section: str, name: str) -> tuple[str, ...]:
    """One list of words, in file order."""
    return tuple(word_lists()[section][name])


def longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    """The words longest first (stable): prefix matching must try 不可以 before 不."""
    return tuple(sorted(words, key=len, reverse=True))
