"""The credit rule: how criterion points become a 0–100 total. One rule for the engine and for reviews.

Supervisors grade on a whole-reply impression: a reply that meets most of what matters is good even if
a minor point is missing. Points earned are credited on a concave curve (share of the weight → share of
the total), which keeps 0 and 100 and the order of replies and lifts the middle. A cap (a guard, a
platform rule, a gaming check) holds the total in the lowest grade band, below the pass mark.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

CREDIT_EXPONENT = 0.8
# A capped total stays in the lowest grade band (supervisors grade such replies 0).
CAPPED_TOTAL = 35


def curve_total(earned: float, weight: float) -> int:
    """0–100 on the credit curve for `earned` points out of `weight`."""
    if weight <= 0 or earned <= 0:
        return 0
    share = min(1.0, earned / weight)
    return max(0, min(100, math.floor(100 * share ** CREDIT_EXPONENT + 0.5)))


def capped_total(total: int, pass_mark: int) -> int:
    """The most a capped reply can score: in the lowest band and below the pass mark."""
    return max(0, min(total, CAPPED_TOTAL, pass_mark - 1))


def total_from_points(points: Iterable[tuple[float, float]], *, pass_mark: int, capped: bool) -> int:
    """The total of (earned, max) criterion points by the engine's rule, capped when a cap still stands."""
    earned = weight = 0.0
    for got, most in points:
        earned += max(0.0, min(float(most), float(got)))
        weight += float(most)
    total = curve_total(earned, weight)
    return capped_total(total, pass_mark) if capped else total


class CapLine(NamedTuple):
    """One cap on a total: its reason and the passages of the reply that caused it (original offsets)."""

    code: str
    message: str
    evidence: tuple[tuple[int, int], ...]


class TotalExplanation(NamedTuple):
    """How an automatic total came about: the points, the curve, and each cap as its own line."""

    earned: float
    weight: float
    share: float  # earned / weight
    curved: int  # the total on the credit curve, before any cap
    caps: tuple[CapLine, ...]
    capped_to: int | None  # the most a capped reply scores here; None when nothing caps it
    total: int


def explain_total(result: Mapping[str, Any], *, pass_mark: int, capping: Iterable[str]) -> TotalExplanation:
    """The steps from a stored result's criterion points to its total (ScoreResult.to_dict() form)."""
    criteria = result.get("criteria") or ()
    earned = sum(float(c["earned"]) for c in criteria)
    weight = sum(float(c["max"]) for c in criteria)
    capping = frozenset(capping)
    caps = tuple(
        CapLine(r["code"], r.get("message", ""), tuple((int(a), int(b)) for a, b in r.get("evidence") or ()))
        for r in result.get("review_reasons") or () if r.get("code") in capping
    )
    curved = curve_total(earned, weight)
    return TotalExplanation(
        earned=earned, weight=weight, share=earned / weight if weight else 0.0, curved=curved, caps=caps,
        capped_to=capped_total(100, pass_mark) if caps else None, total=int(result.get("total", 0)),
    )
