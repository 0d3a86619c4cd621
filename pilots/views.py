from __future__ import annotations

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.workspaces import owner_required, switch_to_the_workspace_of, workspace_required
from candidates.forms import ChecklistForm
from candidates.models import Candidate
from pilots import csv_export
from pilots.calendar import build_calendar, calendar_response
from pilots.forms import (
    CoordinationForm,
    OnePagerForm,
    PilotForm,
    PilotSettingsForm,
    QuickLogForm,
    ResultForm,
    ReviewForm,
    UndoForm,
)
from pilots.models import (
    QUICK_TOKEN_PREFIX,
    AlreadyDone,
    Appended,
    Pilot,
    PilotRunning,
    PilotSettings,
    ResultEntry,
    TotalsTooLarge,
)
from semaforo.lib.codes import random_token
from semaforo.lib.links import site_url
from semaforo.lib.loaded_values import tell_what_was_kept
from semaforo.lib.redirects import local_next
from semaforo.lib.spreadsheet import csv_response

PAGE_SIZE = 20


def _get_pilot_for(request, code: str) -> Pilot:
    """The pilot with this code in the current workspace (with totals), or 404."""
    return get_object_or_404(
        Pilot.objects.for_workspace(request.workspace).with_totals().select_related("candidate"),
        code=code,
    )


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
    context = {"page": page, "today": today, "only_due": only_due}
    return render(request, "pilots/list.html", context)


def _get_active_candidate(request, code: str) -> Candidate:
    return get_object_or_404(Candidate.objects.for_workspace(request.workspace).active(), code=code)


@require_http_methods(["GET", "POST"])
@workspace_required
def pilot_create(request, candidate_code: str):
    candidate = _get_active_candidate(request, candidate_code)
    running = candidate.pilots.active().first()
    if running is not None:
        return _already_running(request, running)
    form = PilotForm(request.POST or None, candidate=candidate)
    if request.method == "POST" and form.is_valid():
        over_capacity = form.is_over_capacity()  # measured before this pilot counts
        try:
            pilot = form.save(commit=False).start(candidate, request.user)
        except PilotRunning as running:  # a double click: the first one started it
            return _already_running(request, running.pilot)
        messages.success(request, _("Pilot started. Hand the pilot card to your partner."))
        if over_capacity:
            messages.warning(
                request,
                _("With this pilot, partnerships take more hours a week than you can give."),
            )
        return redirect("pilots:detail", code=pilot.code)
    context = {"candidate": candidate, "evaluation": form.evaluation, "form": form}
    return render(request, "pilots/create.html", context)


def _already_running(request, pilot: Pilot) -> HttpResponse:
    messages.info(request, _("This candidate already has a pilot running: one at a time."))
    return redirect("pilots:detail", code=pilot.code)


@require_POST
@workspace_required
def cost_check(request, candidate_code: str):
    """The new-pilot page's cost check and capacity, live as the estimate changes (htmx).
    Without htmx, the whole page with the check (nothing is saved)."""
    candidate = _get_active_candidate(request, candidate_code)
    form = PilotForm(request.POST, candidate=candidate)
    form.is_valid()  # for the cleaned estimate; the package's own errors wait for the submit
    # The confirmation is offered, not yet missing: it is an error only on the real submit.
    form.errors.pop("start_anyway", None)
    template = "pilots/create.html#cost_check" if request.htmx else "pilots/create.html"
    context = {"candidate": candidate, "evaluation": form.evaluation, "form": form}
    return render(request, template, context)


@require_POST
@workspace_required
def mark_open_referral(request, candidate_code: str):
    candidate = get_object_or_404(
        Candidate.objects.for_workspace(request.workspace), code=candidate_code
    )
    if not candidate.mark_open_referral():
        messages.error(
            request,
            _(
                "A pilot is running with this candidate: decide at its review "
                "(it can stop and keep an open referral)."
            ),
        )
        return redirect("pilots:detail", code=candidate.pilots.active().get().code)
    messages.success(
        request,
        _("“%(name)s” is now an open referral: no meetings, no expectations.")
        % {"name": candidate.name},
    )
    return redirect("candidates:detail", code=candidate.code)


def _with_undo(user, results) -> list[ResultEntry]:
    now = timezone.now()
    results = list(results)
    for entry in results:
        entry.undoable = entry.can_be_undone_by(user, now)
    return results


def _pilot_context(request, pilot: Pilot, **forms) -> dict:
    today = timezone.localdate()
    tracked_url = request.build_absolute_uri(pilot.tracked_path())
    share = pilot.share_text(tracked_url)
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
        and request.build_absolute_uri(reverse("partners:page", args=[pilot.partner_token])),
        "one_pager_form": forms.get("one_pager_form") or OnePagerForm(instance=pilot),
        "one_pager_url": pilot.one_pager_token
        and request.build_absolute_uri(reverse("partners:one_pager", args=[pilot.one_pager_token])),
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
            appended = pilot.record(entry)
        except TotalsTooLarge as error:
            form.add_error(None, str(error))
        else:
            if appended == Appended.DUPLICATE:
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


def _quick_log(request, pilot: Pilot, logged: ResultEntry | None = None, note: str = ""):
    """One active pilot's one-tap buttons, swapped in by htmx after a tap or an undo."""
    pilot = Pilot.objects.with_totals().select_related("candidate").get(pk=pilot.pk)
    pilot.logged = logged
    context = {"pilot": pilot, "note": note, "back": reverse("dashboard:home")}
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
        pilot.record(entry)
    except TotalsTooLarge as error:
        note, entry = str(error), None
    else:  # saved now, or by the first tap of a double tap: the line holding this token
        note = _("Recorded for “%(name)s”.") % {"name": pilot.candidate.name}
        if entry.form_token:
            entry = ResultEntry.objects.filter(form_token=entry.form_token).first()
    if request.htmx:
        return _quick_log(request, pilot, entry, note)
    (messages.success if entry else messages.error)(request, note)
    return redirect(local_next(request) or "dashboard:home")


@require_POST
@workspace_required
def undo_result(request, code: str):
    """Take back a line of the results log that this person recorded in the last minutes."""
    pilot = _get_pilot_for(request, code)
    form = UndoForm(request.POST)
    token = form.cleaned_data["entry"] if form.is_valid() else ""
    if ResultEntry.objects.undo(pilot, token, request.user):
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


@require_http_methods(["GET", "POST"])
@workspace_required
def review(request, code: str):
    try:
        pilot = _get_pilot_for(request, code)
    except Http404:
        return switch_to_the_workspace_of(request, workspace__pilots__code=code)
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
            pilot.record_review(request.user, form.cleaned_data, answers)
        except AlreadyDone:  # a double submit, another tab or a teammate
            messages.info(request, _("This review was already recorded; here is the pilot now."))
        else:
            messages.success(request, _("Review saved."))
        return redirect("pilots:detail", code=pilot.code)
    context = _pilot_context(request, pilot)
    context.update(evaluation=checklist.instance, form=checklist, review_form=form)
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
@workspace_required
def pilot_ics(request, code: str):
    pilot = _get_pilot_for(request, code)
    content = build_calendar([pilot], "Semáforo", site_url(request))
    return calendar_response(content, f"review-{pilot.code}.ics")


@require_GET
@workspace_required
def export_csv(request):
    header, rows = csv_export.export_rows(request.workspace)
    return csv_response(f"pilots-{timezone.localdate().isoformat()}.csv", header, rows)
