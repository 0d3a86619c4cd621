from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("workspace/switch/", views.switch_workspace, name="switch"),
    path("workspace/new/", views.workspace_create, name="workspace_create"),
    path("workspace/members/", views.members, name="members"),
    path("workspace/rename/", views.workspace_rename, name="workspace_rename"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation"),
    path("invitations/<str:token>/revoke/", views.invitation_revoke, name="invitation_revoke"),
]
