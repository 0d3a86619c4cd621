from __future__ import annotations

from candidates.scoring import MAX_SCORE


def method(request) -> dict:
    """The method's constants for every template: the light and the badges show a score
    out of `max_score`, never a hard-coded 8."""
    return {"max_score": MAX_SCORE}
