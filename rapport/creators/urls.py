from django.urls import path

from rapport.creators import views

app_name = "creators"
urlpatterns = [
    path("", views.creator_list, name="list"),
    path("<int:pk>/", views.creator_detail, name="detail"),
    # --- Import and export (owned by the import/export work) ---
    # --- Merge (owned by the workspace/merge work) ---
]
