"""Team pages about the hub, under /w/<ws>/hub/ (namespace ``hub_team``): the link panel's
actions and the FAQ editor."""

from rapport.hub.views import faq_team, links

app_name = "hub_team"
urlpatterns = [*links.urls, *faq_team.urls]
