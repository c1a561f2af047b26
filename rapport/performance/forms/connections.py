"""The connection forms: adding a YouTube API key or an Instagram access token (for the brand or
one creator), and changing one. They read and show input; ``services.connections`` decides and
writes. The credential field never renders a value, not even after an error."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from rapport.creators.models import Creator
from rapport.performance.models import PlatformConnection, Provider
from rapport.workspaces.models import Workspace


def _credential_field(required: bool) -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("API key or access token"),
        max_length=1000,
        required=required,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )


def _account_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Instagram business account id"),
        max_length=64,
        required=False,
        help_text=gettext_lazy(
            "Instagram only: the number of the business or creator account the token belongs "
            "to (the Graph API shows it as the Page's instagram_business_account)."
        ),
    )


class ConnectionForm(forms.Form):
    """Add a connection."""

    provider = forms.ChoiceField(label=gettext_lazy("Platform"), choices=Provider.choices)
    label = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=120,
        required=False,
        help_text=gettext_lazy("To tell connections apart, such as “Brand account”."),
    )
    credential = _credential_field(required=False)
    account_id = _account_field()
    creator = forms.ModelChoiceField(
        label=gettext_lazy("For one creator"),
        queryset=Creator.objects.none(),
        required=False,
        empty_label=gettext_lazy("No: the brand's own"),
        help_text=gettext_lazy(
            "A creator's own Instagram token reads the insights of their posts; the brand's "
            "reads the brand account's posts and creators' public follower counts."
        ),
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        creator_field = self.fields["creator"]
        assert isinstance(creator_field, forms.ModelChoiceField)
        # Creators the brand works with: those in at least one campaign.
        creator_field.queryset = (
            Creator.objects.filter(workspace=workspace, collaborations__isnull=False)
            .distinct()
            .order_by("name", "id")
        )
        self.fields["credential"].help_text = gettext_lazy(
            "A YouTube Data API v3 key, or an Instagram Graph API access token. It is stored "
            "encrypted and never shown again."
        )


class ConnectionChangeForm(forms.Form):
    """Change a connection: its name, a new credential (empty keeps it), its account, on/off."""

    label = forms.CharField(label=gettext_lazy("Name"), max_length=120, required=False)
    credential = _credential_field(required=False)
    account_id = _account_field()
    is_active = forms.BooleanField(
        label=gettext_lazy("On: refresh figures with it"), required=False
    )

    def __init__(self, *args: Any, connection: PlatformConnection, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "label": connection.label,
                "account_id": connection.account_id,
                "is_active": connection.is_active,
            },
        )
        super().__init__(*args, **kwargs)
        self.auto_id = f"id_{connection.pk}_%s"
        self.fields["credential"].label = gettext_lazy("New API key or access token")
        self.fields["credential"].help_text = gettext_lazy("Leave empty to keep the current one.")
        if connection.provider != Provider.INSTAGRAM:
            del self.fields["account_id"]
