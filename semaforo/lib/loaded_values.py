"""Whole forms that may be stale: they carry the values they were loaded with.

A candidate's edit page or a settings page saves a whole record, and another tab or a
teammate may have changed it since the page was shown. The form carries the values it was
loaded with (one signed hidden field), so on submit each field is one of:

- changed by nobody, or by this person only: saved as typed;
- changed meanwhile by someone else only: what is stored is kept (this person never saw it);
- changed by both, differently: a conflict. Nothing is saved; the field says what it is now,
  this person's input stays in the form, and saving again keeps their version.

A form without the hidden field (the test client, an older page) saves as typed.
"""

from __future__ import annotations

import contextlib
import json

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy as _

SALT = "semaforo.loaded-values"


def _jsonable(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


class LoadedValuesMixin:
    """For a ModelForm bound to a record others may edit: first in the bases. After
    is_valid(), `kept_theirs` names the fields whose meanwhile-changed value was kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept_theirs: list[str] = []
        self.fields[self.loaded_name] = forms.CharField(required=False, widget=forms.HiddenInput)
        self.initial[self.loaded_name] = signing.dumps(self._stored(), salt=SALT, compress=True)

    @property
    def loaded_name(self) -> str:
        # One per model, so two such forms can share a page.
        return f"loaded_{self._meta.model._meta.model_name}"

    def _edited(self) -> list[str]:
        return [name for name in self.fields if name != self.loaded_name]

    def _stored(self) -> dict:
        """The record's values now, as the form's initial values (JSON-ready)."""
        return {name: _jsonable(self[name].initial) for name in self._edited()}

    def _loaded(self) -> dict | None:
        raw = self.data.get(self.add_prefix(self.loaded_name)) if self.is_bound else None
        if not raw:
            return None
        try:
            return signing.loads(raw, salt=SALT)
        except signing.BadSignature:
            return None

    def _same(self, name: str, a, b) -> bool:
        field = self.fields[name]
        with contextlib.suppress(ValidationError):
            a, b = (field.to_python(field.prepare_value(value)) for value in (a, b))
        # Browsers send a text area's line breaks as CR LF; stored text may have LF alone.
        if isinstance(a, str) and isinstance(b, str):
            return a.replace("\r\n", "\n") == b.replace("\r\n", "\n")
        return a == b

    def clean(self):
        cleaned = super().clean()
        loaded = self._loaded()
        if loaded is None:
            return cleaned
        stored = self._stored()
        conflict = False
        for name in self._edited():
            if name not in cleaned or name not in loaded:
                continue
            if self._same(name, stored[name], loaded[name]):
                continue  # nobody else changed it
            if self._same(name, cleaned[name], loaded[name]):
                # Changed meanwhile by someone else, untouched here: keep theirs.
                cleaned[name] = self[name].initial
                self.kept_theirs.append(str(self.fields[name].label or name))
            elif not self._same(name, cleaned[name], stored[name]):
                conflict = True
                self.add_error(name, self._conflict_error(name, stored[name]))
        if conflict:
            # Saving again keeps this person's version: they have now seen the other one.
            data = self.data.copy()
            data[self.add_prefix(self.loaded_name)] = signing.dumps(
                stored, salt=SALT, compress=True
            )
            self.data = data
        return cleaned

    def _conflict_error(self, name: str, now) -> ValidationError:
        shown = now if now not in (None, "", []) else _("(empty)")
        if isinstance(shown, list):
            shown = ", ".join(str(item) for item in shown)
        return ValidationError(
            _(
                "Someone changed this while you were editing; it is now: “%(value)s”. "
                "Your version is below: save again to keep it."
            ),
            code="changed_meanwhile",
            params={"value": str(shown)[:300]},
        )


def tell_what_was_kept(request, *forms_saved) -> None:
    """After a save: name the fields changed meanwhile by someone else, and kept."""
    from django.contrib import messages

    kept = [label for form in forms_saved for label in form.kept_theirs]
    if kept:
        messages.info(
            request,
            _("Changed meanwhile by someone else, and kept: %(fields)s.")
            % {"fields": ", ".join(kept)},
        )
