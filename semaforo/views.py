from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe


@require_GET
def home(request):
    """Signed-in users go to their work; visitors see what the method is."""
    if request.user.is_authenticated:
        return redirect("dashboard:home")
    return render(request, "home.html")


@never_cache
@require_safe
def healthz(request):
    """200 while the database answers, 503 when it does not (no login, tiny body)."""
    try:
        # One read of a small table every install has: the database answers, and it has
        # been migrated (a fresh server that skipped `migrate` is not ready either).
        ContentType.objects.exists()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@require_GET
@login_required
def bench_ping(request):
    """`make bench`'s ceiling: the cheapest signed-in response on the same stack.

    Mounted only when settings.BENCHMARK_VIEWS is true (never in production)."""
    return HttpResponse("ok", content_type="text/plain")
