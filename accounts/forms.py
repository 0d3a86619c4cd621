from __future__ import annotations

import logging

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import SetPasswordMixin
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    Invitation,
    ReminderPreference,
    User,
    Workspace,
    available_time_zones,
)
from semaforo.lib.email import build_email
from semaforo.lib.forms import NoControlCharactersMixin
from semaforo.lib.loaded_values import LoadedValuesMixin
from semaforo.lib.money import DEFAULT_CURRENCY, currency_choices, default_currency

log = logging.getLogger(__name__)


class EmailField(forms.EmailField):
    def clean(self, value):
        return super().clean(value).strip().lower()


def currency_field() -> forms.ChoiceField:
    """The workspace's currency, each named in the reader's language. Not required: a form
    sent without it (an older page) keeps the stored one, or gets the default."""
    return forms.ChoiceField(
        label=_("Currency"),
        choices=currency_choices,
        required=False,
        help_text=Workspace._meta.get_field("currency").help_text,
    )


class SignupForm(NoControlCharactersMixin, SetPasswordMixin, forms.Form):
    """Email + password, and the business the first workspace is for."""

    email = EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1, password2 = SetPasswordMixin.create_password_fields()
    business_name = forms.CharField(
        label=_("Your business's name"),
        max_length=120,
        help_text=_(
            "Your first workspace. You can add more later "
            "(for example, if you advise several businesses)."
        ),
    )

    # Initially the country of the browser's language (accounts.views.signup).
    currency = currency_field()
    # Filled in by the browser (static/js/app.js); UTC without JavaScript, editable later.
    time_zone = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].help_text = _("Amounts are shown in it. You can change it later.")

    def clean_time_zone(self):
        value = self.cleaned_data["time_zone"]
        return value if value in available_time_zones() else "UTC"

    def clean_email(self):
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account with this email already exists. Log in, or reset your password."),
                code="duplicate_email",
            )
        return email

    def clean(self):
        self.validate_passwords()
        cleaned = super().clean()
        if not cleaned.get("currency"):
            cleaned["currency"] = self.initial.get("currency") or default_currency(
                time_zone=cleaned.get("time_zone", "")
            )
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        user = User(email=self.cleaned_data.get("email", ""))
        self.validate_password_for_user(user)


class InvitationSignupForm(NoControlCharactersMixin, SetPasswordMixin, forms.Form):
    """An invited person without an account sets a password; the email comes from the invite."""

    password1, password2 = SetPasswordMixin.create_password_fields()

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        self.validate_passwords()
        return super().clean()

    def _post_clean(self):
        super()._post_clean()
        self.validate_password_for_user(User(email=self.email))


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(available_time_zones())]


class WorkspaceForm(NoControlCharactersMixin, forms.ModelForm):
    currency = currency_field()

    class Meta:
        model = Workspace
        fields = ["name", "currency"]

    def clean_currency(self):
        return self.cleaned_data["currency"] or self.initial.get("currency") or DEFAULT_CURRENCY


class WorkspaceSettingsForm(LoadedValuesMixin, NoControlCharactersMixin, forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    currency = currency_field()

    class Meta:
        model = Workspace
        fields = ["name", "time_zone", "currency"]

    def clean_currency(self):
        return self.cleaned_data["currency"] or self.instance.currency


class LanguageForm(LoadedValuesMixin, NoControlCharactersMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Empty follows the browser: say so, rather than Django's "- Select an option -".
        choices = self.fields["language"].choices
        self.fields["language"].choices = [("", _("The language of your browser")), *choices[1:]]


class InvitationForm(NoControlCharactersMixin, forms.ModelForm):
    email = EmailField(label=_("Email"), max_length=254)

    class Meta:
        model = Invitation
        fields = ["email", "role"]

    def __init__(self, *args, workspace: Workspace, **kwargs):
        self.workspace = workspace
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"]
        if self.workspace.memberships.filter(user__email__iexact=email).exists():
            raise forms.ValidationError(_("This person is already a member."), code="member")
        return email


class PasswordResetForm(NoControlCharactersMixin, auth_forms.PasswordResetForm):
    """Django's, sending through semaforo.lib.email: its link starts with `site_url` (the
    view puts it in the context) and the text part copies whole (8bit, not quoted-printable)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        try:
            build_email("password-reset", [to_email], context).send()
        except Exception:  # as Django's: the page says the same whether or not it went out
            log.exception("Failed to send password reset email to %s", context["user"].pk)


class ReminderPreferenceForm(LoadedValuesMixin, NoControlCharactersMixin, forms.ModelForm):
    class Meta:
        model = ReminderPreference
        fields = ["enabled", "days_ahead"]
        widgets = {"days_ahead": forms.RadioSelect}
