"""The partner's own page: one form, no login."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
