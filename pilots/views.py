from __future__ import annotations

from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import LanguageForm
from accounts.workspaces import owner_required, switch_to, workspace_required
from candidates.forms import ChecklistForm
from candidates.models import Candidate
from candidates.scoring import Colour
from candidates.views import checklist_context
from pilots import services, transfer
from pilots.calendar import build_calendar
from pilots.dashboard import dashboard_context
from pilots.forms import (
    CoordinationForm,
    OnePagerForm,
    PartnerReferralForm,
    PilotForm,
    PilotSettingsForm,
    QuickLogForm,
    ReminderPreferenceForm,
    ResultForm,
    ReviewForm,
    UndoForm,
)
from pilots.insights import insights_context
from pilots.models import (
    LANGUAGE_CODES,
    UNDO_WINDOW,
    ClickDay,
    JobHeartbeat,
    Pilot,
    PilotSettings,
    ReminderPreference,
    ResultEntry,
    http_url,
)
from pilots.planning import Capacity
from pilots.reminders import JOB_NAME
from semaforo.lib import throttle
from semaforo.lib.codes import random_token
from semaforo.lib.links import site_url
from semaforo.lib.loaded_values import tell_what_was_kept
from semaforo.lib.redirects import local_next
from semaforo.lib.spreadsheet import csv_response

PAGE_SIZE = 20
# Requests to partner pages from one address per 10 minutes (each pilot also takes at
# most services.PARTNER_LIMIT entries in that time, whoever sends them).
PARTNER_IP_LIMIT, PARTNER_IP_WINDOW = 60, 10 * 60


def _get_pilot_for(request, code: str) -> Pilot:
    """The pilot with this code in the current workspace (with totals), or 404."""
    return get_object_or_404(
        Pilot.objects.for_workspace(request.workspace).with_totals().select_related("candidate"),
        code=code,
    )


def _switch_to_pilots_workspace(request, code: str) -> HttpResponse:
    """Reminder emails and calendar events link to pilots in any of the user's workspaces:
    switch to the pilot's one and come back; 404 if the user is not a member there."""
    membership = get_object_or_404(
        request.user.memberships.select_related("workspace"), workspace__pilots__code=code
    )
    switch_to(request, membership.workspace)
    messages.info(request, _("Now working in “%(name)s”.") % {"name": membership.workspace.name})
    return redirect(request.get_full_path())


@require_GET
@workspace_required
def dashboard(request):
    context = dashboard_context(request.workspace, timezone.localdate(), request.GET.get("page"))
    _offer_undo(request.user, context["running"].object_list)
    return render(request, "pilots/dashboard.html", context)


def _offer_undo(user, pilots) -> None:
    """Each pilot's latest line this person can still take back, as `pilot.logged` (one
    query): without JavaScript, the dashboard offers the undo after a one-tap +1."""
    pilots = list(pilots)
    recent = ResultEntry.objects.filter(
        pilot__in=pilots,
        created_by=user,
        form_token__startswith=QUICK_TOKEN_PREFIX,  # a +1, never a whole line of the log
        created_at__gte=timezone.now() - UNDO_WINDOW,
    ).order_by("created_at")
    latest = {entry.pilot_id: entry for entry in recent}
    for pilot in pilots:
        pilot.logged = latest.get(pilot.pk)


@require_GET
@workspace_required
def pilot_list(request):
    today = timezone.localdate()
    pilots = (
        Pilot.objects.for_workspace(request.workspace)
        .with_totals()
        .select_related("candidate")
        .order_by("status", "review_date", "id")
    )
    only_due = request.GET.get("due") == "1"
    if only_due:
        pilots = pilots.due(today)
    page = Paginator(pilots, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "today": today, "only_due": only_due, "query": "due=1" * only_due}
    return render(request, "pilots/list.html", context)


def _new_pilot(request, candidate: Candidate) -> tuple[PilotForm, dict]:
    """The new-pilot form bound to the POST (if any), with the cost check and capacity."""
    pilot_settings = PilotSettings.for_workspace(request.workspace)
    evaluation = candidate.current_evaluation()
    is_red = evaluation.light() == Colour.RED  # not scored yet is no verdict: no override
    form = PilotForm(
        request.POST or None,
        needs_override=is_red,
        hourly_value=pilot_settings.hourly_value,
        check_url=reverse("pilots:cost_check", args=[candidate.code]),
    )
    capacity = Capacity.measure(request.workspace, pilot_settings, timezone.localdate())
    context = {
        "candidate": candidate,
        "evaluation": evaluation,
        "form": form,
        "is_red": is_red,
        "hourly": pilot_settings.hourly_value,
        "capacity": capacity,
    }
    return form, context


def _check_context(context: dict) -> dict:
    """After validation: the capacity verdict for this pilot's estimate."""
    estimate = context["form"].cost_check.weekly_hours
    context["load_with"] = context["capacity"].load_with(estimate)
    context["over_capacity"] = context["capacity"].is_exceeded_by(estimate)
    return context


@require_http_methods(["GET", "POST"])
@workspace_required
def pilot_create(request, candidate_code: str):
    candidate = get_object_or_404(
        Candidate.objects.for_workspace(request.workspace).active(), code=candidate_code
    )
    running = candidate.pilots.active().first()
    if running is not None:
        return _already_running(request, running)
    form, context = _new_pilot(request, candidate)
    if request.method == "POST" and form.is_valid():
        over = context["capacity"].is_exceeded_by(form.cleaned_data["estimated_weekly_hours"])
        try:
            pilot = services.start_pilot(form.save(commit=False), candidate, request.user)
        except services.PilotRunning as running:  # a double click: the first one started it
            return _already_running(request, running.pilot)
        messages.success(request, _("Pilot started. Hand the pilot card to your partner."))
        if over:
            messages.warning(
                request,
                _("With this pilot, partnerships take more hours a week than you can give."),
            )
        return redirect("pilots:detail", code=pilot.code)
    return render(request, "pilots/create.html", _check_context(context))


def _already_running(request, pilot: Pilot) -> HttpResponse:
    messages.info(request, _("This candidate already has a pilot running: one at a time."))
    return redirect("pilots:detail", code=pilot.code)


@require_POST
@workspace_required
def cost_check(request, candidate_code: str):
    """The new-pilot page's cost check and capacity, live as the estimate changes (htmx).
    Without htmx, the whole page with the check (nothing is saved)."""
    candidate = get_object_or_404(
        Candidate.objects.for_workspace(request.workspace).active(), code=candidate_code
    )
    form, context = _new_pilot(request, candidate)
    form.is_valid()  # for the cleaned estimate; the package's own errors wait for the submit
    # The confirmation is offered, not yet missing: it is an error only on the real submit.
    form.errors.pop("start_anyway", None)
    template = "pilots/create.html#cost_check" if request.htmx else "pilots/create.html"
    return render(request, template, _check_context(context))


@require_GET
@workspace_required
def insights(request):
    """What works for us: the checklist at each finished pilot's start against its outcome."""
    return render(request, "pilots/insights.html", insights_context(request.workspace))


@require_POST
@workspace_required
def mark_open_referral(request, candidate_code: str):
    candidate = get_object_or_404(
        Candidate.objects.for_workspace(request.workspace), code=candidate_code
    )
    try:
        services.mark_open_referral(candidate)
    except services.PilotRunning as running:
        messages.error(
            request,
            _(
                "A pilot is running with this candidate: decide at its review "
                "(it can stop and keep an open referral)."
            ),
        )
        return redirect("pilots:detail", code=running.pilot.code)
    messages.success(
        request,
        _("“%(name)s” is now an open referral: no meetings, no expectations.")
        % {"name": candidate.name},
    )
    return redirect("candidates:detail", code=candidate.code)


def share_text(pilot: Pilot, tracked_url: str) -> str:
    """The offer and the 3-line script as plain text to paste in WhatsApp or an email."""
    lines = [pilot.offer, "", *pilot.script_lines(), ""]
    if pilot.landing_url:
        lines.append(_("Link: %(url)s") % {"url": tracked_url})
    lines.append(_("Code: %(code)s") % {"code": pilot.tracking_code})
    return "\n".join(lines)


def _tracked_url(request, pilot: Pilot) -> str:
    """The pilot's tracked link, as the partner shares it."""
    return request.build_absolute_uri(reverse("pilots:track", args=[pilot.tracking_code]))


def _with_undo(user, results) -> list[ResultEntry]:
    now = timezone.now()
    results = list(results)
    for entry in results:
        entry.undoable = entry.can_be_undone_by(user, now)
    return results


def _pilot_context(request, pilot: Pilot, **forms) -> dict:
    today = timezone.localdate()
    tracked_url = _tracked_url(request, pilot)
    share = share_text(pilot, tracked_url)
    return {
        "pilot": pilot,
        "today": today,
        "share": share,
        "share_whatsapp": "https://wa.me/?" + urlencode({"text": share}),
        "share_email": "mailto:?"
        + urlencode({"subject": pilot.offer, "body": share}, quote_via=quote),
        "state": pilot.review_state(today),
        "hourly": pilot.hourly_value,  # its own: a later change never rewrites a finished one
        "cost": pilot.coordination_cost(),
        "margin": pilot.margin_earned(),
        "hobby": pilot.is_expensive_hobby(),
        "clicks": sum(day.count for day in pilot.click_days.all()),
        "results": _with_undo(request.user, pilot.results.all()[:50]),
        "coordination": pilot.coordination.all()[:50],
        "reviews": pilot.reviews.all(),
        "result_form": forms.get("result_form") or ResultForm(),
        "coordination_form": forms.get("coordination_form") or CoordinationForm(),
        "tracked_url": tracked_url,
        "partner_url": pilot.partner_token
        and request.build_absolute_uri(reverse("pilots:partner", args=[pilot.partner_token])),
        "one_pager_form": forms.get("one_pager_form") or OnePagerForm(instance=pilot),
        "one_pager_url": pilot.one_pager_token
        and request.build_absolute_uri(reverse("pilots:one_pager", args=[pilot.one_pager_token])),
    }


@require_GET
@workspace_required
def pilot_detail(request, code: str):
    pilot = _get_pilot_for(request, code)
    return render(request, "pilots/detail.html", _pilot_context(request, pilot))


def _log_entry(request, code: str, form_class, context_key: str, done_message: str):
    """Add a line to one of the pilot's logs, once per form shown (a double tap records it
    once); on bad input, the page again with the errors."""
    pilot = _get_pilot_for(request, code)
    form = form_class(request.POST)
    if form.is_valid():
        entry = form.save(commit=False)
        entry.created_by = request.user
        try:
            appended = services.append_entry(pilot, entry)
        except services.TotalsTooLarge as error:
            form.add_error(None, str(error))
        else:
            if appended == services.Appended.DUPLICATE:
                messages.info(request, _("Already recorded: it was sent twice."))
            else:
                messages.success(request, done_message)
            return redirect("pilots:detail", code=pilot.code)
    context = _pilot_context(request, pilot, **{context_key: form})
    return render(request, "pilots/detail.html", context, status=400)


@require_POST
@workspace_required
def result_add(request, code: str):
    # Source defaults to the owner; the partner page records its own entries.
    return _log_entry(request, code, ResultForm, "result_form", _("Result logged."))


QUICK_TOKEN_PREFIX = "quick-"  # noqa: S105 (a label, not a secret)


def _quick_log(request, pilot: Pilot, logged: ResultEntry | None = None, note: str = ""):
    """One active pilot's one-tap buttons, swapped in by htmx after a tap or an undo."""
    pilot = Pilot.objects.with_totals().select_related("candidate").get(pk=pilot.pk)
    pilot.logged = logged
    context = {"pilot": pilot, "note": note, "back": reverse("pilots:dashboard")}
    return render(request, "pilots/_quick_log.html", context)


@require_POST
@workspace_required
def quick_log(request, code: str):
    """The dashboard's +1 referral / +1 sale, dated today: one tap, recorded once (a double
    tap sends the same one-time token). htmx swaps the pilot's buttons, which then offer to
    undo; without JavaScript, back to the dashboard, where the undo is offered too."""
    pilot = _get_pilot_for(request, code)
    form = QuickLogForm(request.POST)
    if not pilot.is_active():
        raise Http404
    if not form.is_valid():
        return HttpResponseBadRequest()
    kind = form.cleaned_data["kind"]
    token = form.cleaned_data["form_token"]
    entry = ResultEntry(
        date=timezone.localdate(),
        referrals=int(kind == "referral"),
        sales=int(kind == "sale"),
        created_by=request.user,
        # Marked as a one-tap line: only these are offered for undo on the dashboard.
        form_token=f"{QUICK_TOKEN_PREFIX}{token}" if token else None,
    )
    try:
        services.append_entry(pilot, entry)
    except services.TotalsTooLarge as error:
        note, entry = str(error), None
    else:  # saved now, or by the first tap of a double tap: the line holding this token
        note = _("Recorded for “%(name)s”.") % {"name": pilot.candidate.name}
        if entry.form_token:
            entry = ResultEntry.objects.filter(form_token=entry.form_token).first()
    if request.htmx:
        return _quick_log(request, pilot, entry, note)
    (messages.success if entry else messages.error)(request, note)
    return redirect(local_next(request) or "pilots:dashboard")


@require_POST
@workspace_required
def undo_result(request, code: str):
    """Take back a line of the results log that this person recorded in the last minutes."""
    pilot = _get_pilot_for(request, code)
    form = UndoForm(request.POST)
    token = form.cleaned_data["entry"] if form.is_valid() else ""
    recent = timezone.now() - UNDO_WINDOW
    undone, _rows = ResultEntry.objects.filter(
        pilot=pilot, form_token=token, created_by=request.user, created_at__gte=recent
    ).delete()
    if undone:
        note = _("Undone.")
    else:  # a double tap on Undo, or too late
        note = _("Nothing to undo: it was already undone, or it is more than 10 minutes old.")
    if request.htmx:
        return _quick_log(request, pilot, note=note)
    messages.info(request, note)
    return redirect(local_next(request) or reverse("pilots:detail", args=[pilot.code]))


@require_POST
@workspace_required
def coordination_add(request, code: str):
    return _log_entry(
        request, code, CoordinationForm, "coordination_form", _("Coordination time logged.")
    )


@require_POST
@workspace_required
def partner_link(request, code: str):
    """Revoke the partner's link, or issue a new one (which also revokes the old)."""
    pilot = _get_pilot_for(request, code)
    if request.POST.get("action") == "revoke":
        pilot.partner_token = None
        messages.success(request, _("The partner link no longer works."))
    else:
        pilot.partner_token = random_token()
        messages.success(request, _("New partner link created; the old one no longer works."))
    pilot.save(update_fields=["partner_token"])
    return redirect("pilots:detail", code=pilot.code)


@require_POST
@workspace_required
def one_pager_link(request, code: str):
    """Create (or update the text of) the partner one-pager, or revoke its link."""
    pilot = _get_pilot_for(request, code)
    if request.POST.get("action") == "revoke":
        pilot.one_pager_token = None
        pilot.save(update_fields=["one_pager_token"])
        messages.success(request, _("The one-pager link no longer works."))
        return redirect("pilots:detail", code=pilot.code)
    form = OnePagerForm(request.POST, instance=pilot)
    if not form.is_valid():
        context = _pilot_context(request, pilot, one_pager_form=form)
        return render(request, "pilots/detail.html", context, status=400)
    created = pilot.one_pager_token is None
    if created:
        pilot.one_pager_token = random_token()
    pilot.save(update_fields=[*form.Meta.fields, "one_pager_token"])
    if created:
        messages.success(request, _("One-pager link created: send it to your partner."))
    else:
        messages.success(request, _("One-pager updated; its link stays the same."))
    tell_what_was_kept(request, form)
    return redirect("pilots:detail", code=pilot.code)


def _one_pager_language(request, pilot: Pilot) -> str:
    """The partner's pick on the page, else the owner's pick for them, else their browser's."""
    chosen = request.GET.get("lang", "")
    if chosen in LANGUAGE_CODES:
        return chosen
    return pilot.one_pager_language or translation.get_language()


@require_GET
def one_pager(request, token: str):
    """The partner one-pager (no login, read-only): what each side gets, the offer, the
    script, how it is measured and when it is reviewed. Nothing internal: no notes, costs,
    margins, coordination, other pilots or candidates."""
    pilot = get_object_or_404(
        Pilot.objects.select_related("candidate", "workspace"), one_pager_token=token
    )
    language = _one_pager_language(request, pilot)
    with translation.override(language):
        tracked_url = pilot.landing_url and _tracked_url(request, pilot)
        context = {"pilot": pilot, "tracked_url": tracked_url, "language": language}
        response = render(request, "pilots/one_pager.html", context)
    response["Content-Language"] = language
    # The site's policy (same-origin), not no-referrer: the token never leaves in a Referer
    # to another site, and the page's own forms keep a real Origin for the CSRF check.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "POST"])
@workspace_required
def review(request, code: str):
    try:
        pilot = _get_pilot_for(request, code)
    except Http404:
        return _switch_to_pilots_workspace(request, code)
    if not pilot.is_active():
        messages.info(request, _("This pilot is finished; its reviews are below."))
        return redirect("pilots:detail", code=pilot.code)
    # One form: the checklist again (only what changed since the page loaded is saved)
    # and the decision, with or without JavaScript.
    form = ReviewForm(request.POST or None, pilot=pilot)
    checklist = ChecklistForm(request.POST or None, instance=pilot.candidate.current_evaluation())
    if request.method == "POST" and form.is_repeat():
        messages.info(request, _("This review was already recorded; here is the pilot now."))
        return redirect("pilots:detail", code=pilot.code)
    if request.method == "POST" and form.is_valid() and checklist.is_valid():
        # A request that did not come from the page (no loaded values) changes no box.
        answers = checklist.changes() if checklist.sent_with_loaded_values else {}
        try:
            services.record_review(pilot, request.user, form.cleaned_data, answers)
        except services.AlreadyDone:  # a double submit, another tab or a teammate
            messages.info(request, _("This review was already recorded; here is the pilot now."))
        else:
            messages.success(request, _("Review saved."))
        return redirect("pilots:detail", code=pilot.code)
    context = _pilot_context(request, pilot)
    context.update(checklist_context(pilot.candidate, checklist.instance, checklist))
    context["review_form"] = form
    invalid = form.errors or checklist.errors
    return render(request, "pilots/review.html", context, status=400 if invalid else 200)


@require_http_methods(["GET", "POST"])
@owner_required
def pilot_settings(request):
    settings = PilotSettings.for_workspace(request.workspace)
    form = PilotSettingsForm(request.POST or None, instance=settings)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        tell_what_was_kept(request, form)
        return redirect("pilots:settings")
    return render(request, "pilots/settings.html", {"form": form})


@require_GET
def track(request, tracking_code: str):
    """The tracked link: count the click (date only, no personal data) and send them on."""
    pilot = get_object_or_404(Pilot, tracking_code=tracking_code.upper())
    try:
        http_url(pilot.landing_url)
    except Exception:
        raise Http404 from None
    today = timezone.localdate()
    if not ClickDay.objects.filter(pilot=pilot, date=today).update(count=F("count") + 1):
        _, created = ClickDay.objects.get_or_create(pilot=pilot, date=today, defaults={"count": 1})
        if not created:  # another click created the row between our update and insert
            ClickDay.objects.filter(pilot=pilot, date=today).update(count=F("count") + 1)
    response = HttpResponseRedirect(pilot.landing_url)
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_http_methods(["GET", "POST"])
def partner(request, token: str):
    """The partner's page (no login): record "I referred someone" in one or two taps."""
    # Per address, before the lookup: also slows down anyone trying tokens at random.
    ip = throttle.client_ip(request)
    if not throttle.allow("partner", ip, limit=PARTNER_IP_LIMIT, window=PARTNER_IP_WINDOW):
        response = render(request, "throttled.html", status=429)
        response["Retry-After"] = str(PARTNER_IP_WINDOW)
        return response
    pilot = get_object_or_404(
        Pilot.objects.select_related("candidate", "workspace").filter(status="active"),
        partner_token=token,
    )
    # Bound on every POST: the one-tap button may send no field at all, and that is valid.
    form = PartnerReferralForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif services.record_partner_referral(pilot, form.save(commit=False)) in (
            services.Appended.SAVED,
            services.Appended.DUPLICATE,  # a double tap: recorded once, thanked twice
        ):
            messages.success(request, _("Thank you! Your referral was recorded."))
            return redirect("pilots:partner", token=token)
        else:
            form.add_error(None, _("Too many entries in a few minutes. Please try again later."))
            status = 429
    response = render(request, "pilots/partner.html", {"pilot": pilot, "form": form}, status=status)
    # Not no-referrer: with it, Chromium posts the one-tap form with `Origin: null` and
    # Django's CSRF Origin check refuses it (403). same-origin still keeps the token out of
    # any other site's Referer.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request):
    """The user's own settings: language, review reminders, calendar feed."""
    preference = ReminderPreference.for_user(request.user)
    data = request.POST if request.method == "POST" else None
    language_form = LanguageForm(data, instance=request.user)
    reminder_form = ReminderPreferenceForm(data, instance=preference)
    if request.method == "POST":
        if request.POST.get("action") == "new_calendar_link":
            preference.calendar_token = random_token()
            preference.save(update_fields=["calendar_token"])
            messages.success(request, _("New calendar link created; the old one no longer works."))
            return redirect("pilots:preferences")
        if language_form.is_valid() and reminder_form.is_valid():
            language_form.save()
            reminder_form.save()
            messages.success(request, _("Preferences saved."))
            tell_what_was_kept(request, language_form, reminder_form)
            response = redirect("pilots:preferences")
            if request.user.language:
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, request.user.language)
            return response
    heartbeat = JobHeartbeat.objects.filter(name=JOB_NAME).first()
    context = {
        "language_form": language_form,
        "reminder_form": reminder_form,
        "calendar_url": request.build_absolute_uri(
            reverse("pilots:calendar_feed", args=[preference.calendar_token])
        ),
        "heartbeat": heartbeat,
    }
    return render(request, "pilots/preferences.html", context)


@require_GET
def calendar_feed(request, token: str):
    """A user's private feed: every active pilot's review, in all of *their* workspaces."""
    preference = get_object_or_404(
        ReminderPreference.objects.select_related("user"),
        calendar_token=token,
        user__is_active=True,
    )
    pilots = (
        Pilot.objects.active()
        .filter(workspace__memberships__user=preference.user)
        .select_related("candidate")
        .order_by("review_date", "id")
    )
    # Calendar apps fetch without the user's browser: their chosen language, if any, wins.
    with translation.override(preference.user.language or translation.get_language()):
        content = build_calendar(pilots, "Semáforo", site_url(request))
    return _calendar_response(content, "semaforo.ics")


@require_GET
@workspace_required
def pilot_ics(request, code: str):
    pilot = _get_pilot_for(request, code)
    content = build_calendar([pilot], "Semáforo", site_url(request))
    return _calendar_response(content, f"review-{pilot.code}.ics")


@require_GET
@workspace_required
def export_csv(request):
    header, rows = transfer.export_rows(request.workspace)
    return csv_response(f"pilots-{timezone.localdate().isoformat()}.csv", header, rows)
