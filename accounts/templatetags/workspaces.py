"""`{% workspace_field %}`: the hidden input that binds a form to the workspace it was shown in.

A built-in tag (settings.TEMPLATES): every form of a workspace's pages puts it next to
`{% csrf_token %}`, and `workspace_required` acts in that workspace, whatever another tab
switched the session to meanwhile (accounts/workspaces.py).
"""

from __future__ import annotations

from django import template

from accounts.workspaces import FIELD_NAME, get_membership

register = template.Library()


@register.inclusion_tag("_workspace_field.html", takes_context=True)
def workspace_field(context) -> dict:
    request = context.get("request")
    membership = getattr(request, "membership", None) or (request and get_membership(request))
    return {"name": FIELD_NAME, "workspace": membership.workspace if membership else None}
