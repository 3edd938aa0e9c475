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
