"""The method's score → colour rule (METHOD.md), every score under every rule."""

from __future__ import annotations

import itertools

import pytest

from candidates.scoring import (
    MAX_SCORE,
    PRESETS,
    Colour,
    Rule,
    Thresholds,
    advice_for,
    colour_for,
)

GREEN, YELLOW, RED = Colour.GREEN, Colour.YELLOW, Colour.RED

# Each table lists the colour of scores 0, 1, 2 … 8 in order.
# The article's quick-score table, the product's default: 6–8 green, 3–5 yellow, 0–2 red.
QUICK_SCORE = dict(enumerate([RED, RED, RED, YELLOW, YELLOW, YELLOW, GREEN, GREEN, GREEN]))
# The article's section headings: 4+ green, 2–3 yellow, 0–1 red.
HEADINGS = dict(enumerate([RED, RED, YELLOW, YELLOW, GREEN, GREEN, GREEN, GREEN, GREEN]))


@pytest.mark.parametrize(("score", "colour"), QUICK_SCORE.items())
def test_the_quick_score_table_colours_every_score(score, colour):
    assert colour_for(score, PRESETS[Rule.QUICK_SCORE]) == colour


@pytest.mark.parametrize(("score", "colour"), HEADINGS.items())
def test_the_section_headings_colour_every_score(score, colour):
    assert colour_for(score, PRESETS[Rule.HEADINGS]) == colour


def test_the_presets_cover_every_score_from_zero_to_eight():
    assert set(QUICK_SCORE) == set(HEADINGS) == set(range(MAX_SCORE + 1))


def test_it_turns_yellow_at_three_points_by_default():
    assert colour_for(2, PRESETS[Rule.QUICK_SCORE]) == RED
    assert colour_for(3, PRESETS[Rule.QUICK_SCORE]) == YELLOW


def test_it_turns_green_at_six_points_by_default():
    assert colour_for(5, PRESETS[Rule.QUICK_SCORE]) == YELLOW
    assert colour_for(6, PRESETS[Rule.QUICK_SCORE]) == GREEN


@pytest.mark.parametrize(
    ("green_min", "yellow_min", "score", "colour"),
    [
        # The narrowest bands: only 0 is red, only 8 is green.
        (8, 1, 0, RED),
        (8, 1, 1, YELLOW),
        (8, 1, 7, YELLOW),
        (8, 1, 8, GREEN),
        # Yellow is a single score.
        (5, 4, 3, RED),
        (5, 4, 4, YELLOW),
        (5, 4, 5, GREEN),
        # Green as low as the bands allow.
        (2, 1, 0, RED),
        (2, 1, 1, YELLOW),
        (2, 1, 2, GREEN),
        (2, 1, 8, GREEN),
        # Red takes most of the range.
        (8, 7, 6, RED),
        (8, 7, 7, YELLOW),
        (8, 7, 8, GREEN),
    ],
)
def test_custom_thresholds_switch_colour_exactly_at_their_edges(
    green_min, yellow_min, score, colour
):
    assert colour_for(score, Thresholds(green_min=green_min, yellow_min=yellow_min)) == colour


@pytest.mark.parametrize(
    ("green_min", "yellow_min"),
    list(itertools.product(range(-1, MAX_SCORE + 3), repeat=2)),
)
def test_thresholds_are_valid_only_when_they_make_three_non_empty_bands(green_min, yellow_min):
    expected = 1 <= yellow_min < green_min <= MAX_SCORE
    assert Thresholds(green_min=green_min, yellow_min=yellow_min).is_valid() is expected


def test_both_presets_are_valid_thresholds():
    assert all(thresholds.is_valid() for thresholds in PRESETS.values())


@pytest.mark.parametrize("score", [-1, 9, 100])
def test_a_score_outside_zero_to_eight_is_refused(score):
    with pytest.raises(ValueError, match="between 0 and 8"):
        colour_for(score, PRESETS[Rule.QUICK_SCORE])


@pytest.mark.parametrize(
    ("colour", "title"),
    [
        (GREEN, "Strategic alliance: go."),
        (YELLOW, "A pilot, not an alliance."),
        (RED, "Don't invest energy."),
    ],
)
def test_each_colour_comes_with_the_methods_recommendation(colour, title):
    assert str(advice_for(colour).title) == title
