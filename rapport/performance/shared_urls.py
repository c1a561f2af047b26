"""The read-only wrap report behind a share link, mounted at /shared/ (namespace ``shared``)."""

from rapport.performance.views import shared

app_name = "shared"
urlpatterns = shared.urls
