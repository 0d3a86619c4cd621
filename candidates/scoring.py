"""The method's score → colour rule, as one pure function, and its presets.

The article gives two rules (METHOD.md): its quick-score table (6–8 green, 3–5 yellow,
0–2 red), which is the product's default, and its section headings (4+ green, 2–3 yellow,
0–1 red). A workspace may also set its own two thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_SCORE = 8


class Colour(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class Light(models.TextChoices):
    """What a candidate's light shows: its colour, or grey until the first box is ticked (an
    untouched checklist is no verdict, not a red 0/8: imported rows, a name just added)."""

    GREEN = Colour.GREEN.value, Colour.GREEN.label
    YELLOW = Colour.YELLOW.value, Colour.YELLOW.label
    RED = Colour.RED.value, Colour.RED.label
    UNSCORED = "unscored", _("Not scored yet")


class Rule(models.TextChoices):
    QUICK_SCORE = "quick", _("Quick-score table (6–8 green, 3–5 yellow, 0–2 red)")
    HEADINGS = "headings", _("Section headings (4+ green, 2–3 yellow, 0–1 red)")
    CUSTOM = "custom", _("Custom thresholds")


@dataclass(frozen=True)
class Thresholds:
    green_min: int
    yellow_min: int

    def is_valid(self) -> bool:
        """Three non-empty bands over 0–8: red 0..yellow_min-1, yellow, green green_min..8."""
        return 1 <= self.yellow_min < self.green_min <= MAX_SCORE


PRESETS = {
    Rule.QUICK_SCORE: Thresholds(green_min=6, yellow_min=3),
    Rule.HEADINGS: Thresholds(green_min=4, yellow_min=2),
}


def colour_for(score: int, thresholds: Thresholds) -> Colour:
    if not 0 <= score <= MAX_SCORE:
        raise ValueError(f"score must be between 0 and {MAX_SCORE}, got {score}")
    if score >= thresholds.green_min:
        return Colour.GREEN
    if score >= thresholds.yellow_min:
        return Colour.YELLOW
    return Colour.RED


def bands(thresholds: Thresholds) -> list[tuple[Colour, int, int]]:
    """(colour, lowest score, highest score) for green, yellow and red."""
    return [
        (Colour.GREEN, thresholds.green_min, MAX_SCORE),
        (Colour.YELLOW, thresholds.yellow_min, thresholds.green_min - 1),
        (Colour.RED, 0, thresholds.yellow_min - 1),
    ]


@dataclass(frozen=True)
class Advice:
    icon: str
    title: str
    text: str


# What each colour means: the method's recommendation (METHOD.md).
ADVICE = {
    Colour.GREEN: Advice(
        "✔",
        _("Strategic alliance: go."),
        _(
            "Design it and execute it: an operating model (how leads are passed, served and "
            "charged) and metrics (how you will know it worked)."
        ),
    ),
    Colour.YELLOW: Advice(
        "!",
        _("A pilot, not an alliance."),
        _(
            "Don't call it an alliance: run a small, measurable pilot of 2–4 weeks. One simple "
            "offer, a 3-line recommendation script, one way to measure, a review on day 14."
        ),
    ),
    Colour.RED: Advice(
        "✖",
        _("Don't invest energy."),
        _(
            "At most an open referral: if a sale ever happens it is rewarded, but no meetings, "
            "no expectations, no management time."
        ),
    ),
}


def advice_for(colour: str) -> Advice:
    return ADVICE[Colour(colour)]
