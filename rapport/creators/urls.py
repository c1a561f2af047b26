from django.urls import path

from rapport.creators import views

app_name = "creators"
urlpatterns = [
    path("", views.creator_list, name="list"),
    path("<int:pk>/", views.creator_detail, name="detail"),
]
