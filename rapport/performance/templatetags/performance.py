"""``{% load performance %}``: every figure shown with its definition, the one way.

- ``{% figure "cpm" figures er_denominator %}``: the figure's value as :func:`kpis.show` writes
  it, its definition (:func:`kpis.definition`) as the value's title (``performance/_figure.html``);
  ``labelled=True`` puts the figure's name before it, ``shared=True`` says that the money part was
  shared among a collaboration's posts.
- ``{% figure_label "cpm" er_denominator %}``: the figure's name with its definition, for a
  table's header; it can take the keyboard focus so the definition shows without a mouse.
- ``{% figure_definitions names er_denominator %}``: every definition in words, in a disclosure
  under a table (what screen readers and phones read).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.translation import gettext as _

from rapport.performance import kpis
from rapport.performance.queries.figures import SHARED_NOTE

register = template.Library()


def _definition(name: str, er_denominator: str, shared: bool) -> str:
    words = kpis.definition(name, er_denominator)
    if shared and name not in ("reach", "impressions", "views", "engagements", "er"):
        words = f"{words} {SHARED_NOTE}"
    return words


def value_of(name: str, figures: kpis.Figures, er_denominator: str) -> Any:
    """The raw value of figure ``name`` of ``figures`` (a KPI is computed, ``None`` = n/a)."""
    if name in kpis.KPIS:
        return getattr(kpis.kpis(figures, er_denominator), name)
    return getattr(figures, name)


@register.inclusion_tag("performance/_figure.html")
def figure(
    name: str,
    figures: kpis.Figures,
    er_denominator: str = "reach",
    labelled: bool = False,
    shared: bool = False,
) -> dict[str, Any]:
    """One figure of ``figures``, written for the reader, with its definition."""
    value = value_of(name, figures, er_denominator)
    return {
        "text": kpis.show(name, value, figures.currency),
        "raw": "" if value is None else kpis.rounded(name, value) if name in kpis.KPIS else value,
        "definition": _definition(name, er_denominator, shared),
        "label": kpis.LABELS[name] if labelled else "",
    }


@register.inclusion_tag("performance/_figure_label.html")
def figure_label(name: str, er_denominator: str = "reach", shared: bool = False) -> dict[str, Any]:
    """The figure's name with its definition."""
    return {"label": kpis.LABELS[name], "definition": _definition(name, er_denominator, shared)}


@register.inclusion_tag("performance/_figure_definitions.html")
def figure_definitions(
    names: Iterable[str], er_denominator: str = "reach", shared: bool = False
) -> dict[str, Any]:
    """Every definition of ``names``, in words."""
    return {
        "summary": _("What each figure means"),
        "definitions": [
            (kpis.LABELS[name], _definition(name, er_denominator, shared)) for name in names
        ],
    }
