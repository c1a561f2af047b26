"""Discount codes: made from a pattern, upper case, unique in the workspace whatever the case,
with their discount terms, and exported for the shop safely."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rapport.campaigns.models import CollabStage
from rapport.testing.factories import DiscountCodeFactory
from rapport.tracking.models import DiscountCode
from rapport.tracking.services import codes as services
from rapport.tracking.tests.links_fixtures import campaign, contracted, maya
from rapport.workspaces.models import AuditEvent

__all__ = ["campaign", "maya"]  # fixtures
UTC = dt.UTC


def create(collaboration, **kwargs):
    kwargs.setdefault("value", 15)
    return services.create_code(collaboration=collaboration, actor=None, **kwargs)


def test_the_default_pattern_gives_the_handle_and_the_percentage(maya):
    code = create(maya)
    assert code.code == "MAYAGLOW15"
    assert (code.kind, code.value, code.is_active) == ("percent", Decimal("15.00"), True)
    assert AuditEvent.objects.get(kind="tracking.code_created").summary == (
        "Discount code MAYAGLOW15 created (15% off)"
    )


def test_placeholders_accents_and_symbols(campaign):
    zoe = contracted(campaign, "Zoé Laurent", "zoé_beauté.daily")
    assert services.generate_code(collaboration=zoe, pattern="{NAME}{PERCENT}", percent=20) == (
        "ZOE20"
    )
    assert services.generate_code(collaboration=zoe, percent=10) == "ZOEBEAUTEDAILY10"
    assert (
        services.generate_code(collaboration=zoe, pattern="{campaign}x{handle}", percent=None)
        == "SPRINGGLOWXZOEBEAUTEDAILY"
    )


@pytest.mark.parametrize(
    ("pattern", "field", "message"),
    [
        ("{HANDLE}{DISCOUNT}", "pattern", "{DISCOUNT} is not a placeholder"),
        ("{HANDLE}-{PERCENT}", "pattern", "only letters and digits"),
        ("{PERCENT}", "percent", "give the percentage"),
    ],
)
def test_a_bad_pattern_is_refused_and_creates_nothing(maya, pattern, field, message):
    with pytest.raises(ValidationError) as refused:
        services.generate_code(collaboration=maya, pattern=pattern, percent=None)
    assert message in refused.value.message_dict[field][0]


def test_a_taken_code_gets_a_short_unambiguous_suffix_whatever_the_case(maya, campaign):
    DiscountCodeFactory.create(collaboration=maya, code="mayaglow15", is_active=False)
    twin = contracted(campaign, "Maya Other", "maya_glow")
    code = create(twin)
    assert re.fullmatch(r"MAYAGLOW15[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{2}", code.code)


def test_a_typed_code_is_upper_cased_and_refused_when_another_creator_has_it(maya, campaign):
    create(maya, code="glow15")
    assert DiscountCode.objects.get().code == "GLOW15"
    other = contracted(campaign, "Ana Ruiz", "ana")
    with pytest.raises(ValidationError) as refused:
        create(other, code="Glow15")
    assert refused.value.message_dict["code"] == [
        "GLOW15 is already Maya Chen's code in Spring Glow."
    ]
    with pytest.raises(ValidationError) as refused:
        create(other, code="GLOW-15")
    assert "letters (A-Z) and digits" in refused.value.message_dict["code"][0]


def test_one_active_code_per_collaboration(maya):
    first = create(maya)
    with pytest.raises(ValidationError) as refused:
        create(maya, code="SECOND")
    assert "already has the active code MAYAGLOW15" in refused.value.message_dict["code"][0]
    services.deactivate_code(discount_code=first, actor=None)
    assert create(maya, code="SECOND").code == "SECOND"
    with pytest.raises(ValidationError):
        services.update_code(discount_code=first, actor=None, is_active=True)


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"value": 0}, "value"),
        ({"value": 120}, "value"),
        ({"kind": "amount", "value": 10, "currency": ""}, "currency"),
        ({"kind": "amount", "value": -1, "currency": "EUR"}, "value"),
        ({"kind": "bogus"}, "kind"),
        ({"usage_limit": 0}, "usage_limit"),
        (
            {
                "starts_at": dt.datetime(2026, 12, 1, tzinfo=UTC),
                "ends_at": dt.datetime(2026, 11, 1, tzinfo=UTC),
            },
            "ends_at",
        ),
    ],
)
def test_discount_terms_are_checked(maya, terms, field):
    with pytest.raises(ValidationError) as refused:
        create(maya, **terms)
    assert field in refused.value.message_dict
    assert not DiscountCode.objects.exists()


def test_amounts_and_free_shipping(maya, campaign):
    amount = create(maya, code="TENOFF", kind="amount", value="10", currency="eur")
    assert (amount.value, amount.currency) == (Decimal("10.00"), "EUR")
    other = contracted(campaign, "Ana Ruiz", "ana")
    shipping = create(other, code="ANASHIP", kind="shipping", value=None, currency="EUR")
    assert (shipping.value, shipping.currency) == (Decimal("0.00"), "")


def test_a_code_of_a_declined_collaboration_is_refused(campaign):
    gone = contracted(campaign, "Ana Ruiz", "ana", stage=CollabStage.DECLINED)
    with pytest.raises(ValidationError) as refused:
        create(gone)
    assert "declined" in refused.value.message_dict["collaboration"][0]


def test_updating_a_code_checks_uniqueness_and_clears_the_last_check(maya, campaign):
    code = create(maya)
    code.check_result = "problem"
    code.save()
    other = create(contracted(campaign, "Ana Ruiz", "ana"))
    with pytest.raises(ValidationError):
        services.update_code(discount_code=other, actor=None, code="mayaglow15")
    services.update_code(discount_code=code, actor=None, value=20, usage_limit=100)
    code.refresh_from_db()
    assert (code.value, code.usage_limit, code.check_result) == (Decimal("20.00"), 100, "")


def test_the_export_for_the_shop_lists_active_codes_with_formula_safe_cells(maya, campaign):
    create(
        maya,
        usage_limit=50,
        starts_at=dt.datetime(2026, 11, 1, 8, tzinfo=UTC),
        ends_at=dt.datetime(2026, 12, 31, 23, tzinfo=UTC),
    )
    evil = contracted(campaign, "=HYPERLINK(1)", "evil")
    create(evil, code="EVIL10", kind="amount", value=10, currency="USD")
    stopped = create(contracted(campaign, "Ana Ruiz", "ana"), code="ANAOLD")
    services.deactivate_code(discount_code=stopped, actor=None)
    response = services.codes_export(workspace=maya.workspace, actor=None, campaign=campaign)
    text = "".join(chunk.decode() for chunk in response).removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "code", "type", "value", "currency", "starts", "ends", "usage limit", "creator",
        "campaign",
    ]  # fmt: skip
    assert rows[1] == ["EVIL10", "amount", "10.00", "USD", "", "", "", "'=HYPERLINK(1)",
                       "Spring Glow"]  # fmt: skip
    assert rows[2] == [
        "MAYAGLOW15", "percent", "15.00", "", "2026-11-01T08:00+00:00",
        "2026-12-31T23:00+00:00", "50", "Maya Chen", "Spring Glow",
    ]  # fmt: skip
    assert len(rows) == 3
    assert AuditEvent.objects.filter(kind="tracking.codes_exported").count() == 1


def test_round_percentages_read_as_people_write_them(maya):
    code = create(maya, value="20.00")
    assert code.code == "MAYAGLOW20"
    assert services.describe(code) == "20% off"
