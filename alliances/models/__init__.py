"""The alliances app's models: the alliance and its design (alliance.py; the design in words:
design_text.py), what flows in while it runs (logs.py), and its periodic reviews and
reminders (reviews.py). alliance.py comes first: the others refer to Alliance."""

# ruff: noqa: F403
from alliances.models.alliance import *
from alliances.models.logs import *
from alliances.models.reviews import *
