"""The partner's own pages (a pilot's, an alliance's): one-tap forms, no login."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from alliances.models import Entry
from pilots.forms import OneTimeTokenMixin
from pilots.models import ResultEntry
from semaforo.lib.forms import NoControlCharactersMixin


class PartnerReferralForm(NoControlCharactersMixin, OneTimeTokenMixin, forms.ModelForm):
    """The partner's one-tap "I referred someone", with optional contact and consent."""

    class Meta:
        model = ResultEntry
        fields = ["contact_name", "contact_info", "consent", "note", "form_token"]
        labels = {"note": _("Anything to add? (optional)")}

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("contact_name") or cleaned.get("contact_info")) and not cleaned.get(
            "consent"
        ):
            self.add_error(
                "consent",
                _(
                    "Tick this only if the person agreed to share their details; "
                    "otherwise leave name and contact empty."
                ),
            )
        return cleaned


class PartnerAllianceReferralForm(PartnerReferralForm):
    """The same one tap on an alliance's partner's page: a line of the alliance's results."""

    class Meta(PartnerReferralForm.Meta):
        model = Entry


class PartnerSaleForm(NoControlCharactersMixin, OneTimeTokenMixin, forms.ModelForm):
    """The partner's one-tap "A sale was made" on an alliance's page, with its amount when
    they know it (a referral programme's percentage is of that amount)."""

    class Meta:
        model = Entry
        fields = ["revenue", "form_token"]
        labels = {"revenue": _("Amount of the sale (optional)")}

    def __init__(self, *args, **kwargs):
        # On the page next to the referral form: its own ids (the names are the same).
        kwargs.setdefault("auto_id", "id_sale_%s")
        super().__init__(*args, **kwargs)
        self.fields["revenue"].required = False

    def clean_revenue(self):
        return self.cleaned_data["revenue"] or Decimal(0)
