from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import views as accounts_views
from semaforo import views

urlpatterns = [
    path("", views.home, name="home"),
    # For a load balancer or a monitor: no login, no HTTPS redirect (SECURE_REDIRECT_EXEMPT).
    path("healthz", views.healthz, name="healthz"),
    # Django's password reset, throttled, and a dead link answers 404 (accounts/views.py).
    path(
        "accounts/password_reset/",
        accounts_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        accounts_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("accounts.urls")),
    path("candidates/", include("candidates.urls")),
    path("", include("pilots.urls")),
    path("admin/", admin.site.urls),
]

if settings.BENCHMARK_VIEWS:
    urlpatterns += [path("bench/ping/", views.bench_ping, name="bench_ping")]
