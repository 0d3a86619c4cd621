from django.urls import path

import semaforo.lib.converters  # noqa: F401 (registers <code:…>, <anycase_code:…>, <token:…>)
from accounts import views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("workspace/switch/", views.switch_workspace, name="switch"),
    path("workspace/new/", views.workspace_create, name="workspace_create"),
    path("workspace/members/", views.members, name="members"),
    path("workspace/members/remove/", views.member_remove, name="member_remove"),
    path("workspace/settings/", views.workspace_settings, name="workspace_settings"),
    path("language/", views.set_language, name="set_language"),
    path("preferences/", views.preferences, name="preferences"),
    path("invitations/<token:token>/", views.invitation_accept, name="invitation"),
    path("invitations/<token:token>/revoke/", views.invitation_revoke, name="invitation_revoke"),
]
