"""The alliance page's small charts: each metric over the last months against its monthly
target, as bar positions for a server-rendered SVG (no JavaScript library). The figures are
also in the page's text (this month's, next to the chart; the months', in its table)."""

from __future__ import annotations

from decimal import Decimal

from alliances.models import MetricProgress

# Geometry, in the SVG's own units (it scales to the width it is given: a phone's, too).
WIDTH, HEIGHT = 300, 130
TOP, BOTTOM = 18, 20  # room for each bar's figure above, and the month below
SLOT = 50  # per month; a bar fills BAR of it
BAR = 30
MET_FILL, SHORT_FILL = "#1b5e20", "#757575"  # the app's green; a neutral grey


def month_bars(progress: MetricProgress) -> dict:
    """Positions of one bar per month (green once it reached the target) and of the
    target's line, scaled to the largest of the figures and the target."""
    target = progress.target or Decimal(0)
    top = max([target, *(value for _month, value in progress.months)]) or Decimal(1)
    room = HEIGHT - TOP - BOTTOM
    bars = []
    for index, (month, value) in enumerate(progress.months):
        height = int(room * value / top)
        x = index * SLOT + (SLOT - BAR) // 2
        bars.append(
            {
                "month": month,
                "value": value,
                "x": x,
                "middle": x + BAR // 2,
                "y": HEIGHT - BOTTOM - height,
                "height": height,
                "fill": MET_FILL if target and value >= target else SHORT_FILL,
            }
        )
    target_y = HEIGHT - BOTTOM - int(room * target / top) if target else None
    return {
        "width": SLOT * len(bars) or WIDTH,
        "height": HEIGHT,
        "bar_width": BAR,
        "label_y": HEIGHT - 5,
        "bars": bars,
        "target_y": target_y,
    }
