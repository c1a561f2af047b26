"""Tracking pages under /w/<ws>/tracking/ (namespace ``tracking``); each part lists its own."""

from rapport.tracking.views import codes, links, orders, shops

app_name = "tracking"
urlpatterns = [*links.urls, *codes.urls, *shops.urls, *orders.urls]
