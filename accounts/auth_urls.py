"""Django's password reset, throttled, and a dead link answers 404 (accounts/views.py).
Mounted before django.contrib.auth.urls, without a namespace: Django's own templates and
views reverse these names as they are."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
]
