from django.urls import path

from rapport.creators import views

app_name = "creators"
urlpatterns = [
    path("", views.creator_list, name="list"),
    path("new/", views.creator_create, name="create"),
    path("bulk/", views.creator_bulk, name="bulk"),
    path("views/", views.saved_view_create, name="save_view"),
    path("views/<int:view_id>/delete/", views.saved_view_delete, name="delete_view"),
    path("notifications/", views.notifications, name="notifications"),
    path("<int:pk>/", views.creator_detail, name="detail"),
    path("<int:pk>/timeline/", views.creator_timeline_part, name="timeline"),
    path("<int:pk>/edit/", views.creator_edit, name="edit"),
    path("<int:pk>/stage/", views.creator_stage, name="stage"),
    path("<int:pk>/tags/", views.creator_tags, name="tags"),
    path("<int:pk>/emails/", views.creator_emails, name="emails"),
    path("<int:pk>/private/", views.creator_private, name="private"),
    path("<int:pk>/notes/", views.creator_note, name="note"),
    path("<int:pk>/accounts/", views.account_save, name="account_add"),
    path("<int:pk>/accounts/<int:account_id>/", views.account_save, name="account_edit"),
    path(
        "<int:pk>/accounts/<int:account_id>/delete/",
        views.account_delete,
        name="account_delete",
    ),
    # --- Import and export ---
    path("import/", views.import_start, name="import"),
    path("import/<int:job_id>/", views.import_job, name="import_job"),
    path("import/<int:job_id>/check/", views.import_check, name="import_check"),
    path("import/<int:job_id>/commit/", views.import_commit, name="import_commit"),
    path("import/<int:job_id>/problems.csv", views.import_report, name="import_report"),
    path("export/", views.export_creators, name="export"),
    # --- Merge ---
    path("<int:pk>/merge/", views.creator_merge, name="merge"),
]
