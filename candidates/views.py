from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.workspaces import get_membership, owner_required, workspace_required
from candidates import transfer
from candidates.criteria import CRITERIA, FILTER_QUESTIONS
from candidates.forms import (
    CandidateFilterForm,
    CandidateForm,
    ChecklistForm,
    ImportForm,
    ScoringSettingsForm,
)
from candidates.models import Candidate, Evaluation, ScoringSettings, Status
from candidates.scoring import MAX_SCORE, PRESETS, Rule, bands
from semaforo.lib.redirects import local_next
from semaforo.lib.spreadsheet import csv_response

PAGE_SIZE = 20


def _get_candidate_for(request, code: str) -> Candidate:
    """The candidate with this code in the current workspace, or 404."""
    return get_object_or_404(Candidate, workspace=request.workspace, code=code)


@require_http_methods(["GET"])
@vary_on_headers("HX-Request")
@workspace_required
def candidate_list(request):
    form = CandidateFilterForm(request.GET or None)
    queryset = form.filter(Candidate.objects.for_workspace(request.workspace).with_current())
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    # htmx swaps only the results; a history restore (back button) needs the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "candidates/list.html#results" if partial else "candidates/list.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@workspace_required
def candidate_create(request):
    form = CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            candidate = form.save(commit=False)
            candidate.workspace = request.workspace
            candidate.save()
            Evaluation.start(candidate)
        messages.success(request, _("Candidate added. Now score them on the checklist."))
        return redirect("candidates:detail", code=candidate.code)
    return render(request, "candidates/form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@workspace_required
def candidate_edit(request, code: str):
    candidate = _get_candidate_for(request, code)
    saved_name = candidate.name  # validation writes the typed values onto the instance
    form = CandidateForm(request.POST or None, instance=candidate)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Changes saved."))
        return redirect("candidates:detail", code=candidate.code)
    context = {"form": form, "candidate": candidate, "saved_name": saved_name}
    return render(request, "candidates/form.html", context)


def checklist_context(candidate: Candidate, evaluation: Evaluation, form=None) -> dict:
    return {
        "candidate": candidate,
        "evaluation": evaluation,
        "form": form or ChecklistForm(instance=evaluation),
        "max_score": MAX_SCORE,
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


def _open_evaluation(request, code: str) -> Evaluation:
    """The candidate's open evaluation, with its candidate's status as `candidate_status`."""
    evaluation = Evaluation.objects.open_for_tick(request.workspace, code)
    if evaluation is None:  # none yet; a code from another workspace is a 404
        evaluation = _get_candidate_for(request, code).current_evaluation()
        evaluation.candidate_status = evaluation.candidate.status
    return evaluation


@require_POST
@workspace_required
def checklist_save(request, code: str):
    """Each tick (htmx) or the no-JS submit: rescore the current evaluation and save it.

    The app's hottest path (`make bench` measures it): one query finds the evaluation and
    its candidate's status, one writes what the tick changed, and the answer is the light
    alone.
    """
    for _attempt in range(2):
        evaluation = _open_evaluation(request, code)
        form = ChecklistForm(request.POST, instance=evaluation)
        if not form.is_valid():
            break
        evaluation = form.apply()
        evaluation.rescore()
        if evaluation.save_ticks(form.fields_to_save()):
            break
        # Frozen since it was read (a re-evaluation or a pilot started in another tab): the
        # frozen record keeps its ticks, and these go to the new current evaluation.
    else:  # lost twice: nothing saved; the light shows what is stored, and says so
        evaluation = _open_evaluation(request, code)
        form = ChecklistForm(request.POST, instance=evaluation)
        form.is_valid()
        form.add_error(
            None,
            _("This evaluation was just saved to the history from another tab. Reload the page."),
        )
    if form.is_valid():
        if evaluation.candidate_status == Status.NEW:
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
        context = {"evaluation": evaluation, "form": form, "max_score": MAX_SCORE}
        return render(request, "candidates/_checklist.html#light", context)
    context = _detail_context(evaluation.candidate, evaluation, form)
    return render(request, "candidates/detail.html", context, status=400)


@require_POST
@workspace_required
def reevaluate(request, code: str):
    candidate = _get_candidate_for(request, code)
    candidate.current_evaluation().reevaluate()
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
        {"candidate": candidate, "evaluation": evaluation, "max_score": MAX_SCORE},
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
        return redirect("candidates:scoring")
    return render(request, "candidates/scoring.html", {"form": form})


IMPORT_SESSION_KEY = "candidate_import"


@require_GET
@workspace_required
def export_csv(request):
    header, rows = transfer.export_rows(transfer.for_export(request.workspace))
    filename = f"candidates-{timezone.localdate().isoformat()}.csv"
    return csv_response(filename, header, rows)


@require_http_methods(["GET", "POST"])
@workspace_required
def import_csv(request):
    """Upload → preview with each row's errors → confirm: all rows or none."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read(transfer.MAX_IMPORT_BYTES + 1)
        result = transfer.preview(data)
        if result.ok:
            request.session[IMPORT_SESSION_KEY] = data.decode("utf-8-sig")
        return render(request, "candidates/import.html", {"form": form, "result": result})
    return render(request, "candidates/import.html", {"form": form})


@require_POST
@workspace_required
def import_confirm(request):
    text = request.session.pop(IMPORT_SESSION_KEY, None)
    if text is None:
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect("candidates:import")
    result = transfer.preview(text.encode())
    if not result.ok:
        messages.error(request, _("The file has errors; nothing was imported."))
        return redirect("candidates:import")
    count = transfer.import_all(request.workspace, result)
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
        "max_score": MAX_SCORE,
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
