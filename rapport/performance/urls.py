"""Performance pages under /w/<ws>/performance/ (namespace ``performance``); each part lists its
own."""

from rapport.performance.views import (
    connections,
    explorer,
    health,
    imports,
    portfolio,
    posts,
    report,
)

app_name = "performance"
urlpatterns = [
    *posts.urls,
    *imports.urls,
    *connections.urls,
    *explorer.urls,
    *report.urls,
    *health.urls,
    *portfolio.urls,
]
