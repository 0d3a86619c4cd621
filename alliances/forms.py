from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from alliances.models import (
    CENT,
    DESIGN_FIELDS,
    MAX_BENEFIT_AMOUNT,
    MAX_METRICS,
    MAX_MONTHLY_TARGET,
    MAX_PERCENT,
    METRIC_NAME_MAX_CHARS,
    PERCENT_MESSAGE,
    Alliance,
    BenefitRule,
    Entry,
    FollowUp,
    Measure,
    Metric,
    TimeEntry,
    in_asset_order,
)
from candidates.models import Asset, Kind
from pilots.forms import DateInput, OneTimeTokenMixin, clean_log_date
from semaforo.lib.forms import NoControlCharactersMixin
from semaforo.lib.loaded_values import LoadedValuesMixin

ROWS = range(1, MAX_METRICS + 1)
PARTS = ("measure", "name", "target")


def _lazy_label(template, number: int):
    """A row's label, translated when shown (the form class is built once, at import)."""
    return lazy(lambda: str(template) % {"number": number}, str)()


def _model_label(field: str):
    return capfirst(Alliance._meta.get_field(field).verbose_name)  # stays lazy


def _assets_field(field: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_model_label(field),
        choices=Asset.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def _measure_field(number: int) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_lazy_label(_("Metric %(number)s"), number),
        choices=[("", "—"), *Measure.choices],
        required=False,
    )


def _name_field(number: int) -> forms.CharField:
    return forms.CharField(
        label=_lazy_label(_("Metric %(number)s: name"), number),
        max_length=METRIC_NAME_MAX_CHARS,
        required=False,
    )


def _target_field(number: int) -> forms.DecimalField:
    # No max_digits: a huge number gets the one message below, not a second about digits.
    return forms.DecimalField(
        label=_lazy_label(_("Metric %(number)s: monthly target"), number),
        required=False,
        min_value=CENT,
        max_value=MAX_MONTHLY_TARGET,
        decimal_places=2,
        error_messages={
            "min_value": _("A monthly target is more than 0."),
            "max_value": _("A monthly target is at most %(limit_value)s."),
        },
    )


def metric_name(number: int, part: str) -> str:
    return f"metric_{number}_{part}"


class DesignForm(LoadedValuesMixin, NoControlCharactersMixin, forms.ModelForm):
    """The whole design on one page: the exchange, the three answers, 1–3 metrics (fixed
    rows: row n is the metric at position n, so a double tap saves the same rows), the
    cadence, the people responsible, and by kind the benefit rule or the follow-up.

    Stale-safe as a whole (LoadedValuesMixin: the metric rows are among its fields)."""

    they_bring = _assets_field("they_bring")
    we_bring = _assets_field("we_bring")
    metric_1_measure, metric_1_name, metric_1_target = (
        _measure_field(1),
        _name_field(1),
        _target_field(1),
    )
    metric_2_measure, metric_2_name, metric_2_target = (
        _measure_field(2),
        _name_field(2),
        _target_field(2),
    )
    metric_3_measure, metric_3_name, metric_3_target = (
        _measure_field(3),
        _name_field(3),
        _target_field(3),
    )
    benefit_value = forms.DecimalField(
        label=_model_label("benefit_value"),
        help_text=_("A percentage (up to 100) or an amount, as the rule says."),
        required=False,
        min_value=Decimal(0),
        max_value=MAX_BENEFIT_AMOUNT,
        decimal_places=2,
        error_messages={"max_value": _("A benefit is at most %(limit_value)s.")},
    )

    class Meta:
        model = Alliance
        fields = [*DESIGN_FIELDS]
        widgets = {
            "how_passed": forms.Textarea(attrs={"rows": 2}),
            "how_served": forms.Textarea(attrs={"rows": 2}),
            "how_charged": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "how_passed": _(
                "For example: they hand over our card, and the customer books by WhatsApp."
            ),
        }

    def __init__(self, *args, instance: Alliance, **kwargs):
        # The metric rows' values as loaded, before the stale-safe mixin records them.
        kwargs["initial"] = {**_metric_initial(instance), **kwargs.get("initial", {})}
        super().__init__(*args, instance=instance, **kwargs)
        self.metric_rows: list[Metric | None] = []
        self.fields["follow_up"].choices = [("", BenefitRule.NONE.label), *FollowUp.choices]
        # Changing the kind of a running alliance is a review's decision, not an edit.
        self.fields["kind"].disabled = not instance.is_in_design()
        self.fields["margin_per_sale"].required = False  # empty: sales not priced (0)

    def clean_margin_per_sale(self):
        return self.cleaned_data["margin_per_sale"] or Decimal(0)

    def metric_fields(self):
        """The page's metric rows: [(measure, name, target)] bound fields."""
        return [tuple(self[metric_name(n, part)] for part in PARTS) for n in ROWS]

    def design_fields(self) -> list[str]:
        return [field for field in DESIGN_FIELDS if not self.fields[field].disabled]

    def clean_they_bring(self):
        return in_asset_order(self.cleaned_data["they_bring"])

    def clean_we_bring(self):
        return in_asset_order(self.cleaned_data["we_bring"])

    def clean(self):
        cleaned = super().clean()
        self._clean_by_kind(cleaned)
        self.metric_rows = [self._metric_row(cleaned, number) for number in ROWS]
        return cleaned

    def _post_clean(self):
        super()._post_clean()  # the instance now holds the design as typed
        if self.instance.is_active():
            self._refuse_gaps(_("An active alliance needs this."))

    def _clean_by_kind(self, cleaned: dict) -> None:
        """Only a referral programme has a benefit rule, only a sales channel a follow-up."""
        kind = cleaned.get("kind")
        if kind != Kind.CHANNEL:
            self._not_asked(cleaned, "follow_up", "")
        if kind != Kind.REFERRAL:
            self._not_asked(cleaned, "benefit_rule", BenefitRule.NONE)
        rule, value = cleaned.get("benefit_rule"), cleaned.get("benefit_value")
        if rule in (None, BenefitRule.NONE):
            self._not_asked(cleaned, "benefit_value", None)
        elif value is None and "benefit_value" not in self.errors:
            self.add_error("benefit_value", _("Enter the benefit: a percentage or an amount."))
        elif rule == BenefitRule.PERCENT and value is not None and value > MAX_PERCENT:
            self.add_error("benefit_value", PERCENT_MESSAGE)

    def _not_asked(self, cleaned: dict, field: str, value) -> None:
        """A field this kind does not ask for (the page hides it): emptied, never an error."""
        cleaned[field] = value
        self._errors.pop(field, None)

    def _metric_row(self, cleaned: dict, number: int) -> Metric | None:
        measure, name, target = (cleaned.get(metric_name(number, part)) for part in PARTS)
        if not measure and not name and target is None:
            return None  # an empty row: no metric there
        if not measure:
            self.add_error(metric_name(number, "measure"), _("Choose what this metric counts."))
        elif measure == Measure.CUSTOM and not name:
            self.add_error(metric_name(number, "name"), _("Name what this metric counts."))
        return Metric(position=number, measure=measure, name=name, monthly_target=target)

    def _refuse_gaps(self, question_message) -> bool:
        """Mark next to each field what an active alliance needs and this design lacks."""
        gaps = self.instance.gaps(self.metric_rows)
        for field, _phrase in gaps:
            if field == "metrics":
                self.add_error(
                    metric_name(1, "target"),
                    _("Give at least one metric a monthly target."),
                )
            else:
                self.add_error(field, question_message)
        return bool(gaps)

    def refuse_unready(self) -> bool:
        """Before "Save and activate": True (and the form shows why) when the design lacks
        what an active alliance needs. Nothing is saved then; the input stays in the form."""
        missing = self.instance.missing(self.metric_rows)
        if not self._refuse_gaps(_("Answer this to activate the alliance.")):
            return False
        self.add_error(
            None,
            _("Not activated yet: the design still needs %(missing)s. Nothing was saved.")
            % {"missing": ", ".join(str(phrase) for phrase in missing)},
        )
        return True

    def save_design(self, user) -> None:
        self.instance.write_design(user, self.metric_rows, self.design_fields())


def _metric_initial(alliance: Alliance) -> dict:
    initial = {}
    for metric in alliance.metrics.all():
        initial[metric_name(metric.position, "measure")] = metric.measure
        initial[metric_name(metric.position, "name")] = metric.name
        initial[metric_name(metric.position, "target")] = metric.monthly_target
    return initial


class AgreementForm(NoControlCharactersMixin, forms.ModelForm):
    """The agreement link (the alliance's one-pager): the language the partner reads it in."""

    class Meta:
        model = Alliance
        fields = ["one_pager_language"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_agreement_%s")
        super().__init__(*args, **kwargs)
        languages = Alliance._meta.get_field("one_pager_language").choices
        self.fields["one_pager_language"].choices = [
            ("", _("The language of their browser")),
            *languages,
        ]


# --- Running it: the logs, and the referral programme's ledger ------------------------------


class LogLineForm(NoControlCharactersMixin, OneTimeTokenMixin, forms.ModelForm):
    """A dated line of one of a running alliance's logs, once per form shown (its one-time
    token): dated on a day that has come where the business is, within the last few years."""

    def __init__(self, *args, alliance: Alliance, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.alliance, self.today = alliance, today
        self.fields["date"].initial = today

    def clean_date(self):
        return clean_log_date(self.cleaned_data["date"], self.today)


class EntryForm(LogLineForm):
    """Results: referrals, sales, revenue, and the owner's own count when a metric counts
    something else."""

    class Meta:
        model = Entry
        fields = ["date", "referrals", "sales", "revenue", "other", "note", "form_token"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_result_%s")
        super().__init__(*args, **kwargs)
        if not any(metric.measure == Measure.CUSTOM for metric in self.alliance.metrics.all()):
            del self.fields["other"]

    def clean(self):
        cleaned = super().clean()
        counted = ("referrals", "sales", "revenue", "other")
        if not any(cleaned.get(field) for field in counted) and not cleaned.get("note"):
            raise forms.ValidationError(
                _("Enter at least one referral, sale, revenue or a note."), code="empty"
            )
        return cleaned


class TimeForm(LogLineForm):
    """Coordination time: what the alliance's margin has to pay for."""

    class Meta:
        model = TimeEntry
        fields = ["date", "minutes", "kind", "note", "form_token"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, **kwargs):
        # Shown next to the result form, which also has "date" and "note": distinct ids.
        kwargs.setdefault("auto_id", "id_time_%s")
        super().__init__(*args, **kwargs)


# Lines marked paid in one go: a page of the ledger (100 lines), with room to spare, and
# under the fields a request may carry (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS).
MAX_LINES_PAID = 400
FIRST_YEAR, LAST_YEAR = 2000, 9999


class LineIdsField(forms.Field):
    """The lines of the ledger ticked on the page (their ids): numbers only, a bounded list.
    Which of them belong to the alliance, and are still unpaid, the model decides."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        values = [] if value in (None, "") else value
        values = values if isinstance(values, list | tuple) else [values]
        if len(values) > MAX_LINES_PAID:
            raise forms.ValidationError(
                _("Mark at most %(count)d lines at a time.") % {"count": MAX_LINES_PAID},
                code="too_many",
            )
        if not all(str(item).isdigit() and len(str(item)) <= 18 for item in values):
            raise forms.ValidationError(_("Tick the lines you paid."), code="invalid")
        return [int(item) for item in values]


class MarkPaidForm(NoControlCharactersMixin, forms.Form):
    """Mark the lines ticked in the ledger paid, on a date."""

    lines = LineIdsField(
        label=_("Lines paid"), error_messages={"required": _("Tick the lines you paid.")}
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    # The year of the ledger the form was on: the page to come back to.
    year = forms.IntegerField(
        min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, today: date, **kwargs):
        kwargs.setdefault("auto_id", "id_paid_%s")
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["paid_on"].initial = today

    def clean_paid_on(self):
        return clean_log_date(self.cleaned_data["paid_on"], self.today)
