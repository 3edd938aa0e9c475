"""Quadratic-weighted kappa (pure): known values.

Expected values come from the identity kappa = 2·cov(x, y) / (var x + var y + (mean x − mean y)²),
worked by hand, not from the implementation."""
from __future__ import annotations

import pytest

from quizzes.scoring.agreement import band_of, quadratic_weighted_kappa, totals_kappa


@pytest.mark.parametrize(
    "first, second, categories, expected",
    [
        ([0, 1, 2, 3], [0, 1, 2, 3], 4, 1.0),
        ([0, 0, 1, 1], [1, 1, 0, 0], 2, -1.0),
        ([0, 1, 2], [0, 2, 1], 3, pytest.approx(0.5)),
        ([1, 2, 3, 4, 5], [1, 2, 3, 4, 4], 6, pytest.approx(3.2 / 3.4)),
    ],
)
def test_known_values(first, second, categories, expected):
    assert quadratic_weighted_kappa(first, second, categories=categories) == expected


def test_undefined_cases():
    assert quadratic_weighted_kappa([1], [1], categories=3) is None
    assert quadratic_weighted_kappa([2, 2], [2, 2], categories=3) is None


def test_bands_cover_zero_to_hundred():
    assert [band_of(t) for t in (0, 9, 10, 95, 100)] == [0, 0, 1, 9, 9]


def test_totals_kappa_perfect_and_disagreeing():
    assert totals_kappa([10, 50, 90], [12, 55, 95]) == 1.0
    assert totals_kappa([10, 50, 90], [90, 50, 10]) < 0


def test_mismatched_lengths_raise():
    with pytest.raises(ValueError):
        quadratic_weighted_kappa([1, 2], [1], categories=3)


def _kappa_from_the_table(first, second, categories):
    """The textbook computation over the k × k table, to check the O(n) one against."""
    n = len(first)
    observed = [[0.0] * categories for _ in range(categories)]
    for a, b in zip(first, second):
        observed[a][b] += 1
    rows = [sum(r) for r in observed]
    cols = [sum(observed[i][j] for i in range(categories)) for j in range(categories)]
    num = sum((i - j) ** 2 * observed[i][j] for i in range(categories) for j in range(categories))
    den = sum((i - j) ** 2 * rows[i] * cols[j] / n for i in range(categories) for j in range(categories))
    return 1.0 - num / den


@pytest.mark.parametrize("seed", range(25))
def test_matches_the_table_computation(seed):
    import random

    rng = random.Random(seed)
    n, k = rng.randint(2, 60), rng.randint(2, 10)
    first = [rng.randrange(k) for _ in range(n)]
    second = [min(k - 1, max(0, a + rng.choice((-2, -1, 0, 0, 1)))) for a in first]
    if len(set(first) | set(second)) == 1:
        second[0] = (second[0] + 1) % k
    assert quadratic_weighted_kappa(first, second, categories=k) == pytest.approx(_kappa_from_the_table(first, second, k))


def test_ratings_outside_the_categories_are_refused():
    with pytest.raises(ValueError):
        quadratic_weighted_kappa([0, 3], [0, 1], categories=3)
