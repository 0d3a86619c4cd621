from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from semaforo import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(
            email_template_name="emails/password-reset-body.txt",
            html_email_template_name="emails/password-reset-body.html",
            subject_template_name="emails/password-reset-subject.txt",
        ),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("accounts.urls")),
    path("candidates/", include("candidates.urls")),
    path("", include("pilots.urls")),
    path("admin/", admin.site.urls),
]
