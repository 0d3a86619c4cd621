"""The partner's side, without an account: the tracked link, the partner's page to record a
referral, and the one-pager. Each is reached by an unguessable, revocable token (or the
pilot's tracking code) and shows nothing internal: no notes, costs, margins or other pilots."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from partners.forms import PartnerReferralForm
from pilots.models import LANGUAGE_CODES, Appended, ClickDay, Pilot, http_url
from semaforo.lib import throttle

# Requests to partner pages from one address per 10 minutes (each pilot also takes at
# most pilots.models.PARTNER_LIMIT entries in that time, whoever sends them).
PARTNER_IP_LIMIT, PARTNER_IP_WINDOW = 60, 10 * 60


def _kept_private(response):
    # Not no-referrer: with it, Chromium posts the one-tap form with `Origin: null` and
    # Django's CSRF Origin check refuses it (403). same-origin still keeps the token out of
    # any other site's Referer.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def track(request, tracking_code: str):
    """The tracked link: count the click (date only, no personal data) and send them on."""
    pilot = get_object_or_404(Pilot, tracking_code=tracking_code.upper())
    try:
        http_url(pilot.landing_url)
    except Exception:
        raise Http404 from None
    ClickDay.objects.count_click(pilot, timezone.localdate())
    response = HttpResponseRedirect(pilot.landing_url)
    response["Referrer-Policy"] = "no-referrer"
    return response


def _throttled(request):
    response = render(request, "throttled.html", status=429)
    response["Retry-After"] = str(PARTNER_IP_WINDOW)
    return response


@require_http_methods(["GET", "POST"])
def page(request, token: str):
    """The partner's page (no login): record "I referred someone" in one or two taps."""
    # Per address, before the lookup: also slows down anyone trying tokens at random.
    ip = throttle.client_ip(request)
    if not throttle.allow("partner", ip, limit=PARTNER_IP_LIMIT, window=PARTNER_IP_WINDOW):
        return _throttled(request)
    pilot = get_object_or_404(
        Pilot.objects.active().select_related("candidate", "workspace"), partner_token=token
    )
    # Bound on every POST: the one-tap button may send no field at all, and that is valid.
    form = PartnerReferralForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and not form.is_valid():
        status = 400
    elif request.method == "POST":
        # A double tap is recorded once and thanked twice (Appended.DUPLICATE).
        if pilot.record_partner_referral(form.save(commit=False)) != Appended.FLOODED:
            messages.success(request, _("Thank you! Your referral was recorded."))
            return redirect("partners:page", token=token)
        form.add_error(None, _("Too many entries in a few minutes. Please try again later."))
        status = 429
    context = {"pilot": pilot, "form": form}
    return _kept_private(render(request, "partners/page.html", context, status=status))


def _one_pager_language(request, pilot: Pilot) -> str:
    """The partner's pick on the page, else the owner's pick for them, else their browser's."""
    chosen = request.GET.get("lang", "")
    if chosen in LANGUAGE_CODES:
        return chosen
    return pilot.one_pager_language or translation.get_language()


@require_GET
def one_pager(request, token: str):
    """The partner one-pager (no login, read-only): what each side gets, the offer, the
    script, how it is measured and when it is reviewed."""
    pilot = get_object_or_404(
        Pilot.objects.select_related("candidate", "workspace"), one_pager_token=token
    )
    language = _one_pager_language(request, pilot)
    with translation.override(language):
        tracked_url = pilot.landing_url and request.build_absolute_uri(pilot.tracked_path())
        context = {"pilot": pilot, "tracked_url": tracked_url, "language": language}
        response = render(request, "partners/one_pager.html", context)
    response["Content-Language"] = language
    return _kept_private(response)
