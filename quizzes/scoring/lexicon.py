"""The lexicon: every concept a rubric may refer to, by key."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType

from .types import Concept


class Lexicon(Mapping[str, Concept]):
    """Read-only mapping of concept key to Concept; hashable by identity so compiled rubrics can be cached."""

    def __init__(self, concepts: Iterable[Concept]):
        by_key: dict[str, Concept] = {}
        for concept in concepts:
            if concept.key in by_key:
                raise ValueError(f"concept {concept.key!r} is defined twice")
            by_key[concept.key] = concept
        self._concepts = MappingProxyType(by_key)

    def __getitem__(self, key: str) -> Concept:
        return self._concepts[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._concepts)

    def __len__(self) -> int:
        return len(self._concepts)

    __hash__ = object.__hash__

    def __eq__(self, other: object) -> bool:
        return self is other

    def __repr__(self) -> str:
        return f"Lexicon({len(self)} concepts)"
