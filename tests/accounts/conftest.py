"""Fixtures only the accounts tests need, on top of the shared personas."""

from __future__ import annotations

import pytest

from accounts.models import Invitation, Role, Workspace


@pytest.fixture
def second_workspace(owner, workspace) -> Workspace:
    """The owner also advises another business: a consultant with two workspaces."""
    return owner.create_workspace("Café Sol")


@pytest.fixture
def invitation(workspace, owner) -> Invitation:
    """A pending invitation for someone who has no account yet."""
    return Invitation.objects.create(
        workspace=workspace, email="newcomer@example.com", role=Role.MEMBER, invited_by=owner
    )
