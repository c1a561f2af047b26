"""API: the portfolio (creators by cost per result and health, the tier mix, whom to test
next), the same query and rules as the page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from rapport.api.permissions import require_perm, workspace_of
from rapport.performance.api.kpis import ERRORS, GroupOut, bad_choice, group_out
from rapport.performance.queries.portfolio import Suggestion, portfolio, rules
from rapport.workspaces.roles import Perm

router = Router(tags=["Performance"])


class PositionOut(GroupOut):
    creator_id: int
    name: str
    tier: str = Field(description="nano, micro, mid, macro or mega.")
    cost_metric: str = Field(description="cpa when the creator has conversions, else cpm.")
    cost: Decimal | None = Field(description="The creator's cost per result; null = n/a.")
    cost_index: Decimal | None = Field(
        description="Cost per result ÷ the workspace's same figure (below 1 = cheaper)."
    )
    health: Decimal | None = Field(description="Relationship health score, 0 to 100.")
    suggestion: Suggestion = Field(description="deepen, keep or pause, by the rules.")


class TierOut(GroupOut):
    tier: str
    creators: int
    share: Decimal | None = Field(description="Part of the total spend, as a fraction.")


class CandidateOut(Schema):
    creator_id: int
    name: str
    tier: str


class RuleOut(Schema):
    suggestion: str
    rule: str


class PortfolioOut(Schema):
    currency: str = Field(description="Every amount's currency; empty when there is no figure.")
    currencies: list[str] = Field(description="The currencies with figures, one at a time.")
    er_denominator: str
    rules: list[RuleOut] = Field(description="The suggestion rules, in the order they are tried.")
    creators: list[PositionOut] = Field(description="Biggest spend first.")
    tiers: list[TierOut]
    totals: GroupOut
    test_next: list[CandidateOut] = Field(
        description="Qualified creators who have never had a collaboration."
    )


class PortfolioParams(Schema):
    currency: str = Field("", description="ISO code; the first of `currencies` when blank.")


@router.get("/portfolio", response={200: PortfolioOut, **ERRORS}, summary="The portfolio")
def get_portfolio(request: HttpRequest, params: Query[PortfolioParams]) -> Any:
    """Every creator by cost per result against health with a suggestion (deepen, keep, pause),
    the tier mix of the spend, and the qualified creators to test next. 400 for a currency
    without figures."""
    require_perm(request, Perm.VIEW)
    try:
        found = portfolio(workspace_of(request), currency=params.currency)
    except ValidationError as error:
        return bad_choice(error)
    er = found.er_denominator
    return {
        "currency": found.currency,
        "currencies": found.currencies,
        "er_denominator": er,
        "rules": [{"suggestion": name, "rule": rule} for name, rule in rules()],
        "creators": [
            {
                **group_out(p.figures, er),
                "creator_id": p.creator_id,
                "name": p.name,
                "tier": p.tier,
                "cost_metric": p.cost_metric,
                "cost": p.cost,
                "cost_index": p.cost_index,
                "health": p.health,
                "suggestion": p.suggestion,
            }
            for p in found.positions
        ],
        "tiers": [
            {**group_out(t.figures, er), "tier": t.tier, "creators": t.creators, "share": t.share}
            for t in found.tiers
        ],
        "totals": group_out(found.totals, er),
        "test_next": [
            {"creator_id": c.creator_id, "name": c.name, "tier": c.tier} for c in found.test_next
        ],
    }
