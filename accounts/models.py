"""Users, workspaces (a business) and who belongs to which."""

from __future__ import annotations

import zoneinfo
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from semaforo.lib.codes import random_code, random_token
from semaforo.lib.email import send_email
from semaforo.lib.money import CURRENCIES, DEFAULT_CURRENCY


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, email: str):
        # Emails are stored lower-case but people type them in any case when logging in.
        return self.get(email__iexact=email)

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    @transaction.atomic
    def sign_up(
        self,
        email: str,
        password: str,
        business_name: str,
        time_zone: str = "UTC",
        language: str = "",
        currency: str = DEFAULT_CURRENCY,
    ) -> User:
        """A new account and its first workspace. Raises IntegrityError when the email was
        taken meanwhile (a double click on "Sign up": the first request created it)."""
        user = self.create_user(email=email, password=password, language=language)
        user.create_workspace(business_name, time_zone, currency)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


def validate_time_zone(value: str) -> None:
    if value not in available_time_zones():
        raise ValidationError(_("Choose a time zone from the list."), code="time_zone")


def available_time_zones() -> set[str]:
    return zoneinfo.available_timezones()


class User(AbstractUser):
    """A person; signs in with their email address."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Leave empty to follow your browser."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    @transaction.atomic
    def create_workspace(
        self, name: str, time_zone: str = "UTC", currency: str = DEFAULT_CURRENCY
    ) -> Workspace:
        """A new workspace (a business), with this user as its owner."""
        workspace = Workspace.objects.create(name=name, time_zone=time_zone, currency=currency)
        Membership.objects.create(user=self, workspace=workspace, role=Role.OWNER)
        return workspace

    def workspaces(self) -> models.QuerySet[Workspace]:
        return Workspace.objects.filter(memberships__user=self).order_by("name", "id")


class Workspace(models.Model):
    """A business whose partners are being evaluated. Everything else hangs off one."""

    code = models.CharField(max_length=12, unique=True, default=random_code, editable=False)
    name = models.CharField(_("business name"), max_length=120)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("Review dates and reminders follow this time zone."),
    )
    # ISO 4217. Forms name each currency in the reader's language (semaforo/lib/money.py).
    currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=[(code, code) for code in CURRENCIES],
        default=DEFAULT_CURRENCY,
        help_text=_(
            "Amounts are shown in it. Changing it converts nothing: amounts already "
            "recorded keep their numbers."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("workspace")
        verbose_name_plural = _("workspaces")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(currency__in=CURRENCIES), name="workspace_currency_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def today(self) -> date:
        """Today's date where the business is (review dates are in its calendar)."""
        return timezone.localdate(timezone=zoneinfo.ZoneInfo(self.time_zone))


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MEMBER = "member", _("Member")


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "workspace"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.workspace} ({self.role})"

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    @transaction.atomic
    def remove(self) -> None:
        """Take someone out of a workspace; their candidates, evaluations and pilots stay.
        Raises LastOwnerError rather than leave the workspace without an owner: its row is
        locked, so two owners removing each other at the same moment cannot both succeed."""
        workspace = Workspace.objects.select_for_update().get(pk=self.workspace_id)
        owners = workspace.memberships.filter(role=Role.OWNER).exclude(pk=self.pk)
        if self.is_owner and not owners.exists():
            raise LastOwnerError
        self.delete()


class LastOwnerError(Exception):
    """Removing this membership would leave the workspace without an owner."""


class InvitationNotForYou(Exception):
    """The invitation was sent to another email address than this account's."""


class InvitationUsed(Exception):
    """Accepted (by someone else's request), revoked or expired meanwhile."""


def _invitation_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_MAX_AGE_DAYS)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An owner invites someone by email; the link works once, until it expires."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.MEMBER)
    token = models.CharField(max_length=64, unique=True, default=random_token, editable=False)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="invitation_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.workspace}"

    def is_for(self, user: User) -> bool:
        """Only the account of the invited email may accept (any case)."""
        return user.email.strip().lower() == self.email.strip().lower()

    def state(self) -> str:
        """ "pending", "accepted", "revoked" or "expired", for the page of a used link."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        return "pending" if self.expires_at > timezone.now() else "expired"

    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    def send(self, request: HttpRequest | None = None) -> None:
        """The invitation email; its link starts with the address of `request` (unless
        SITE_URL is set), so it works on whatever address the app is served on."""
        accept_path = reverse("accounts:invitation", kwargs={"token": self.token})
        context = {"invitation": self, "accept_path": accept_path}
        send_email("invitation", [self.email], context, request=request)

    @transaction.atomic
    def accept(self, user: User) -> Membership:
        """Join the workspace with the invited role: only the account of the invited email,
        and once. The invitation row is locked and read again, so two requests at once (a
        double click) join once; the second finds the membership the first made."""
        if not self.is_for(user):
            raise InvitationNotForYou
        invitation = Invitation.objects.select_for_update().get(pk=self.pk)
        if not invitation.is_usable():
            joined = Membership.objects.filter(user=user, workspace=self.workspace_id).first()
            if invitation.accepted_at is not None and joined is not None:
                return joined
            raise InvitationUsed
        membership, _created = Membership.objects.get_or_create(
            user=user, workspace=self.workspace, defaults={"role": invitation.role}
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        return membership


class ReminderPreference(models.Model):
    """A person's review reminders: on or off, and how many days ahead."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="reminder_preference"
    )
    enabled = models.BooleanField(_("email me when a review is due"), default=True)
    days_ahead = models.PositiveSmallIntegerField(
        _("how early"),
        default=0,
        choices=[
            (0, _("On the review day")),
            (1, _("1 day before")),
            (2, _("2 days before")),
        ],
    )
    calendar_token = models.CharField(max_length=64, unique=True, default=random_token)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")
        db_table = "pilots_reminderpreference"  # moved from the pilots app, table kept
        constraints = [
            models.CheckConstraint(
                condition=models.Q(days_ahead__gte=0) & models.Q(days_ahead__lte=2),
                name="reminder_days_ahead_0_to_2",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {'on' if self.enabled else 'off'} ({self.days_ahead})"

    @classmethod
    def for_user(cls, user: User) -> ReminderPreference:
        preference, _created = cls.objects.get_or_create(user=user)
        return preference
