"""The shop form: name, platform, domain and signing secret (and, when editing, whether the shop
is on). It reads and shows input; ``services.shops`` decides and writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from rapport.tracking.models import Shop, ShopPlatform


class ShopForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    platform = forms.ChoiceField(label=gettext_lazy("Platform"), choices=ShopPlatform.choices)
    domain = forms.CharField(
        label=gettext_lazy("Shop domain"),
        max_length=255,
        required=False,
        help_text=gettext_lazy(
            "Such as lumen.myshopify.com or shop.example.com. For Shopify, its ….myshopify.com "
            "address also refuses deliveries from any other shop."
        ),
    )
    secret = forms.CharField(
        label=gettext_lazy("Webhook signing secret"),
        max_length=200,
        required=False,
        strip=True,
        # Never sent back to the browser, not even after an error.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, shop: Shop | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if shop is not None:
            self.fields["is_active"] = forms.BooleanField(
                label=gettext_lazy("On: take deliveries at its webhook address"), required=False
            )
            self.fields["secret"].help_text = (
                gettext_lazy("Leave empty to keep the current one (ending in %(end)s).")
                % {"end": shop.secret[-4:]}
                if shop.secret
                else gettext_lazy("None yet: deliveries are refused until it is set.")
            )
        else:
            self.fields["secret"].help_text = gettext_lazy(
                "Shopify shows it under Settings, Notifications, Webhooks; for WooCommerce, "
                "make up a long random text and type the same in the webhook's Secret."
            )

    @classmethod
    def for_shop(cls, shop: Shop) -> ShopForm:
        return cls(
            shop=shop,
            initial={
                "name": shop.name,
                "platform": shop.platform,
                "domain": shop.domain,
                "is_active": shop.is_active,
            },
        )
