"""Words: segmentation with rjieba, and the word form of a rubric phrase (any order, within one clause).

A phrase of two or more words also counts when all its words stand in one clause in any order, each
word or one of its near-synonyms: 可以退 also finds 退是可以退的 and 支持退, 联系快递 also finds
快递那边我帮您联系. The synonym groups below are the everyday service vocabulary (a word and the words
agents use for it, in data/word_lists.toml [synonyms]), not any one rubric's phrases.

rjieba (the Rust jieba-rs behind a small binding) is the segmenter: the same dictionary and tags as
jieba, about twenty times faster, which keeps a reply's segmentation well inside the scorer's budget.
"""
from __future__ import annotations

import re
from functools import lru_cache

import rjieba  # a text library the engine may use (see tests/trainer/test_foundation.py)

from .wordlists import word_lists, words_of

# Each group: words an agent uses for one thing. Single characters are kept only where they are the word
# itself (退, 换) and never added as synonyms of a longer word: 出 would be found inside 出现.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = tuple(tuple(group) for group in word_lists()["synonyms"]["groups"])
# Single characters safe as synonyms: they rarely stand inside an unrelated word.
SAFE_SINGLE = frozenset(words_of("synonyms", "safe_single"))
# Words that carry no content of their own in a phrase: a phrase's word form leaves them out.
FILLER_WORDS = frozenset(words_of("synonyms", "filler"))
_GROUP_OF: dict[str, tuple[str, ...]] = {}
for _group in SYNONYM_GROUPS:
    for _word in _group:
        _GROUP_OF.setdefault(_word, _group)


def segment(text: str) -> list[str]:
    """The words of a text."""
    return rjieba.cut(text)


def tag(text: str) -> list[tuple[str, str]]:
    """The words of a text with their part-of-speech tags (jieba's tag set)."""
    return rjieba.tag(text)


def tagged_spans(text: str) -> list[tuple[str, str, int, int]]:
    """The words of a text with their tags and where each stands: (word, tag, start, end)."""
    spans = []
    position = 0
    for word, pos in rjieba.tag(text):
        start = text.find(word, position)
        if start < 0:
            continue
        position = start + len(word)
        spans.append((word, pos, start, position))
    return spans


_LATIN_RUN = re.compile("[a-z]{2,}")


def unknown_share(text: str, known: str = "") -> tuple[int, float]:
    """(words, share of them the segmenter's dictionary does not know): pinyin, abbreviations, made-up words.

    A Chinese typo splits into single characters the dictionary knows, so only replies holding runs of
    Latin letters are segmented for this (most replies are decided by one regex search).
    """
    if _LATIN_RUN.search(text) is None:
        return 0, 0.0
    words = [w for w in rjieba.cut(text) if w.strip() and (w.isalnum() or not w.isascii()) and any(c.isalnum() for c in w)]
    if not words:
        return 0, 0.0
    # A word the scenario itself uses (pps, c1, a model number) is known for this reply, dictionary or not.
    unknown = sum(1 for w in words if not w.isdigit() and not rjieba.has_word(w) and w not in known)
    return len(words), unknown / len(words)


@lru_cache(maxsize=8192)
def alternatives(word: str) -> tuple[str, ...]:
    """The word and its near-synonyms, longest first."""
    group = _GROUP_OF.get(word)
    if group is None:
        return (word,)
    choices = {word, *(w for w in group if len(w) > 1 or w in SAFE_SINGLE)}
    return tuple(sorted(choices, key=lambda w: (-len(w), w)))


@lru_cache(maxsize=8192)
def phrase_words(phrase: str) -> tuple[str, ...] | None:
    """The content words of a normalised phrase, or None when it has fewer than two (it then matches as written)."""
    if "*" in phrase:
        return None
    words = tuple(w for w in segment(phrase) if w.strip() and w not in FILLER_WORDS)
    if len(words) < 2:
        return None
    return words
