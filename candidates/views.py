from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.workspaces import get_membership, owner_required, workspace_required
from candidates import spreadsheets
from candidates.criteria import CRITERIA, CRITERION_FIELDS, FILTER_QUESTIONS
from candidates.forms import (
    ANSWER_FORMS,
    CandidateFilterForm,
    CandidateForm,
    ChecklistForm,
    ImportForm,
    ScoringSettingsForm,
)
from candidates.models import Candidate, Evaluation, ScoringSettings, Status
from candidates.scoring import PRESETS, Rule, bands
from semaforo.lib import once
from semaforo.lib.loaded_values import tell_what_was_kept
from semaforo.lib.redirects import local_next
from semaforo.lib.spreadsheet import csv_response

PAGE_SIZE = 20


def _get_candidate_for(request, code: str, *, lock: bool = False) -> Candidate:
    """The candidate with this code in the current workspace, or 404 (row-locked if
    `lock`, inside the caller's transaction)."""
    candidates = Candidate.objects.select_for_update() if lock else Candidate.objects
    return get_object_or_404(candidates, workspace=request.workspace, code=code)


@require_http_methods(["GET"])
@vary_on_headers("HX-Request")
@workspace_required
def candidate_list(request):
    form = CandidateFilterForm(request.GET or None)
    queryset = form.filter(Candidate.objects.for_workspace(request.workspace).with_current())
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page}
    # htmx swaps only the results; a history restore (back button) needs the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "candidates/list.html#results" if partial else "candidates/list.html"
    return render(request, template, context)


def _warn_of_namesakes(request, candidate: Candidate) -> None:
    """Same name as another active candidate (but for case and accents): saved all the same
    — two branches of a chain, a second try — but said, with a link to the other one."""
    namesakes = list(candidate.namesakes()[:3])
    if not namesakes:
        return
    text = ngettext(
        "Another candidate has the same name: %(links)s. Both are kept; if they are the same "
        "partner, archive one of them.",
        "Other candidates have the same name: %(links)s. All are kept; if they are the same "
        "partner, archive the extra ones.",
        len(namesakes),
    )
    # The template escapes the text and the names, and puts the links in.
    before, _links, after = text.partition("%(links)s")
    context = {"before": before, "after": after, "namesakes": namesakes}
    messages.warning(request, render_to_string("candidates/_namesakes.html", context))


@require_http_methods(["GET", "POST"])
@workspace_required
def candidate_create(request):
    form = CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = request.POST.get("form_token", "")
        if token and not once.claim("candidate-create", token):
            # The second tap of a double tap: the first one is adding it.
            messages.info(request, _("Already added: it was sent twice."))
            added = once.result("candidate-create", token)
            return (
                redirect("candidates:detail", code=added) if added else redirect("candidates:list")
            )
        with transaction.atomic():
            candidate = form.save(commit=False)
            candidate.workspace = request.workspace
            candidate.save()
            Evaluation.start(candidate)
        if token:
            once.remember("candidate-create", token, candidate.code)
        messages.success(request, _("Candidate added. Now score them on the checklist."))
        _warn_of_namesakes(request, candidate)
        return redirect("candidates:detail", code=candidate.code)
    return render(request, "candidates/form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@workspace_required
def candidate_edit(request, code: str):
    # The row is locked from the stale-form check to the save (LoadedValuesMixin).
    with transaction.atomic():
        candidate = _get_candidate_for(request, code, lock=request.method == "POST")
        saved_name = candidate.name  # validation writes the typed values onto the instance
        form = CandidateForm(request.POST or None, instance=candidate)
        if request.method == "POST" and form.is_valid():
            form.save()
            messages.success(request, _("Changes saved."))
            tell_what_was_kept(request, form)
            if "name" in form.changed_data:
                _warn_of_namesakes(request, candidate)
            return redirect("candidates:detail", code=candidate.code)
    context = {"form": form, "candidate": candidate, "saved_name": saved_name}
    return render(request, "candidates/form.html", context)


def checklist_context(candidate: Candidate, evaluation: Evaluation, form=None) -> dict:
    return {
        "candidate": candidate,
        "evaluation": evaluation,
        "form": form or ChecklistForm(instance=evaluation),
    }


def _detail_context(candidate: Candidate, evaluation: Evaluation, form=None) -> dict:
    """Everything the detail page shows (also when a no-JS checklist submit is re-shown)."""
    context = checklist_context(candidate, evaluation, form)
    context["history"] = candidate.evaluations.filter(frozen_at__isnull=False)
    return context


@require_http_methods(["GET"])
@workspace_required
def candidate_detail(request, code: str):
    candidate = _get_candidate_for(request, code)
    context = _detail_context(candidate, candidate.current_evaluation())
    return render(request, "candidates/detail.html", context)


def _record_answers(request, code: str, answers: dict) -> Evaluation:
    """Write these answers into the candidate's open evaluation; return it as saved
    (404 outside the workspace)."""
    candidate_open = Evaluation.objects.filter(
        candidate__workspace=request.workspace, candidate__code=code
    )
    evaluation = candidate_open.record_answers(answers)
    if evaluation is None:
        # None open yet, or frozen and replaced just now (a code from another workspace: 404).
        _get_candidate_for(request, code).current_evaluation()
        evaluation = candidate_open.record_answers(answers)
    return evaluation


def _stored_evaluation(request, code: str) -> Evaluation:
    """The open evaluation as stored, with its candidate's status as `candidate_status`."""
    return get_object_or_404(
        Evaluation.objects.open().annotate(candidate_status=F("candidate__status")),
        candidate__workspace=request.workspace,
        candidate__code=code,
    )


@require_POST
@workspace_required
def checklist_save(request, code: str):
    """A tick or a note (htmx sends the one control that changed), or the no-JS submit of
    the whole checklist (only what this person changed since the page loaded is written).

    The app's hottest path (`make bench` measures it): the open evaluation is read (row
    locked) and written (the answer, and the score it gives) in two queries, and the answer
    is the light alone.
    """
    trigger = request.htmx.trigger_name if request.htmx else None
    if trigger in ANSWER_FORMS:
        form = ANSWER_FORMS[trigger](request.POST)
        answers = form.cleaned_data if form.is_valid() else None
    else:
        form = ChecklistForm(
            request.POST, instance=_get_candidate_for(request, code).current_evaluation()
        )
        answers = form.changes() if form.is_valid() else None
    if answers:
        evaluation = _record_answers(request, code, answers)
    else:
        evaluation = _stored_evaluation(request, code)
    if answers is not None:
        if evaluation.candidate_status == Status.NEW and any(
            field in answers for field in CRITERION_FIELDS
        ):
            # The first tick moves a new candidate on (compare-and-set: never overwrites
            # a status that changed meanwhile, e.g. a pilot started in another tab).
            Candidate.objects.filter(pk=evaluation.candidate_id, status=Status.NEW).update(
                status=Status.EVALUATED, updated_at=timezone.now()
            )
        if not request.htmx:
            messages.success(request, _("Checklist saved."))
            return redirect(local_next(request) or reverse("candidates:detail", args=[code]))
    if request.htmx:
        # The light alone (about half a kilobyte): the boxes are already on the page.
        context = {"evaluation": evaluation, "form": form}
        return render(request, "candidates/_checklist.html#light", context)
    context = _detail_context(_get_candidate_for(request, code), evaluation, form)
    return render(request, "candidates/detail.html", context, status=400)


@require_POST
@workspace_required
def reevaluate(request, code: str):
    candidate = _get_candidate_for(request, code)
    current = candidate.current_evaluation()
    shown = request.POST.get("evaluation", "")
    if shown and shown != current.code:
        # The page's evaluation was frozen already: a double tap, or another tab.
        messages.info(request, _("That evaluation is already in the history."))
        return redirect("candidates:detail", code=candidate.code)
    current.reevaluate()
    messages.success(
        request, _("The previous evaluation is kept in the history. This one starts from it.")
    )
    return redirect("candidates:detail", code=candidate.code)


@require_POST
@workspace_required
def archive(request, code: str):
    candidate = _get_candidate_for(request, code)
    candidate.archived_at = timezone.now()
    candidate.save(update_fields=["archived_at", "updated_at"])
    messages.success(
        request,
        _("“%(name)s” archived. You can restore it from the archived list.")
        % {"name": candidate.name},
    )
    return redirect("candidates:list")


@require_POST
@workspace_required
def restore(request, code: str):
    candidate = _get_candidate_for(request, code)
    candidate.archived_at = None
    candidate.save(update_fields=["archived_at", "updated_at"])
    messages.success(request, _("“%(name)s” restored.") % {"name": candidate.name})
    return redirect("candidates:detail", code=candidate.code)


@require_http_methods(["GET"])
@workspace_required
def evaluation_detail(request, code: str, evaluation_code: str):
    candidate = _get_candidate_for(request, code)
    evaluation = get_object_or_404(
        candidate.evaluations, code=evaluation_code, frozen_at__isnull=False
    )
    return render(
        request,
        "candidates/evaluation.html",
        {"candidate": candidate, "evaluation": evaluation},
    )


@require_http_methods(["GET", "POST"])
@owner_required
def scoring_settings(request):
    scoring = ScoringSettings.for_workspace(request.workspace)
    form = ScoringSettingsForm(request.POST or None, instance=scoring)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            _("Scoring rule saved. It applies to new evaluations; existing ones keep their rule."),
        )
        tell_what_was_kept(request, form)
        return redirect("candidates:scoring")
    return render(request, "candidates/scoring.html", {"form": form})


@require_GET
@workspace_required
def export_csv(request):
    header, rows = spreadsheets.export_rows(spreadsheets.for_export(request.workspace))
    filename = f"candidates-{timezone.localdate().isoformat()}.csv"
    return csv_response(filename, header, rows)


@require_http_methods(["GET", "POST"])
@workspace_required
def import_csv(request):
    """Upload → preview with each row's errors → confirm: all rows or none."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read(spreadsheets.MAX_IMPORT_BYTES + 1)
        result = spreadsheets.preview(data)
        pending = None
        if result.ok:
            pending = spreadsheets.keep_for_confirm(request.workspace, request.user, result)
        context = {"form": form, "result": result, "pending": pending}
        return render(request, "candidates/import.html", context)
    return render(request, "candidates/import.html", {"form": form})


@require_POST
@workspace_required
def import_confirm(request):
    """Import a previewed file once (a double click imports it once), and only in the
    workspace it was previewed in."""
    code = request.POST.get("code", "")
    pending = spreadsheets.pending_import(request.user, code)
    if pending is not None and pending.workspace_id != request.workspace.pk:
        messages.error(
            request,
            _(
                "This file was previewed in “%(previewed)s” and you are now working in "
                "“%(current)s”: nothing was imported. Switch back to “%(previewed)s” to "
                "import it there."
            )
            % {"previewed": pending.workspace.name, "current": request.workspace.name},
        )
        return redirect("candidates:import")
    result = spreadsheets.preview_text(pending.text) if pending else None
    if result is not None and not result.ok:
        messages.error(request, _("The file has errors; nothing was imported."))
        return redirect("candidates:import")
    count = spreadsheets.import_pending(pending, result) if pending else None
    if count is None and not code:
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect("candidates:import")
    if count is None:  # confirmed already (a double click, another tab), or expired
        messages.info(
            request,
            _("Nothing more to import: this file was already imported, or its preview expired."),
        )
        return redirect("candidates:list")
    messages.success(
        request,
        ngettext("%(count)d candidate imported.", "%(count)d candidates imported.", count)
        % {"count": count},
    )
    return redirect("candidates:list")


@require_GET
@workspace_required
def print_evaluation(request, code: str):
    """The candidate's current evaluation on one printable page."""
    candidate = _get_candidate_for(request, code)
    context = {
        "candidate": candidate,
        "evaluation": candidate.current_evaluation(),
    }
    return render(request, "candidates/print_evaluation.html", context)


@require_GET
def print_blank(request):
    """The method's one-page template, to fill in by hand (open to everyone)."""
    membership = get_membership(request)
    scoring = ScoringSettings.for_workspace(membership.workspace) if membership else None
    thresholds = scoring.thresholds() if scoring else PRESETS[Rule.QUICK_SCORE]
    context = {
        "criteria": CRITERIA,
        "questions": [q for _f, q in FILTER_QUESTIONS],
        "bands": bands(thresholds),
    }
    return render(request, "candidates/print_blank.html", context)
