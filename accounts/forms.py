from __future__ import annotations

from django import forms
from django.contrib.auth.forms import SetPasswordMixin
from django.utils.translation import gettext_lazy as _

from accounts.models import Invitation, User, Workspace, available_time_zones
from semaforo.lib.forms import NoControlCharactersMixin
from semaforo.lib.loaded_values import LoadedValuesMixin


class EmailField(forms.EmailField):
    def clean(self, value):
        return super().clean(value).strip().lower()


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

    # Filled in by the browser (static/js/app.js); UTC without JavaScript, editable later.
    time_zone = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

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
        return super().clean()

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
    class Meta:
        model = Workspace
        fields = ["name"]


class WorkspaceSettingsForm(LoadedValuesMixin, NoControlCharactersMixin, forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = Workspace
        fields = ["name", "time_zone"]


class LanguageForm(LoadedValuesMixin, NoControlCharactersMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["language"]


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
