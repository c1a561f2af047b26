"""The creator hub, mounted at /h/ (namespace ``hub``): ``/h/<token>/`` and its actions."""

from rapport.hub.views import (
    brief,
    deliverables,
    details,
    faq,
    handoff,
    invoices,
    messages,
    page,
    recap,
    results,
    shipping,
    survey,
    terms,
    timeline,
)

app_name = "hub"
urlpatterns = [
    *terms.urls,
    *timeline.urls,
    *brief.urls,
    *handoff.urls,
    *deliverables.urls,
    *results.urls,
    *shipping.urls,
    *invoices.urls,
    *recap.urls,
    *survey.urls,
    *messages.urls,
    *faq.urls,
    *details.urls,
    *page.urls,
]
