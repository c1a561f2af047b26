from django.urls import path

from rapport.workspaces import views

urlpatterns: list = []
