from django.contrib.auth import views as auth_views
from django.urls import include, path

from rapport.api.api import api
from rapport.workspaces import views as workspace_views

urlpatterns = [
    path("", workspace_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("rapport.workspaces.urls")),
    path("w/<slug:ws>/creators/", include("rapport.creators.urls")),
    path("api/v1/", api.urls),
]
