from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from rapport.api.api import api
from rapport.tracking.views import redirect as tracking_redirect
from rapport.workspaces import views as workspace_views

urlpatterns = [
    path("", workspace_views.home, name="home"),
    path("accounts/login/", workspace_views.SignInView.as_view(), name="login"),
    path(
        "accounts/password_reset/",
        workspace_views.PasswordResetRequestView.as_view(),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("rapport.workspaces.urls")),
    path("w/<slug:ws>/creators/", include("rapport.creators.urls")),
    path("w/<slug:ws>/campaigns/", include("rapport.campaigns.urls")),
    path("w/<slug:ws>/finance/", include("rapport.finance.urls")),
    path("w/<slug:ws>/hub/", include("rapport.hub.team_urls")),
    path("w/<slug:ws>/tracking/", include("rapport.tracking.urls")),
    path("w/<slug:ws>/performance/", include("rapport.performance.urls")),
    path("shared/", include("rapport.performance.shared_urls")),
    path("h/", include("rapport.hub.urls")),
    # The tracking redirect: the hottest path in the product, kept to one lookup and one insert.
    path("r/<str:slug>", tracking_redirect.redirect, name="tracking_redirect"),
    path("api/v1/", api.urls),
    # Browsers ask for /favicon.ico on their own. Lazy: the hashed name is known only once the
    # static files are collected, not when this module is imported.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("rapport/favicon.svg"))),
]
