from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from candidates.criteria import CRITERIA, CRITERION_FIELDS, FILTER_QUESTIONS
from candidates.models import Asset, Candidate, Evaluation, ScoringSettings, Status
from candidates.scoring import Colour, Rule, Thresholds

FILTER_HELP = dict(FILTER_QUESTIONS)


class CandidateForm(forms.ModelForm):
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


class _ChecklistFormBase(forms.Form):
    """The 8 ticks and their optional notes; the view rescores and saves.

    A plain Form, not a ModelForm: it is built at every tick, and the model validation a
    ModelForm adds has nothing to check here (the model's constraints are on the score and
    colour, which the view sets by rescoring). `make bench` measured a third less work.
    """

    def __init__(self, data=None, *, instance: Evaluation):
        super().__init__(
            data, initial={field: getattr(instance, field) for field in CHECKLIST_FIELDS}
        )
        self.instance = instance

    def apply(self) -> Evaluation:
        """The evaluation with the valid ticks and notes set on it (not saved yet)."""
        for field in CHECKLIST_FIELDS:
            setattr(self.instance, field, self.cleaned_data[field])
        return self.instance

    def fields_to_save(self) -> list[str]:
        """What saving must write: the eight ticks with the score and colour they give
        (always together, so that they agree even when two tabs tick at once) and the notes
        that changed (the others would be written unchanged)."""
        notes = [
            c.note_field
            for c in CRITERIA
            if self.cleaned_data[c.note_field] != self.initial[c.note_field]
        ]
        return [*CRITERION_FIELDS, *notes, "score", "colour"]

    def rows(self):
        """(criterion, tick field, note field) for the template."""
        return [(c, self[c.field], self[c.note_field]) for c in CRITERIA]


# One tick and one note field per criterion (CRITERIA is the single list of them).
ChecklistForm = type(
    "ChecklistForm",
    (_ChecklistFormBase,),
    {
        "__module__": __name__,
        **{
            c.field: forms.BooleanField(label=c.label, help_text=c.help, required=False)
            for c in CRITERIA
        },
        **{
            c.note_field: forms.CharField(
                label=lazy(_note_label, str)(c), required=False, max_length=NOTE_MAX_LENGTH
            )
            for c in CRITERIA
        },
    },
)


class ScoringSettingsForm(forms.ModelForm):
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
                self.add_error(
                    "custom_green_min",
                    _(
                        "The thresholds must split 0–8 into three bands: "
                        "yellow from 1 or more, and green above yellow, up to 8."
                    ),
                )
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
    "score": ("-current_score", "-created_at", "-id"),
    "-score": ("current_score", "-created_at", "-id"),
    "new": ("-created_at", "-id"),
    "old": ("created_at", "id"),
    "name": ("name", "id"),
}


class CandidateFilterForm(forms.Form):
    """The list's search, filters and sort (GET); invalid values are ignored."""

    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)
    colour = forms.ChoiceField(
        label=_("Colour"), choices=[("", _("All colours")), *Colour.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *Status.choices], required=False
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("score", _("Score, highest first")),
            ("-score", _("Score, lowest first")),
            ("new", _("Newest first")),
            ("old", _("Oldest first")),
            ("name", _("Name")),
        ],
    )
    archived = forms.BooleanField(label=_("Archived only"), required=False)

    def filter(self, queryset):
        if not self.is_valid():
            return queryset.active().order_by(*SORTS["new"])
        data = self.cleaned_data
        queryset = queryset.filter(archived_at__isnull=not data["archived"])
        if data["q"]:
            queryset = queryset.filter(name__icontains=data["q"])
        if data["colour"]:
            queryset = queryset.filter(current_colour=data["colour"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        return queryset.order_by(*SORTS[data["sort"] or "new"])


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One candidate per row, with a “Name” column; the other columns of the export are "
            "optional. Spanish or English headers; separated by ; or ,."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
