"""The forms of an alliance's periodic review, and of a sales channel's check-in."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alliances.models import DIAGNOSTIC_FIELDS, NOTES_MAX_CHARS, Alliance, Decision
from candidates.models import Kind
from pilots.models import DIAGNOSTICS
from semaforo.lib.forms import NoControlCharactersMixin


class ReviewForm(NoControlCharactersMixin, forms.Form):
    """The prompts ticked, the decision, the new kind (only to change it) and notes."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    new_kind = forms.ChoiceField(
        label=_("New kind (only to change its kind)"),
        choices=Kind.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=NOTES_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, alliance: Alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.alliance = alliance
        for field, label in DIAGNOSTICS:
            self.fields[field] = forms.BooleanField(label=label, required=False)
        # Changing kind means another kind than the one it has.
        self.fields["new_kind"].choices = [c for c in Kind.choices if c[0] != alliance.kind]

    def diagnostic_fields(self):
        return [self[field] for field in DIAGNOSTIC_FIELDS]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") != Decision.CHANGE_KIND:
            cleaned["new_kind"] = ""
            self._errors.pop("new_kind", None)  # a choice it does not ask for: never an error
        elif not cleaned.get("new_kind") and "new_kind" not in self.errors:
            self.add_error("new_kind", _("Choose the kind it becomes."))
        return cleaned


class CheckInForm(NoControlCharactersMixin, forms.Form):
    """The "Check-in done" button: carries the check-in date the page showed, so a double
    tap (or a teammate's tap meanwhile) records it once."""

    due_date = forms.DateField(required=False, widget=forms.HiddenInput)
