from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from candidates.models import Candidate
from candidates.scoring import Colour
from pilots.costs import Capacity, CostCheck
from pilots.models import (
    DEFAULT_REVIEW_AFTER_DAYS,
    DIAGNOSTICS,
    MAX_DAYS,
    MIN_DAYS,
    SCRIPT_LINE_MAX_CHARS,
    SCRIPT_MAX_LINES,
    CoordinationEntry,
    Decision,
    Measurement,
    Pilot,
    PilotSettings,
    ResultEntry,
)
from semaforo.lib.codes import random_token
from semaforo.lib.forms import NoControlCharactersMixin
from semaforo.lib.loaded_values import LoadedValuesMixin

# How far from today a pilot may start: backfilling a recent one, or planning ahead.
START_WINDOW = timedelta(days=366)


class OneTimeTokenMixin:
    """A hidden one-time token per form shown (model field `form_token`): the database
    keeps one line per token, so a double tap or a resubmitted page records it once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["form_token"]
        field.widget = forms.HiddenInput()
        if not self.is_bound:
            self.initial["form_token"] = random_token()

    def _get_validation_exclusions(self):
        # A token already used is a double tap, not a mistake to show: the view records the
        # line once and says so (pilots.services.append_entry).
        return {*super()._get_validation_exclusions(), "form_token"}


def clean_log_date(value, today):
    """A line of a pilot's logs happened on a day that has come (in the business's calendar),
    within the last few years."""
    if value > today:
        raise forms.ValidationError(_("This date is in the future."), code="future")
    if value < today - timedelta(days=5 * 366):
        raise forms.ValidationError(_("This date is too far in the past."), code="too_old")
    return value


def clean_script(text: str) -> str:
    """1 to 3 non-empty lines, each of a sensible length; blank lines are dropped."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise forms.ValidationError(
            _("Write the recommendation script: 1 to 3 short lines."), code="empty"
        )
    if len(lines) > SCRIPT_MAX_LINES:
        raise forms.ValidationError(
            _("The method asks for a script of 3 lines at most; this one has %(count)d."),
            code="too_many_lines",
            params={"count": len(lines)},
        )
    for number, line in enumerate(lines, start=1):
        if len(line) > SCRIPT_LINE_MAX_CHARS:
            raise forms.ValidationError(
                _("Line %(number)d is too long (%(length)d characters; at most %(max)d)."),
                code="line_too_long",
                params={"number": number, "length": len(line), "max": SCRIPT_LINE_MAX_CHARS},
            )
    return "\n".join(lines)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# What the cost check depends on (pilots/costs.py).
COST_CHECK_FIELDS = ("length_days", "margin_per_sale", "estimated_weekly_hours", "expected_sales")


class PilotForm(NoControlCharactersMixin, forms.ModelForm):
    """The minimum pilot package."""

    # The page checks the cost again, live, when one of these changes (create.html).
    cost_check_fields = COST_CHECK_FIELDS

    override = forms.BooleanField(
        label=_("I know the light is red and I still want to run a pilot."),
        required=False,
    )
    # Asked for only when the estimate is an expensive hobby (see clean()); the template
    # shows it inside the cost check, not with the other fields.
    start_anyway = forms.BooleanField(
        label=_("I know the estimate looks like an expensive hobby and I still want to start."),
        required=False,
    )

    class Meta:
        model = Pilot
        fields = [
            "offer",
            "script",
            "measurement",
            "landing_url",
            "start_date",
            "length_days",
            "review_date",
            "target",
            "margin_per_sale",
            "estimated_weekly_hours",
            "expected_sales",
        ]
        widgets = {
            "script": forms.Textarea(attrs={"rows": 3}),
            "start_date": DateInput(),
            "review_date": DateInput(),
            "landing_url": forms.URLInput(attrs={"placeholder": "https://"}),
        }
        help_texts = {
            "offer": _("One simple, defined offer."),
            "script": _("What the partner says, in 3 lines at most."),
            "landing_url": _(
                "For a tracked link: the web page it leads to, starting with https:// or http://."
            ),
            "length_days": _("2 to 4 weeks: between 14 and 28 days."),
            "review_date": _("Leave empty for day 14."),
            "target": _("Optional: how many referrals would make it worth it."),
            "estimated_weekly_hours": _(
                "Optional: meetings, messages and adjustments, in hours a week."
            ),
            "expected_sales": _("Optional: how many sales you expect from the whole pilot."),
        }

    def __init__(self, *args, candidate: Candidate, **kwargs):
        """For a new pilot with this candidate: the red-light override when its light is
        red, and the cost check and capacity measured in its workspace."""
        super().__init__(*args, **kwargs)
        pilot_settings = PilotSettings.for_workspace(candidate.workspace)
        self.evaluation = candidate.current_evaluation()
        # Not scored yet is no verdict: no override.
        self.needs_override = needs_override = self.evaluation.light() == Colour.RED
        self.hourly_value = pilot_settings.hourly_value
        self.capacity = Capacity.measure(candidate.workspace, pilot_settings, timezone.localdate())
        self.cost_check = self._cost_check({})
        if not needs_override:
            del self.fields["override"]
        self.fields["margin_per_sale"].required = False
        self.fields["start_date"].initial = timezone.localdate()
        self.fields["length_days"].initial = DEFAULT_REVIEW_AFTER_DAYS
        self.fields["review_date"].required = False
        self.fields["length_days"].min_value = MIN_DAYS
        self.fields["length_days"].max_value = MAX_DAYS
        self.fields["length_days"].error_messages.update(
            {
                "min_value": _("A pilot lasts 2 to 4 weeks: at least %(limit_value)s days."),
                "max_value": _("A pilot lasts 2 to 4 weeks: at most %(limit_value)s days."),
            }
        )

    def clean_script(self):
        return clean_script(self.cleaned_data["script"])

    def clean_start_date(self):
        start, today = self.cleaned_data["start_date"], timezone.localdate()
        if not today - START_WINDOW <= start <= today + START_WINDOW:
            raise forms.ValidationError(
                _("Choose a start date within a year of today."), code="start_window"
            )
        return start

    def clean_override(self):
        if not self.cleaned_data.get("override"):
            raise forms.ValidationError(
                _("Tick this box to start a pilot on a red candidate."), code="override"
            )
        return True

    def _cost_check(self, cleaned: dict) -> CostCheck:
        length = cleaned.get("length_days")
        return CostCheck(
            weekly_hours=cleaned.get("estimated_weekly_hours"),
            length_days=length if length is not None and MIN_DAYS <= length <= MAX_DAYS else None,
            hourly_value=self.hourly_value,
            expected_sales=cleaned.get("expected_sales"),
            margin_per_sale=cleaned.get("margin_per_sale") or Decimal(0),
        )

    def is_over_capacity(self) -> bool:
        return self.capacity.is_exceeded_by(self.cost_check.weekly_hours)

    def load_with(self) -> Decimal:
        return self.capacity.load_with(self.cost_check.weekly_hours)

    def non_package_fields(self):
        """Every field but the cost check's own confirmation (shown with the check)."""
        return [field for field in self if field.name != "start_anyway"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("margin_per_sale") is None:
            cleaned["margin_per_sale"] = Decimal("0")
        # Like the red-light override: a warning the owner confirms, not a refusal.
        self.cost_check = self._cost_check(cleaned)
        if self.cost_check.is_expensive_hobby() and not cleaned.get("start_anyway"):
            self.add_error(
                "start_anyway",
                _("Tick this box to start a pilot that is expected to cost more than it earns."),
            )
        if (
            cleaned.get("measurement") == Measurement.TRACKED_LINK
            and not self.data.get(self.add_prefix("landing_url"), "").strip()
        ):
            self.add_error("landing_url", _("A tracked link needs the address it leads to."))
        start, length = cleaned.get("start_date"), cleaned.get("length_days")
        review = cleaned.get("review_date")
        if start is not None and review is not None and review <= start:
            # Said whatever the length: else the database's rule would say it, by its name.
            self.add_error("review_date", _("The review must come after the start date."))
            return cleaned
        if start is None or length is None or not MIN_DAYS <= length <= MAX_DAYS:
            return cleaned
        review = review or start + timedelta(days=DEFAULT_REVIEW_AFTER_DAYS)
        end = start + timedelta(days=length)
        if review > end:
            self.add_error(
                "review_date",
                _("The review must fall inside the pilot (on or before %(end)s).")
                % {"end": end.isoformat()},
            )
        cleaned["review_date"] = review
        return cleaned


class ResultForm(NoControlCharactersMixin, OneTimeTokenMixin, forms.ModelForm):
    class Meta:
        model = ResultEntry
        fields = ["date", "referrals", "sales", "revenue", "note", "form_token"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()

    def clean_date(self):
        return clean_log_date(self.cleaned_data["date"], timezone.localdate())

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f) for f in ("referrals", "sales", "revenue")) and not cleaned.get(
            "note"
        ):
            raise forms.ValidationError(
                _("Enter at least one referral, sale, revenue or a note."), code="empty"
            )
        return cleaned


class CoordinationForm(NoControlCharactersMixin, OneTimeTokenMixin, forms.ModelForm):
    class Meta:
        model = CoordinationEntry
        fields = ["date", "minutes", "kind", "note", "form_token"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, **kwargs):
        # Shown next to the result form, which also has "date" and "note": distinct ids, so
        # each label points at its own input (field names, and so the POST, are unchanged).
        kwargs.setdefault("auto_id", "id_coordination_%s")
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()

    def clean_date(self):
        return clean_log_date(self.cleaned_data["date"], timezone.localdate())


class PilotSettingsForm(LoadedValuesMixin, NoControlCharactersMixin, forms.ModelForm):
    class Meta:
        model = PilotSettings
        fields = ["hourly_value", "weekly_hours"]


class OnePagerForm(LoadedValuesMixin, NoControlCharactersMixin, forms.ModelForm):
    """What the partner one-pager says beyond the pilot card, and in which language."""

    class Meta:
        model = Pilot
        fields = ["partner_benefit", "our_benefit", "one_pager_language"]
        help_texts = {
            "partner_benefit": _("Optional. For example: a commission per sale, or new clients."),
            "our_benefit": _("Optional. For example: customers who already trust them."),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_one_pager_%s")
        super().__init__(*args, **kwargs)
        self.fields["one_pager_language"].choices = [
            ("", _("The language of their browser")),
            *settings.LANGUAGES,
        ]


class ReviewForm(NoControlCharactersMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    new_review_date = forms.DateField(
        label=_("New review date (only to extend)"), required=False, widget=DateInput()
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, pilot: Pilot, **kwargs):
        super().__init__(*args, **kwargs)
        self.pilot = pilot
        for field, label in DIAGNOSTICS:
            self.fields[field] = forms.BooleanField(label=label, required=False)
        if pilot.extended:
            self.fields["decision"].choices = [
                c for c in Decision.choices if c[0] != Decision.EXTEND
            ]

    def is_repeat(self) -> bool:
        """The extension just recorded, sent again (a double click, a reloaded page)."""
        if self.data.get("decision") != Decision.EXTEND or not self.pilot.extended:
            return False
        try:
            again = self.fields["new_review_date"].clean(self.data.get("new_review_date"))
        except forms.ValidationError:
            return False
        return again == self.pilot.review_date

    def diagnostic_fields(self):
        return [self[field] for field, _label in DIAGNOSTICS]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == Decision.EXTEND:
            new_date = cleaned.get("new_review_date")
            latest = self.pilot.latest_extension_date()
            if new_date is None:
                self.add_error("new_review_date", _("Choose the new review date."))
            elif new_date <= self.pilot.review_date:
                self.add_error(
                    "new_review_date", _("The new review date must be after the current one.")
                )
            elif new_date > latest:
                self.add_error(
                    "new_review_date",
                    _(
                        "An extension keeps the review within 4 weeks of the start: "
                        "on or before %(date)s."
                    )
                    % {"date": latest.isoformat()},
                )
        else:
            cleaned["new_review_date"] = None
        return cleaned


class QuickLogForm(NoControlCharactersMixin, forms.Form):
    """The dashboard's one tap: +1 referral or +1 sale today, once per form shown."""

    kind = forms.ChoiceField(choices=[("referral", _("referral")), ("sale", _("sale"))])
    form_token = forms.CharField(max_length=58, required=False, widget=forms.HiddenInput)


class UndoForm(NoControlCharactersMixin, forms.Form):
    """Take back a line of the results log just recorded (its one-time token)."""

    entry = forms.CharField(max_length=64, widget=forms.HiddenInput)
