from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET


@require_GET
def home(request):
    """Signed-in users go to their work; visitors see what the method is."""
    if request.user.is_authenticated:
        return redirect("pilots:dashboard")
    return render(request, "home.html")
