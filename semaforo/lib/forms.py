"""What every form of the apps shares."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import router
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from semaforo.lib.validators import reject_control_characters

# A database rule that no form check caught and that has no words of its own: never its name.
CONSTRAINT_MESSAGE = _("This value does not fit with the rest of the form: please check it.")


def one_line_end(to_python):
    """Wrap a text field's to_python: CR LF and CR become LF before any length is counted.

    Browsers send a text area's line breaks as CR LF, while its maxlength counts each as one
    character: a 5,000-character note with a line break would arrive as 5,001.
    """

    def normalised(value):
        value = to_python(value)
        if isinstance(value, str):
            return value.replace("\r\n", "\n").replace("\r", "\n")
        return value

    return normalised


class NoControlCharactersMixin:
    """Refuse control characters in every text field of the form (CharField and its
    subclasses: email, URL, password…), as a field error, before anything is saved; count a
    line break in a text area as one character; and word the database's rules (constraints)
    as field errors, never by their names.

    First in the bases: `class CandidateForm(NoControlCharactersMixin, forms.ModelForm)`.
    A text field that a subclass adds after calling super().__init__() is not covered.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Each form instance has its own copy of the fields (and of their validators).
            if isinstance(field, forms.CharField):
                field.validators.append(reject_control_characters)
                if isinstance(field.widget, forms.Textarea):
                    field.to_python = one_line_end(field.to_python)

    def validate_constraints(self):
        """A ModelForm's check of the model's constraints, each violation shown next to the
        field it concerns (the last of the form's fields it names), in the constraint's own
        words (`violation_error_message`) or, for one without, in general words."""
        exclude = self._get_validation_exclusions()
        using = router.db_for_write(type(self.instance), instance=self.instance)
        for model, constraints in self.instance.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model, self.instance, exclude=exclude, using=using)
                except ValidationError as error:
                    self._add_constraint_error(constraint, error)

    def _add_constraint_error(self, constraint, error: ValidationError) -> None:
        has_words = constraint.violation_error_message != constraint.default_violation_error_message
        if error.code == "unique" or has_words:
            # A unique constraint on fields words itself ("… with this … already exists").
            message = error
        else:
            message = ValidationError(CONSTRAINT_MESSAGE, code="constraint")
        named = _fields_named(constraint)
        fields = [name for name in self.fields if name in named and name not in self.errors]
        self.add_error(fields[-1] if fields else None, message)


def _fields_named(constraint) -> set[str]:
    """The model fields a constraint refers to (its fields, or those of its condition)."""
    names = set(getattr(constraint, "fields", ()) or ())
    for part in (getattr(constraint, "condition", None), *getattr(constraint, "expressions", ())):
        if part is not None:
            names |= _referred(part)
    return names


def _referred(node) -> set[str]:
    """Field names in a Q object or an expression (its lookups and F() references)."""
    if isinstance(node, Q):
        names = set()
        for child in node.children:
            if isinstance(child, tuple):  # ("review_date__gt", F("start_date"))
                lookup, value = child
                names |= {lookup.split("__")[0]} | _referred(value)
            else:
                names |= _referred(child)
        return names
    if isinstance(node, F):
        return {node.name.split("__")[0]}
    if hasattr(node, "get_source_expressions"):
        return set().union(*(_referred(e) for e in node.get_source_expressions()))
    return set()
