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

from alliances.models import Alliance, AllianceEnded, activation_day
from alliances.models import ClickDay as AllianceClickDay
from partners.forms import PartnerAllianceReferralForm, PartnerReferralForm, PartnerSaleForm
from pilots.models import LANGUAGE_CODES, Appended, ClickDay, Pilot, TotalsTooLarge, http_url
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


def _tracked(code: str) -> tuple[Pilot | None, Alliance | None]:
    """Whose tracked link this is: a running pilot's, else an open alliance's (a promoted
    pilot's code carries over to its alliance), else a finished pilot's."""
    pilot = Pilot.objects.active().filter(tracking_code=code).first()
    if pilot is not None:
        return pilot, None
    alliances = Alliance.objects.open().select_related("pilot", "workspace")
    alliance = alliances.filter(tracking_code=code).first()
    if alliance is not None:
        return None, alliance
    return get_object_or_404(Pilot, tracking_code=code), None


@require_GET
def track(request, tracking_code: str):
    """The tracked link: count the click (date only, no personal data) and send them on."""
    pilot, alliance = _tracked(tracking_code.upper())
    landing_url = alliance.landing_url() if alliance else pilot.landing_url
    try:
        http_url(landing_url)
    except Exception:
        raise Http404 from None
    if alliance is not None:
        AllianceClickDay.objects.count_click(alliance.workspace.today(), alliance=alliance)
    else:
        ClickDay.objects.count_click(timezone.localdate(), pilot=pilot)
    response = HttpResponseRedirect(landing_url)
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
    pilots = Pilot.objects.active().select_related("candidate", "workspace")
    pilot = pilots.filter(partner_token=token).first()
    if pilot is None:  # an alliance's (a promoted pilot's link carries over to it)
        return _alliance_page(request, token)
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


def _alliance_page(request, token: str):
    """An open alliance's partner's page: "I referred someone" and, for a sales channel or a
    referral programme, "A sale was made". Each is one tap, recorded once per form shown."""
    alliances = Alliance.objects.open().select_related("candidate", "workspace")
    alliance = get_object_or_404(alliances, partner_token=token)
    takes_sales = alliance.takes_sales_from_partner()
    posted = request.POST if request.method == "POST" else None
    sale = posted is not None and takes_sales and posted.get("action") == "sale"
    referral_form = PartnerAllianceReferralForm(None if sale else posted)
    sale_form = PartnerSaleForm(posted if sale else None) if takes_sales else None
    form, status = (sale_form if sale else referral_form), 200
    if posted is not None and not form.is_valid():
        status = 400
    elif posted is not None:
        status = _record_for_partner(alliance, form, sale)
        if status == 200:
            thanks = _("Thank you! The sale was recorded.") if sale else None
            messages.success(request, thanks or _("Thank you! Your referral was recorded."))
            return redirect("partners:page", token=token)
    context = {"alliance": alliance, "form": referral_form, "sale_form": sale_form}
    return _kept_private(render(request, "partners/alliance_page.html", context, status=status))


def _record_for_partner(alliance: Alliance, form, sale: bool) -> int:
    """Record the partner's line; the status to answer (200 once recorded, a double tap
    too), with the form saying why when it was not."""
    try:
        appended = alliance.record_partner_entry(form.save(commit=False), sale=sale)
    except AllianceEnded:  # ended since the lookup
        raise Http404 from None
    except TotalsTooLarge as error:
        form.add_error(None, str(error))
        return 400
    if appended == Appended.FLOODED:
        form.add_error(None, _("Too many entries in a few minutes. Please try again later."))
        return 429
    return 200


def _one_pager_language(request, shared: Pilot | Alliance) -> str:
    """The partner's pick on the page, else the owner's pick for them, else their browser's."""
    chosen = request.GET.get("lang", "")
    if chosen in LANGUAGE_CODES:
        return chosen
    return shared.one_pager_language or translation.get_language()


@require_GET
def one_pager(request, token: str):
    """The partner one-pager (no login, read-only): a pilot's (what each side gets, the
    offer, the script, how it is measured and when it is reviewed), or an alliance's
    agreement. An open alliance holding the token comes first: a link carried over from the
    pilot promoted shows what was agreed since."""
    alliances = Alliance.objects.open().select_related("candidate", "workspace", "pilot")
    alliance = alliances.prefetch_related("metrics").filter(one_pager_token=token).first()
    if alliance is not None:
        return _agreement(request, alliance)
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


def _agreement(request, alliance: Alliance):
    """The agreement both sides keep: what each brings, how a customer is passed, served and
    charged, the metrics and their monthly targets, the benefit or the follow-up, and the
    reviews. Nothing internal: no costs, margins, notes, results or other alliances."""
    language = _one_pager_language(request, alliance)
    with translation.override(language):
        tracked_path = alliance.tracked_path()
        context = {
            "alliance": alliance,
            "currency": alliance.workspace.currency,
            "tracked_url": tracked_path and request.build_absolute_uri(tracked_path),
            # The day it started where the business is (not the server's calendar).
            "since": alliance.activated_at and activation_day(alliance),
        }
        response = render(request, "partners/agreement.html", context)
    response["Content-Language"] = language
    return _kept_private(response)
