"""What every form of the apps shares."""

from __future__ import annotations

from django import forms

from semaforo.lib.validators import reject_control_characters


class NoControlCharactersMixin:
    """Refuse control characters in every text field of the form (CharField and its
    subclasses: email, URL, password…), as a field error, before anything is saved.

    First in the bases: `class CandidateForm(NoControlCharactersMixin, forms.ModelForm)`.
    A text field that a subclass adds after calling super().__init__() is not covered.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Each form instance has its own copy of the fields (and of their validators).
            if isinstance(field, forms.CharField):
                field.validators.append(reject_control_characters)
