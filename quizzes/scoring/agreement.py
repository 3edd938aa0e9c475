"""Agreement between the automatic scorer and supervisors (pure Python)."""
from __future__ import annotations

from typing import Sequence


def band_of(total: float, *, width: int = 10) -> int:
    """0–100 totals grouped into bands of `width` (100 joins the top band)."""
    return min(int(total) // width, (100 // width) - 1) if width < 100 else 0


def quadratic_weighted_kappa(first: Sequence[int], second: Sequence[int], *, categories: int) -> float | None:
    """Cohen's kappa with quadratic weights between two raters over categories 0..categories-1.

    1.0 is perfect agreement, 0 is chance level; None when it is undefined (fewer than two ratings or
    both raters constant on the same value).
    """
    if len(first) != len(second):
        raise ValueError("both raters must rate the same items")
    n = len(first)
    if n < 2 or categories < 2:
        return None
    if any(not 0 <= value < categories for value in (*first, *second)):
        raise ValueError(f"ratings must lie in 0..{categories - 1}")
    # The weights (i - j)² / (k - 1)² appear in both sums, so they cancel; summing over the items
    # instead of over a k × k table gives the same kappa in O(n):
    #   observed = Σ (a - b)²,   expected = (1/n) Σ_x Σ_y (a_x - b_y)² = Σa² + Σb² - 2·Σa·Σb / n
    numerator = sum((a - b) ** 2 for a, b in zip(first, second))
    sum_a, sum_b = sum(first), sum(second)
    denominator = sum(a * a for a in first) + sum(b * b for b in second) - 2 * sum_a * sum_b / n
    if denominator == 0:
        return None if numerator == 0 and len(set(first) | set(second)) == 1 else 1.0
    return 1.0 - numerator / denominator


def totals_kappa(auto_totals: Sequence[float], final_totals: Sequence[float], *, width: int = 10) -> float | None:
    """Quadratic-weighted kappa of automatic vs final totals, compared in bands of `width` points."""
    categories = 100 // width
    return quadratic_weighted_kappa(
        [band_of(t, width=width) for t in auto_totals], [band_of(t, width=width) for t in final_totals],
        categories=categories,
    )
