"""``/r/<slug>``: a creator's short link. Records the click and redirects to the shop.

The hottest path of the product (a post can go viral): one query for the link (only the three
columns needed), one insert for the click, a 302. No session, user, message or template is
touched on the way, and nothing is logged per click. A link that does not exist or was turned
off gets the same small page, so nobody can tell which slugs ever existed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from rapport.tracking.models import TrackingLink
from rapport.tracking.queries.clicks import redirect_target
from rapport.tracking.services.clicks import record_click

SLUG_MAX_LENGTH = TrackingLink._meta.get_field("slug").max_length or 40


def with_click_ref(target_url: str, ref: str) -> str:
    """``target_url`` with ``rclid=<ref>`` added to its query, before any fragment."""
    base, hash_sign, fragment = target_url.partition("#")
    if "?" not in base:
        base += "?"
    elif not base.endswith(("?", "&")):
        base += "&"
    return f"{base}rclid={ref}{hash_sign}{fragment}"


def _no_store(response: HttpResponse) -> HttpResponse:
    # Every click must reach us (no cache may answer for us), and no search engine list a link.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# Exempt from the CSRF check: the view changes nothing on any other method (it answers 405), so
# a POST gets that 405 rather than a 403 the CSRF middleware would render through the session.
@csrf_exempt
def redirect(request: HttpRequest, slug: str) -> HttpResponse:
    """Record the click on an active link and redirect to its target with the click reference;
    404 with a small page otherwise. GET and HEAD only (a HEAD counts as a robot)."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    found = redirect_target(slug) if len(slug) <= SLUG_MAX_LENGTH else None
    if found is None:
        # Rendered without the request: no context processor reads the session or the user. In
        # the visitor's language, as the locale middleware would choose it (the redirect is
        # answered ahead of it, see tracking/middleware.py).
        with translation.override(translation.get_language_from_request(request)):
            page = render_to_string("tracking/link_gone.html")
        return _no_store(HttpResponse(page, status=404))
    link_id, workspace_id, target_url = found
    ref = record_click(request=request, link_id=link_id, workspace_id=workspace_id)
    return _no_store(HttpResponseRedirect(with_click_ref(target_url, ref)))
