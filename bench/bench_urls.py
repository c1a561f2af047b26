"""The product's URLs plus ``/bare/<slug>``: a view that only answers a 302, the floor any Django
view stands on (the same middleware, no database). Benchmarks compare the tracked redirect and
the webhooks with it; it never ships in ``rapport.urls``."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from rapport.urls import urlpatterns as product_urls


# Exempt so that a POST (the webhook benchmark's floor) gets its 302 like a GET.
@csrf_exempt
def bare(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponseRedirect(f"https://shop.example.com/?slug={slug}")


urlpatterns = [path("bare/<str:slug>", bare, name="bench_bare"), *product_urls]
