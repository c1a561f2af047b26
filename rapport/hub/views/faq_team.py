"""Team side of the hub: faq_team. Stub: its part fills it in."""

from __future__ import annotations

from django.urls import URLPattern

urls: list[URLPattern] = []
