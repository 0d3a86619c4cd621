"""Workspace A of the isolation sweep (tests/test_isolation.py), for the sweeps here too."""

from tests.test_isolation import a  # noqa: F401 (a fixture, shared)
