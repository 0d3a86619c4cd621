from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from candidates.criteria import CRITERIA, FILTER_QUESTIONS
from candidates.models import (
    THRESHOLDS_MESSAGE,
    Asset,
    Candidate,
    Evaluation,
    ScoringSettings,
    Status,
)
from candidates.scoring import Light, Rule, Thresholds
from semaforo.lib.forms import NoControlCharactersMixin
from semaforo.lib.loaded_values import LoadedValuesMixin

FILTER_HELP = dict(FILTER_QUESTIONS)


class CandidateForm(LoadedValuesMixin, NoControlCharactersMixin, forms.ModelForm):
    assets = forms.MultipleChoiceField(
        label=_("Assets the partner would bring"),
        choices=Asset.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Candidate
        fields = [
            "name",
            "business_type",
            "contact_name",
            "email",
            "phone",
            "website",
            "kind",
            "assets",
            "status",
            "notes",
            "filter_customer",
            "filter_channel",
            "filter_asset",
            "filter_execution",
            "filter_measure",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            **{field: forms.Textarea(attrs={"rows": 2}) for field, _q in FILTER_QUESTIONS},
            "website": forms.URLInput(attrs={"placeholder": "https://"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }
        labels = dict(FILTER_QUESTIONS)

    def __init__(self, *args, with_status: bool | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in ("name", "contact_name", "business_type"):
            self.fields[field].widget.attrs.setdefault("autocomplete", "off")
        if with_status is None:
            # A new candidate starts as "new"; the checklist moves it on. (An import says.)
            with_status = not self.instance._state.adding
        if not with_status:
            del self.fields["status"]


# What the checklist edits: each criterion's tick and note, in the method's order.
CHECKLIST_FIELDS = tuple(f for c in CRITERIA for f in (c.field, c.note_field))
NOTE_MAX_LENGTH = Evaluation._meta.get_field(CRITERIA[0].note_field).max_length


def _note_label(criterion) -> str:
    return _("Note on “%(criterion)s”") % {"criterion": criterion.label}


class ChecklistForm(NoControlCharactersMixin, forms.ModelForm):
    """The 8 ticks and their optional notes, as the page shows them.

    Saved field by field, never as a whole (`changes()`): a tick sends the one control that
    changed, and a whole-form submit (without JavaScript) carries the values the page was
    loaded with, so a box or a note changed meanwhile in another tab or by a teammate is
    kept unless this person changed it too.
    """

    class Meta:
        model = Evaluation
        fields = CHECKLIST_FIELDS
        labels = {c.field: c.label for c in CRITERIA}
        help_texts = {c.field: c.help for c in CRITERIA}

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # The page renders "initial-<field>" inputs with the values it was loaded with.
        loaded = data is not None and any(key.startswith("initial-") for key in data)
        self.sent_with_loaded_values = loaded
        for criterion in CRITERIA:
            if criterion.note_field in self.fields:
                self.fields[criterion.note_field].label = lazy(_note_label, str)(criterion)
        for field in self.fields.values():
            field.show_hidden_initial = loaded

    def changes(self) -> dict:
        """What this submit changed, against the values its page was loaded with (or, for
        a request that does not say, what is stored)."""
        return {field: self.cleaned_data[field] for field in self.changed_data}

    def rows(self):
        """(criterion, tick field, note field) for the template."""
        return [(c, self[c.field], self[c.note_field]) for c in CRITERIA]


# A tick or a note sent alone (htmx names the control that changed): its own small form.
ANSWER_FORMS = {
    field: forms.modelform_factory(Evaluation, form=ChecklistForm, fields=[field])
    for field in CHECKLIST_FIELDS
}


class ScoringSettingsForm(LoadedValuesMixin, NoControlCharactersMixin, forms.ModelForm):
    class Meta:
        model = ScoringSettings
        fields = ["rule", "custom_green_min", "custom_yellow_min"]
        widgets = {"rule": forms.RadioSelect}
        help_texts = {
            "custom_green_min": _("Lowest score (0–8) that is green."),
            "custom_yellow_min": _("Lowest score that is yellow; below it is red."),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("rule") == Rule.CUSTOM:
            green, yellow = cleaned.get("custom_green_min"), cleaned.get("custom_yellow_min")
            if (
                green is not None
                and yellow is not None
                and not Thresholds(green, yellow).is_valid()
            ):
                self.add_error("custom_green_min", THRESHOLDS_MESSAGE)
        else:
            # Keep the stored custom values valid whatever was typed for an unused rule.
            for field in ("custom_green_min", "custom_yellow_min"):
                if field in self.errors:
                    del self.errors[field]
                cleaned[field] = getattr(self.instance, field)
            if not Thresholds(cleaned["custom_green_min"], cleaned["custom_yellow_min"]).is_valid():
                cleaned["custom_green_min"], cleaned["custom_yellow_min"] = 6, 3
        return cleaned


SORTS = {
    "new": ("-created_at", "-id"),
    "score": ("-current_score", "-created_at", "-id"),
    "-score": ("current_score", "-created_at", "-id"),
    "old": ("created_at", "id"),
    "name": ("name", "id"),
}
# What the list applies when no sort is chosen: also the select's first option, so that the
# menu names the order the list is in (a select with no choice shows its first option).
DEFAULT_SORT = "new"


class CandidateFilterForm(NoControlCharactersMixin, forms.Form):
    """The list's search, filters and sort (GET); invalid values are ignored."""

    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)
    colour = forms.ChoiceField(
        label=_("Colour"), choices=[("", _("All colours")), *Light.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *Status.choices], required=False
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("new", _("Newest first")),
            ("score", _("Score, highest first")),
            ("-score", _("Score, lowest first")),
            ("old", _("Oldest first")),
            ("name", _("Name")),
        ],
    )
    archived = forms.BooleanField(label=_("Archived only"), required=False)

    def filter(self, queryset):
        if not self.is_valid():
            return queryset.active().order_by(*SORTS[DEFAULT_SORT])
        data = self.cleaned_data
        queryset = queryset.filter(archived_at__isnull=not data["archived"])
        if data["q"]:
            queryset = queryset.search(data["q"])
        if data["colour"]:
            queryset = queryset.filter(current_colour=data["colour"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        return queryset.order_by(*SORTS[data["sort"] or DEFAULT_SORT])


class ImportForm(NoControlCharactersMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One candidate per row, with a “Name” column; the other columns of the export are "
            "optional. Spanish or English headers; separated by ; or ,."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
