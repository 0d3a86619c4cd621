"""Every email the app sends, built as the app builds it, with the data real people bring:
long names, a long unbroken word, the largest amounts and counts the columns hold."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Invitation, User
from pilots.models import Pilot
from pilots.reminders import Planned, build_reminder_email
from semaforo.lib.email import Email, build_email
from tests.conftest import make_candidate
from tests.pilots.conftest import TODAY, log_result, log_time, make_pilot, set_hourly_value

SITE = "http://127.0.0.1:8801"
LONG_NAME = "Centro de Estética Integral Hermanas Rodríguez-Fernández y Asociados"
LONG_WORD = "Kinesiologíadeportivayrehabilitaciónfuncionalintegral"
# The main action of each email: the button's link starts with this.
ACTIONS = {
    "invitation": f"{SITE}/accounts/invitations/",
    "password-reset": f"{SITE}/accounts/reset/",
    "review-reminder": f"{SITE}/pilots/",
}


def every_email(owner: User, language: str, currency: str = "ARS") -> dict[str, Email]:
    """name → the email as `owner` would receive it in `language`."""
    owner.language = language
    owner.save(update_fields=["language"])
    membership = owner.memberships.select_related("workspace").get()
    workspace = membership.workspace
    workspace.name, workspace.currency = LONG_NAME, currency
    workspace.save(update_fields=["name", "currency"])
    set_hourly_value(workspace, "99999999.99")
    candidate = make_candidate(workspace, f"{LONG_WORD} {LONG_NAME}"[:120], ticks=4)
    pilot = make_pilot(
        candidate,
        owner,
        start_date=TODAY - timedelta(days=14),
        target=1_000_000_000,
        margin_per_sale=Decimal("99999999.99"),
        offer=f"{LONG_WORD} " + "un 15% de descuento en la primera consulta " * 3,
    )
    log_result(pilot, referrals=100_000, sales=100_000, revenue=Decimal("9999999999.99"))
    log_time(pilot, 24 * 60)
    pilot = Pilot.objects.with_totals().select_related("candidate", "workspace").get(pk=pilot.pk)
    invitation = Invitation.objects.create(
        workspace=workspace, email="alguien.con.un.correo.largo@example.com", invited_by=owner
    )
    reset = {
        "uid": urlsafe_base64_encode(force_bytes(owner.pk)),
        "token": default_token_generator.make_token(owner),
        "user": owner,
        "site_url": SITE,
    }
    accept_path = reverse("accounts:invitation", kwargs={"token": invitation.token})
    invitation_context = {"invitation": invitation, "accept_path": accept_path, "site_url": SITE}
    return {
        "invitation": build_email("invitation", [invitation.email], invitation_context, language),
        "password-reset": build_email("password-reset", [owner.email], reset, language),
        "review-reminder": build_reminder_email(Planned(pilot, "due", membership, None)),
    }


def html_of(message: Email) -> str:
    (html, mimetype), *_others = message.alternatives
    assert mimetype == "text/html"
    return html
