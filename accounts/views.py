from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views import i18n as i18n_views
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import (
    InvitationForm,
    InvitationSignupForm,
    LanguageForm,
    PasswordResetForm,
    ReminderPreferenceForm,
    SignupForm,
    WorkspaceForm,
    WorkspaceSettingsForm,
)
from accounts.models import (
    Invitation,
    InvitationUsed,
    LastOwnerError,
    ReminderPreference,
    User,
)
from accounts.workspaces import get_membership, owner_required, switch_to, workspace_required
from semaforo.lib import throttle
from semaforo.lib.codes import random_token
from semaforo.lib.links import site_url
from semaforo.lib.loaded_values import tell_what_was_kept
from semaforo.lib.money import default_currency
from semaforo.lib.redirects import local_next

AUTH_BACKEND = "django.contrib.auth.backends.ModelBackend"
HOUR = 60 * 60
# Sign-ups from one address per hour: a school or an office shares one, so not too tight.
SIGNUP_LIMIT = 10
# Password-reset requests per hour: from one address, and for one email (an inbox flood).
RESET_LIMIT_PER_IP, RESET_LIMIT_PER_EMAIL = 10, 3


def _currency_for(request) -> str:
    """A new workspace's currency: the country of the browser's language (es-AR → ARS,
    es-MX → MXN; an es-UY browser reads es-ar but pays in UYU), else of the language in use."""
    accepted = parse_accept_lang_header(request.headers.get("Accept-Language", ""))
    return default_currency(*(code for code, _quality in accepted), translation.get_language())


def _add_too_many_error(form) -> None:
    form.add_error(None, _("Too many attempts in a short time. Please try again in an hour."))


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None, initial={"currency": _currency_for(request)})
    if request.method == "POST" and not throttle.allow(
        "signup", throttle.client_ip(request), limit=SIGNUP_LIMIT, window=HOUR
    ):
        _add_too_many_error(form)
        return render(request, "accounts/signup.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = User.objects.sign_up(
                data["email"],
                data["password1"],
                data["business_name"],
                time_zone=data["time_zone"],
                language=translation.get_language() or "",
                currency=data["currency"],
            )
        except IntegrityError:  # a double click: the first request created the account
            response = _log_in_as_winner(request, data["email"], data["password1"], form)
            if response is not None:
                return response
            return render(request, "accounts/signup.html", {"form": form})
        login(request, user, backend=AUTH_BACKEND)
        messages.success(request, _("Welcome! Add your first candidate partner."))
        return redirect("home")
    if request.method == "POST" and _just_signed_up(form):
        # The second tap of a double tap, after the first one made the account.
        response = _log_in_as_winner(request, form.data["email"], form.data["password1"], form)
        if response is not None:
            return response
    return render(request, "accounts/signup.html", {"form": form})


def _just_signed_up(form) -> bool:
    """The email is refused as taken by an account made a moment ago for the same business
    (the first tap of a double tap)."""
    if not form.has_error("email", "duplicate_email"):
        return False
    return User.objects.filter(
        email__iexact=form.data.get("email", "").strip(),
        date_joined__gte=timezone.now() - timedelta(minutes=2),
        memberships__workspace__name=form.data.get("business_name", "").strip(),
    ).exists()


@require_POST
@login_required
def switch_workspace(request):
    membership = get_object_or_404(
        request.user.memberships.select_related("workspace"),
        workspace__code=request.POST.get("workspace", ""),
    )
    switch_to(request, membership.workspace)
    messages.success(request, _("Now working in “%(name)s”.") % {"name": membership.workspace.name})
    return redirect(_same_page_in_any_workspace(local_next(request)) or "home")


def _same_page_in_any_workspace(path: str | None) -> str | None:
    """The page to stay on after a switch: a list or settings page exists in every
    workspace, but a candidate's or pilot's page (a code in its path) belongs to one, and
    would be a 404 in the next: the dashboard then."""
    if path is None:
        return None
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return None if match.kwargs else path


@require_http_methods(["GET", "POST"])
@login_required
def workspace_create(request):
    # A consultant's next client is most likely in the same country as the current one.
    current = get_membership(request)
    currency = current.workspace.currency if current else _currency_for(request)
    form = WorkspaceForm(request.POST or None, initial={"currency": currency})
    if request.method == "POST" and form.is_valid():
        workspace = request.user.create_workspace(
            form.cleaned_data["name"], currency=form.cleaned_data["currency"]
        )
        switch_to(request, workspace)
        messages.success(request, _("Workspace “%(name)s” created.") % {"name": workspace.name})
        return redirect("home")
    return render(request, "accounts/workspace_create.html", {"form": form})


@require_http_methods(["GET", "POST"])
@workspace_required
def members(request):
    workspace = request.workspace
    form = InvitationForm(request.POST or None, workspace=workspace)
    if request.method == "POST":
        if not request.membership.is_owner:
            messages.error(request, _("Only an owner can invite people."))
            return redirect("accounts:members")
        if form.is_valid():
            invitation = form.save(commit=False)
            invitation.workspace = workspace
            invitation.invited_by = request.user
            invitation.save()
            invitation.send(request)
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("accounts:members")
    context = {
        "form": form,
        "memberships": workspace.memberships.select_related("user").order_by("created_at"),
        "invitations": workspace.invitations.pending().order_by("-created_at"),
    }
    return render(request, "accounts/members.html", context)


@require_http_methods(["GET", "POST"])
@owner_required
def workspace_settings(request):
    form = WorkspaceSettingsForm(request.POST or None, instance=request.workspace)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Workspace settings saved."))
        tell_what_was_kept(request, form)
        return redirect("accounts:workspace_settings")
    return render(request, "accounts/workspace_settings.html", {"form": form})


@require_POST
def set_language(request):
    """Django's language switch, remembered on the account of a signed-in user."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return i18n_views.set_language(request)


@require_POST
@owner_required
def member_remove(request):
    """Take someone out of the workspace; what they recorded stays with the workspace."""
    membership = get_object_or_404(
        request.workspace.memberships.select_related("user"),
        user__email__iexact=request.POST.get("email", ""),
    )
    try:
        membership.remove()
    except LastOwnerError:
        messages.error(
            request,
            _("%(email)s is the only owner, and a workspace needs one.")
            % {"email": membership.user.email},
        )
        return redirect("accounts:members")
    email = membership.user.email
    if membership.user == request.user:
        messages.success(request, _("You left “%(name)s”.") % {"name": request.workspace.name})
        return redirect("home")
    messages.success(
        request, _("%(email)s no longer has access to this workspace.") % {"email": email}
    )
    return redirect("accounts:members")


@require_POST
@owner_required
def invitation_revoke(request, token: str):
    invitation = get_object_or_404(request.workspace.invitations.pending(), token=token)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    messages.success(request, _("Invitation to %(email)s revoked.") % {"email": invitation.email})
    return redirect("accounts:members")


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    """Open to anyone holding the link; only the invited email joins: signed in as that
    account, or by creating it here."""
    invitation = get_object_or_404(Invitation.objects.select_related("workspace"), token=token)
    if not invitation.is_usable():
        # Accepted, revoked or expired: say so and offer to log in (still a 404).
        context = {"invitation": invitation, "state": invitation.state()}
        return render(request, "accounts/invitation_gone.html", context, status=404)
    existing = User.objects.filter(email__iexact=invitation.email).first()
    context = {"invitation": invitation, "existing": existing}
    if request.user.is_authenticated:
        if not invitation.is_for(request.user):
            context["invitation_for_someone_else"] = True
            return render(request, "accounts/invitation.html", context, status=403)
        if request.method == "POST":
            return _join(request, invitation, request.user)
        return render(request, "accounts/invitation.html", context)
    if existing is not None:
        return render(request, "accounts/invitation.html", context)
    form = InvitationSignupForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password1"]
        try:
            # One transaction: never an account left behind without the workspace it was for.
            with transaction.atomic():
                user = User.objects.create_user(email=invitation.email, password=password)
                invitation.accept(user)
        except (IntegrityError, InvitationUsed):
            # A double click: the first request created the account and joined.
            response = _log_in_as_winner(request, invitation.email, password, form)
        else:
            response = _join(request, invitation, user, welcome=True)
        if response is not None:
            return response
    context["form"] = form
    return render(request, "accounts/invitation.html", context)


def _join(request, invitation: Invitation, user: User, *, welcome: bool = False):
    """Accept the invitation as this user, sign them in, and go to the workspace."""
    try:
        invitation.accept(user)
    except InvitationUsed:
        invitation.refresh_from_db()
        context = {"invitation": invitation, "state": invitation.state()}
        return render(request, "accounts/invitation_gone.html", context, status=404)
    if not request.user.is_authenticated:
        login(request, user, backend=AUTH_BACKEND)
    switch_to(request, invitation.workspace)
    message = _("Welcome to “%(name)s”.") if welcome else _("You joined “%(name)s”.")
    messages.success(request, message % {"name": invitation.workspace.name})
    return redirect("home")


def _log_in_as_winner(request, email: str, password: str, form):
    """The loser of a double-clicked sign-up: the first click made the account with this
    very password, so sign in to it; anyone else is told the email is taken."""
    user = authenticate(request, username=email, password=password)
    if user is None:
        if not form.has_error("email", "duplicate_email"):
            form.add_error(
                None,
                _("An account with this email already exists. Log in, or reset your password."),
            )
        return None
    login(request, user, backend=AUTH_BACKEND)
    return redirect("home")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, throttled per address and per email (the same answer whether the email
    has an account or not, so the limit tells nothing about who has one)."""

    form_class = PasswordResetForm  # sends templates/emails/password-reset-*
    email_template_name = "emails/password-reset-body.txt"
    html_email_template_name = "emails/password-reset-body.html"
    subject_template_name = "emails/password-reset-subject.txt"

    def post(self, request, *args, **kwargs):
        ip = throttle.client_ip(request)
        if not throttle.allow("reset-ip", ip, limit=RESET_LIMIT_PER_IP, window=HOUR):
            return self._too_many(self.get_form())
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        if not throttle.allow("reset-email", email, limit=RESET_LIMIT_PER_EMAIL, window=HOUR):
            return self._too_many(form)
        self.extra_email_context = {"site_url": site_url(self.request)}
        return super().form_valid(form)

    def _too_many(self, form):
        _add_too_many_error(form)
        return self.render_to_response(self.get_context_data(form=form), status=429)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's, but an expired, used or tampered link answers 404 (the page still says
    what happened and how to get a new link)."""

    def render_to_response(self, context, **kwargs):
        if not self.validlink:
            kwargs["status"] = 404
        return super().render_to_response(context, **kwargs)


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request):
    """The user's own settings: language, review reminders, calendar feed."""
    preference = ReminderPreference.for_user(request.user)
    if request.POST.get("action") == "new_calendar_link":
        preference.calendar_token = random_token()
        preference.save(update_fields=["calendar_token"])
        messages.success(request, _("New calendar link created; the old one no longer works."))
        return redirect("accounts:preferences")
    data = request.POST if request.method == "POST" else None
    language_form = LanguageForm(data, instance=request.user)
    reminder_form = ReminderPreferenceForm(data, instance=preference)
    if request.method == "POST" and language_form.is_valid() and reminder_form.is_valid():
        language_form.save()
        reminder_form.save()
        messages.success(request, _("Preferences saved."))
        tell_what_was_kept(request, language_form, reminder_form)
        response = redirect("accounts:preferences")
        if request.user.language:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, request.user.language)
        return response
    # The feed lists the reviews of the user's pilots; the pilots app serves it.
    feed = reverse("dashboard:calendar_feed", args=[preference.calendar_token])
    context = {
        "language_form": language_form,
        "reminder_form": reminder_form,
        "calendar_url": request.build_absolute_uri(feed),
    }
    return render(request, "accounts/preferences.html", context)
