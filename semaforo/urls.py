from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from semaforo import views

urlpatterns = [
    path("", views.home, name="home"),
    # For a load balancer or a monitor: no login, no HTTPS redirect (SECURE_REDIRECT_EXEMPT).
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.auth_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("accounts.urls")),
    path("candidates/", include("candidates.urls")),
    path("", include("pilots.urls")),
    path("alliances/", include("alliances.urls")),
    path("", include("dashboard.urls")),
    path("", include("partners.urls")),
    # The preferences moved to accounts/; links in emails already sent still work.
    path(
        "preferences/",
        RedirectView.as_view(pattern_name="accounts:preferences"),
        name="preferences_moved",
    ),
    path("admin/", admin.site.urls),
]

if settings.BENCHMARK_VIEWS:
    urlpatterns += [path("bench/ping/", views.bench_ping, name="bench_ping")]
