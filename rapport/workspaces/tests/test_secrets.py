"""Stored secrets are encrypted at rest and read back as typed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings

from rapport.testing.factories import ShopFactory
from rapport.tracking.models import Shop

pytestmark = pytest.mark.django_db


def _stored(shop: Shop) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM tracking_shop WHERE id = %s", [shop.pk])
        return str(cursor.fetchone()[0])


def test_a_shop_secret_is_not_in_the_database_as_typed() -> None:
    shop = ShopFactory.create(secret="whsec-plain-value-1234")

    stored = _stored(shop)

    assert "whsec-plain-value-1234" not in stored
    assert Shop.objects.get(pk=shop.pk).secret == "whsec-plain-value-1234"


def test_each_save_encrypts_afresh() -> None:
    first = ShopFactory.create(secret="same-secret")
    second = ShopFactory.create(secret="same-secret")

    assert _stored(first) != _stored(second)


def test_a_secret_encrypted_under_another_secret_key_reads_back_empty() -> None:
    shop = ShopFactory.create(secret="whsec-old")

    with override_settings(SECRET_KEY="a-completely-different-secret-key-for-this-test"):
        assert Shop.objects.get(pk=shop.pk).secret == ""


def test_an_empty_secret_stays_empty() -> None:
    shop = ShopFactory.create(secret="")

    assert _stored(shop) == ""
    assert Shop.objects.get(pk=shop.pk).secret == ""
