from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.workspaces import workspace_required
from alliances.charts import month_bars
from alliances.forms import (
    FIRST_YEAR,
    LAST_YEAR,
    AgreementForm,
    DesignForm,
    EntryForm,
    MarkPaidForm,
    TimeForm,
)
from alliances.models import (
    Alliance,
    AllianceEnded,
    Benefit,
    NotEligible,
    NotReady,
    PilotStillRunning,
    State,
)
from candidates.models import Candidate
from pilots.models import Appended, Pilot, TotalsTooLarge
from semaforo.lib.codes import random_token
from semaforo.lib.loaded_values import tell_what_was_kept
from semaforo.lib.spreadsheet import csv_response, dialect_for, number

PAGE_SIZE = 20
# The design history shown on an alliance's page: the latest versions.
VERSIONS_SHOWN = 10
# The latest lines of the results and coordination logs on the alliance's page.
RECENT_LINES = 20
LEDGER_PAGE_SIZE = 100
# The list: running alliances first, then those in design, then the ended ones.
STATE_ORDER = Case(
    When(state=State.ACTIVE, then=Value(0)),
    When(state=State.DESIGN, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def get_alliance_for(request, code: str) -> Alliance:
    """The alliance with this code in the current workspace (its metrics read), or 404."""
    alliances = Alliance.objects.for_workspace(request.workspace)
    alliances = alliances.select_related("candidate", "pilot", "workspace")
    alliances = alliances.prefetch_related("metrics")
    return get_object_or_404(alliances, code=code)


@require_GET
@workspace_required
def alliance_list(request):
    alliances = (
        Alliance.objects.for_workspace(request.workspace)
        .select_related("candidate")
        .order_by(STATE_ORDER, "-created_at", "-id")
    )
    page = Paginator(alliances, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "alliances/list.html", {"page": page})


@require_POST
@workspace_required
def alliance_create(request, candidate_code: str):
    """From a green candidate or a pilot promoted at its review: the alliance in design
    (the existing one after a double tap), then its design page."""
    candidates = Candidate.objects.for_workspace(request.workspace).active()
    candidate = get_object_or_404(candidates, code=candidate_code)
    try:
        alliance = Alliance.objects.design_for(candidate, request.user)
    except PilotStillRunning as running:
        messages.info(
            request, _("This candidate has a pilot running: its review decides what comes next.")
        )
        return redirect("pilots:detail", code=running.pilot.code)
    except NotEligible:
        messages.error(
            request,
            _("An alliance comes after a green light, or after a pilot promoted at its review."),
        )
        return redirect("candidates:detail", code=candidate.code)
    if not alliance.is_in_design():
        return redirect("alliances:detail", code=alliance.code)
    return redirect("alliances:design", code=alliance.code)


def _detail_context(request, alliance: Alliance, **forms) -> dict:
    currency = request.workspace.currency
    versions = alliance.versions.select_related("created_by")[:VERSIONS_SHOWN]
    return {
        "alliance": alliance,
        "design": alliance.describe(currency),
        "missing": alliance.missing() if alliance.is_in_design() else [],
        "versions": [(version, version.describe(currency)) for version in versions],
        **_running_context(request, alliance, **forms),
    }


@require_GET
@workspace_required
def alliance_detail(request, code: str):
    alliance = get_alliance_for(request, code)
    return render(request, "alliances/detail.html", _detail_context(request, alliance))


# --- Running it: results, coordination, the partner's links (templates/alliances/_running.html)


def _running_context(request, alliance: Alliance, **forms) -> dict:
    """While active: each metric this month against its target and over the last months,
    cost against margin month by month, the logs' forms and latest lines, the partner's
    links. The same queries however many months and lines there are."""
    if not alliance.is_active():
        return {}
    today = request.workspace.today()
    figures = alliance.figures(today)
    partner_url = alliance.partner_token and reverse("partners:page", args=[alliance.partner_token])
    tracked_path = alliance.tracked_path()
    return {
        "figures": figures,
        "progress": [(row, month_bars(row)) for row in alliance.progress(figures)],
        "hobby_months": [month for month in figures if month.is_expensive_hobby()],
        "hourly": figures[-1].hourly_value,
        "entries": alliance.entries.all()[:RECENT_LINES],
        "time_entries": alliance.time_entries.all()[:RECENT_LINES],
        "entry_form": forms.get("entry_form") or EntryForm(alliance=alliance, today=today),
        "time_form": forms.get("time_form") or TimeForm(alliance=alliance, today=today),
        "partner_url": partner_url and request.build_absolute_uri(partner_url),
        "tracked_url": tracked_path and request.build_absolute_uri(tracked_path),
    }


def _log_line(request, code: str, form_class, context_key: str, done_message: str):
    """Add a line to one of the alliance's logs, once per form shown (a double tap records
    it once); on bad input, the page again with the errors."""
    alliance = get_alliance_for(request, code)
    if not alliance.is_active():
        messages.info(request, _("Results and time are logged while the alliance is active."))
        return redirect("alliances:detail", code=alliance.code)
    form = form_class(request.POST, alliance=alliance, today=request.workspace.today())
    if form.is_valid():
        entry = form.save(commit=False)
        entry.created_by = request.user
        try:
            appended = alliance.record(entry)
        except TotalsTooLarge as error:
            form.add_error(None, str(error))
        except AllianceEnded:  # ended meanwhile, in another tab
            messages.error(request, _("This alliance has ended: nothing was recorded."))
            return redirect("alliances:detail", code=alliance.code)
        else:
            if appended == Appended.DUPLICATE:
                messages.info(request, _("Already recorded: it was sent twice."))
            else:
                messages.success(request, done_message)
            return redirect(reverse("alliances:detail", args=[alliance.code]) + "#running")
    context = _detail_context(request, alliance, **{context_key: form})
    return render(request, "alliances/detail.html", context, status=400)


@require_POST
@workspace_required
def result_add(request, code: str):
    return _log_line(request, code, EntryForm, "entry_form", _("Result logged."))


@require_POST
@workspace_required
def time_add(request, code: str):
    return _log_line(request, code, TimeForm, "time_form", _("Coordination time logged."))


@require_POST
@workspace_required
def partner_link(request, code: str):
    """Revoke the partner's page, or give it a new link (which also revokes the old)."""
    alliance = get_alliance_for(request, code)
    still_open = Alliance.objects.open().filter(pk=alliance.pk)
    if request.POST.get("action") == "revoke":
        still_open.update(partner_token=None)
        messages.success(request, _("The partner link no longer works."))
    elif still_open.update(partner_token=random_token()):
        messages.success(request, _("New partner link created; the old one no longer works."))
    return redirect(reverse("alliances:detail", args=[alliance.code]) + "#partner")


# --- The referral programme's ledger ------------------------------------------------------


def _ledger_year(request, today: date) -> int:
    raw = request.GET.get("year") or request.POST.get("year") or ""
    year = int(raw) if raw.isdigit() and len(raw) == 4 else today.year
    return min(max(year, FIRST_YEAR), LAST_YEAR)


def _ledger_context(request, alliance: Alliance, year: int, form: MarkPaidForm | None = None):
    """A year of the ledger: each line owed (newest first, a page at a time) and the totals
    owed and paid per month, exact."""
    today = request.workspace.today()
    first, last = date(year, 1, 1), date(year, 12, 31)
    lines = alliance.benefits.filter(owed_on__range=(first, last)).select_related("entry")
    page = Paginator(lines.order_by("-owed_on", "-entry_id"), LEDGER_PAGE_SIZE)
    months = [month for month in alliance.benefits.ledger(first, last) if month.month <= today]
    return {
        "alliance": alliance,
        "year": year,
        "page": page.get_page(request.GET.get("page")),
        "months": months,
        **_totals(months),
        "form": form or MarkPaidForm(today=today, initial={"year": year}),
    }


def _totals(months: list) -> dict:
    owed = sum((month.owed for month in months), Decimal(0))
    paid = sum((month.paid for month in months), Decimal(0))
    return {"owed": owed, "paid": paid, "unpaid": owed - paid}


@require_GET
@workspace_required
def ledger(request, code: str):
    alliance = get_alliance_for(request, code)
    year = _ledger_year(request, request.workspace.today())
    return render(request, "alliances/ledger.html", _ledger_context(request, alliance, year))


@require_POST
@workspace_required
def mark_paid(request, code: str):
    """Mark the lines ticked paid on a date: each once (a double tap keeps the first date)."""
    alliance = get_alliance_for(request, code)
    form = MarkPaidForm(request.POST, today=request.workspace.today())
    year = _ledger_year(request, request.workspace.today())
    if not form.is_valid():
        context = _ledger_context(request, alliance, year, form)
        return render(request, "alliances/ledger.html", context, status=400)
    lines, paid_on = form.cleaned_data["lines"], form.cleaned_data["paid_on"]
    paid = Benefit.objects.mark_paid(alliance, lines, paid_on)
    if paid:
        messages.success(
            request,
            ngettext("%(count)d line marked paid.", "%(count)d lines marked paid.", paid)
            % {"count": paid},
        )
    if paid < len(lines):  # a double tap, a teammate, or a date before the sale
        messages.info(
            request, _("Lines already paid, or owed after that date, were left as they were.")
        )
    return redirect(f"{reverse('alliances:ledger', args=[alliance.code])}?year={year}")


@require_GET
@workspace_required
def ledger_export(request, code: str):
    """The whole ledger as CSV: a line per benefit owed, oldest first."""
    alliance = get_alliance_for(request, code)
    _delimiter, decimal = dialect_for()
    lines = alliance.benefits.select_related("entry").order_by("owed_on", "entry_id")
    header = [_("Date"), _("Referrals"), _("Sales"), _("Revenue"), _("Benefit owed"), _("Paid on")]
    rows = (
        [
            line.owed_on.isoformat(),
            line.entry.referrals,
            line.entry.sales,
            number(line.entry.revenue, decimal),
            number(line.amount, decimal),
            line.paid_on.isoformat() if line.paid_on else "",
            line.entry.note,
        ]
        for line in lines
    )
    return csv_response(f"ledger-{alliance.code}.csv", [*header, _("Note")], rows)


@require_http_methods(["GET", "POST"])
@workspace_required
def alliance_design(request, code: str):
    alliance = get_alliance_for(request, code)
    if alliance.is_ended():
        messages.info(request, _("This alliance has ended: its design is kept below."))
        return redirect("alliances:detail", code=alliance.code)
    form = DesignForm(request.POST or None, instance=alliance)
    if request.method == "POST" and form.is_valid():
        # Sent again once active (a double tap), it saves nothing new and says so.
        activate = request.POST.get("action") == "activate"
        if not (activate and alliance.is_in_design() and form.refuse_unready()):
            return _save_design(request, form, activate)
    context = {"alliance": alliance, "form": form}
    return render(request, "alliances/design.html", context, status=400 if form.errors else 200)


def _save_design(request, form: DesignForm, activate: bool) -> HttpResponse:
    alliance = form.instance
    try:
        form.save_design(request.user)
    except (AllianceEnded, NotReady):  # ended, or made incomplete, meanwhile in another tab
        messages.error(request, _("This alliance changed meanwhile: nothing was saved."))
        return redirect("alliances:detail", code=alliance.code)
    tell_what_was_kept(request, form)
    if not activate:
        messages.success(request, _("Design saved."))
        return redirect("alliances:design", code=alliance.code)
    try:
        activated = alliance.activate(request.user, request.workspace.today())
    except NotReady as refused:
        messages.error(
            request,
            _("Design saved, but not activated: %(missing)s.")
            % {"missing": ", ".join(str(phrase) for phrase in refused.missing)},
        )
    else:
        if activated:
            messages.success(request, _("Design saved. The alliance is active."))
        else:  # a double tap, another tab
            messages.info(request, _("This alliance was already active."))
    return redirect("alliances:detail", code=alliance.code)


@require_POST
@workspace_required
def agreement_link(request, code: str):
    """Create the agreement link (the alliance's one-pager) or change its language, or
    revoke it. Each is a compare-and-set: of two taps or tabs, the first makes the link and
    the second keeps it; a second revoke finds it gone."""
    alliance = get_alliance_for(request, code)
    if request.POST.get("action") == "revoke":
        _revoke_agreement(alliance)
        messages.success(request, _("The agreement link no longer works."))
        return redirect("alliances:detail", code=alliance.code)
    form = AgreementForm(request.POST, instance=alliance)
    if alliance.is_ended() or not form.is_valid():
        messages.error(request, _("The agreement link was not created: nothing was saved."))
        return redirect("alliances:detail", code=alliance.code)
    language = form.cleaned_data["one_pager_language"]
    still_open = Alliance.objects.open().filter(pk=alliance.pk)
    if still_open.filter(one_pager_token__isnull=True).update(
        one_pager_token=random_token(), one_pager_language=language
    ):
        messages.success(request, _("Agreement link created: send it to your partner."))
    else:
        still_open.update(one_pager_language=language)
        messages.success(request, _("Agreement updated; its link stays the same."))
    return redirect("alliances:detail", code=alliance.code)


def _revoke_agreement(alliance: Alliance) -> None:
    """The link stops working. A link carried over from the pilot promoted is the same
    secret on the pilot: it is revoked there too, or the old page would answer again."""
    Alliance.objects.filter(pk=alliance.pk).update(one_pager_token=None)
    token = alliance.one_pager_token
    if token and alliance.pilot_id:
        Pilot.objects.filter(pk=alliance.pilot_id, one_pager_token=token).update(
            one_pager_token=None
        )
