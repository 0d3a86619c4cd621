from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.workspaces import workspace_required
from dashboard.insights import insights_context
from dashboard.sections import dashboard_context
from pilots.models import ResultEntry


@require_GET
@workspace_required
def home(request):
    """What needs attention first: reviews due, running pilots, the best candidates."""
    context = dashboard_context(request.workspace, timezone.localdate(), request.GET.get("page"))
    # Without JavaScript, the page offers the undo after a one-tap +1 (one query).
    running = list(context["running"].object_list)
    taps = ResultEntry.objects.latest_taps_to_undo(request.user, running)
    for pilot in running:
        pilot.logged = taps.get(pilot.pk)
    return render(request, "dashboard/home.html", context)


@require_GET
@workspace_required
def insights(request):
    """What works for us: the checklist at each finished pilot's start against its outcome."""
    return render(request, "dashboard/insights.html", insights_context(request.workspace))
