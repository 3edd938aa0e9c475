"""Performance bands from the training material: a certification score maps to a pay coefficient."""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Band:
    floor: int
    coefficient: float
    label: str


# Highest floor first: the first band whose floor the score reaches applies.
BANDS = (
    Band(95, 1.5, _("优秀")),
    Band(80, 1.2, _("良好")),
    Band(65, 1.0, _("合格")),
    Band(0, 0.5, _("待提升")),
)
FLAG_BELOW = 65
FLAG_CONSECUTIVE_ROUNDS = 2
EXPIRY_WARNING_DAYS = 14


def band_for(score: int) -> Band:
    """<65 → 0.5, 65–79 → 1.0, 80–94 → 1.2, ≥95 → 1.5."""
    return next(band for band in BANDS if score >= band.floor)
