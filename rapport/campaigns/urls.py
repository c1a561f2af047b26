"""Pages under /w/<ws>/campaigns/ (and the weekly view); each part of the work lists its own."""

from rapport.campaigns.views import (
    briefs,
    campaigns,
    collaborations,
    deliverables,
    offers,
    reviews,
    seeding,
    sla,
    weekly,
)

app_name = "campaigns"
urlpatterns = [
    *campaigns.urls,
    *briefs.urls,
    *collaborations.urls,
    *offers.urls,
    *deliverables.urls,
    *reviews.urls,
    *seeding.urls,
    *sla.urls,
    *weekly.urls,
]
