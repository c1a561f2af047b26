from django.urls import path

from rapport.workspaces import views

ws = "w/<slug:ws>/"
urlpatterns = [
    path("me/", views.personal_settings, name="personal_settings"),
    path("workspaces/new/", views.new_workspace, name="new_workspace"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path(ws + "members/", views.members, name="members"),
    path(ws + "members/<int:pk>/role/", views.member_role, name="member_role"),
    path(ws + "members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path(ws + "invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path(ws + "tokens/", views.api_tokens, name="api_tokens"),
    path(ws + "tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path(ws + "settings/", views.workspace_settings, name="workspace_settings"),
    path(ws + "settings/fields/new/", views.custom_field_edit, name="custom_field_new"),
    path(ws + "settings/fields/<int:pk>/", views.custom_field_edit, name="custom_field_edit"),
    path(
        ws + "settings/fields/<int:pk>/delete/",
        views.custom_field_delete,
        name="custom_field_delete",
    ),
]
