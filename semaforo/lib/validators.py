"""Validators shared by the apps' forms."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls but tab, LF and CR (which text areas send), DEL and the C1 range. NUL is left
# to Django's CharField, which refuses it with its own message (one error, not two).
CONTROL_CHARACTERS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_MESSAGE = _(
    "Remove the invisible control characters from this text "
    "(they often come with text pasted from another program)."
)


def reject_control_characters(value) -> None:
    """Refuse invisible control characters: nobody types them (they come pasted from another
    program, or from a script), and HTML and calendar files (RFC 5545) do not allow them."""
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(CONTROL_MESSAGE, code="control_characters")
