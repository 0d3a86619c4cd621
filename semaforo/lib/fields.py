"""Model fields shared by the apps."""

from __future__ import annotations

from django.db import models


class WorkspaceCopyField(models.ForeignKey):
    """The workspace of a row's parent (`parent`, e.g. "pilot"), copied into the row when it
    is inserted: by save() and by bulk_create() alike, which both call pre_save().

    The copy lets a per-workspace list be read from one index on this table (newest first,
    best first…) instead of joining through the parent and sorting everything the workspace
    ever had: what the dashboard costs then grows with what it shows, not with history.
    Rows never move between workspaces, so the copy cannot go stale.
    """

    def __init__(self, *args, parent: str, **kwargs):
        self.parent = parent
        kwargs.setdefault("to", "accounts.Workspace")
        kwargs.setdefault("on_delete", models.CASCADE)
        kwargs.setdefault("related_name", "+")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)  # filled in on insert, not by forms
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["parent"] = self.parent
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        if getattr(model_instance, self.attname) is None:
            parent = getattr(model_instance, self.parent)
            setattr(model_instance, self.attname, parent.workspace_id)
        return super().pre_save(model_instance, add)
