"""The pages of a running alliance's routine: its periodic review, and a sales channel's
check-in. Reminder emails and calendar events link here from any of the person's workspaces."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.workspaces import switch_to_the_workspace_of, workspace_required
from alliances.models import (
    ENDINGS,
    Alliance,
    AlreadyReviewed,
    BenefitRule,
    CheckIn,
    Decision,
    Period,
    Review,
    is_review_due,
)
from alliances.review_forms import CheckInForm, ReviewForm
from alliances.views import get_alliance_for
from candidates.models import Kind


def _day(value) -> str:
    return date_format(value, "DATE_FORMAT")


def _not_due(request, alliance: Alliance) -> HttpResponse:
    if request.method == "POST":  # a double submit, another tab, a teammate
        message = _("This review was already recorded; here is the alliance now.")
    elif alliance.is_active():
        message = _("The next review is on %(date)s.") % {"date": _day(alliance.next_review_date)}
    elif alliance.is_ended():
        message = _("This alliance has ended; its reviews are below.")
    else:
        message = _("An alliance is reviewed once it is active.")
    messages.info(request, message)
    return redirect("alliances:detail", code=alliance.code)


@require_http_methods(["GET", "POST"])
@workspace_required
def alliance_review(request, code: str):
    """The months since the last review against the targets, cost against margin, the
    method's prompts, and the decision: one form, one screen on a phone."""
    try:
        alliance = get_alliance_for(request, code)
    except Http404:
        return switch_to_the_workspace_of(request, workspace__alliances__code=code)
    today = request.workspace.today()
    if not is_review_due(alliance, today):
        return _not_due(request, alliance)
    form = ReviewForm(request.POST or None, alliance=alliance)
    if request.method == "POST" and form.is_valid():
        try:
            review = Review.objects.record(alliance, request.user, form.cleaned_data, today)
        except AlreadyReviewed as refused:
            return _not_due(request, refused.alliance)
        return _after_review(request, review)
    context = {"alliance": alliance, "form": form, "period": Period.of(alliance, today)}
    return render(request, "alliances/review.html", context, status=400 if form.errors else 200)


def _after_review(request, review: Review) -> HttpResponse:
    """Where the decision leads: the design page to adjust it (or to complete a new kind),
    else the alliance's page."""
    alliance, decision = review.alliance, review.decision
    if decision == Decision.ADJUST:
        messages.success(
            request, _("Review saved. Adjust the design: the current one stays in its history.")
        )
        return redirect("alliances:design", code=alliance.code)
    if decision == Decision.CHANGE_KIND:
        return _after_kind_change(request, alliance)
    if decision in ENDINGS:
        messages.success(request, _("Review saved. The alliance has ended."))
    else:
        next_date = _day(alliance.next_review_date)
        messages.success(request, _("Review saved. Next review: %(date)s.") % {"date": next_date})
    return redirect("alliances:detail", code=alliance.code)


def _after_kind_change(request, alliance: Alliance) -> HttpResponse:
    kind = alliance.get_kind_display()
    if alliance.kind == Kind.REFERRAL and alliance.benefit_rule == BenefitRule.NONE:
        message = _("Review saved. It is now a referral program: say what the partner gets.")
    elif alliance.kind == Kind.CHANNEL:
        message = _(
            "Review saved. It is now a sales channel: its first check-in is on %(date)s. "
            "Choose its routine of follow-up here."
        ) % {"date": _day(alliance.next_check_in_date)}
    else:
        messages.success(request, _("Review saved. It is now a %(kind)s.") % {"kind": kind})
        return redirect("alliances:detail", code=alliance.code)
    messages.success(request, message)
    return redirect("alliances:design", code=alliance.code)


@require_http_methods(["GET", "POST"])
@workspace_required
def check_in(request, code: str):
    """A sales channel's routine: the check-in due, and "Check-in done" (the page a
    reminder links to; the alliance's page has the same button)."""
    try:
        alliance = get_alliance_for(request, code)
    except Http404:
        return switch_to_the_workspace_of(request, workspace__alliances__code=code)
    if not (alliance.is_active() and alliance.kind == Kind.CHANNEL):
        messages.info(request, _("Only a running sales channel has check-ins."))
        return redirect("alliances:detail", code=alliance.code)
    form = CheckInForm(request.POST or None, initial={"due_date": alliance.next_check_in_date})
    if request.method == "POST" and form.is_valid():
        today = request.workspace.today()
        done = CheckIn.objects.record(alliance, request.user, form.cleaned_data["due_date"], today)
        _tell_check_in(request, alliance, done)
        return redirect("alliances:detail", code=alliance.code)
    context = {"alliance": alliance, "check_in_form": form}
    return render(request, "alliances/check_in.html", context, status=400 if form.errors else 200)


def _tell_check_in(request, alliance: Alliance, done: CheckIn | None) -> None:
    alliance.refresh_from_db(fields=["next_check_in_date"])
    if alliance.next_check_in_date is None:  # no longer a running channel (another tab)
        messages.info(request, _("This alliance changed meanwhile: nothing was recorded."))
        return
    next_date = {"date": _day(alliance.next_check_in_date)}
    if done is None:  # a double tap, a teammate
        messages.info(request, _("That check-in was already done. Next one: %(date)s.") % next_date)
    else:
        messages.success(request, _("Check-in done. Next one: %(date)s.") % next_date)
