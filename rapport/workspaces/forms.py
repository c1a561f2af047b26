"""Forms of the workspace pages. They check the shape of the input; the rules live in services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rapport.creators.models import FieldType
from rapport.workspaces import throttling
from rapport.workspaces.models import (
    DEFAULT_SLA_POLICY,
    TIME_ZONE_CHOICES,
    ErDenominator,
    Workspace,
)
from rapport.workspaces.queries import holiday_countries
from rapport.workspaces.roles import Role, role_within
from rapport.workspaces.services import TIER_KEYS

TIER_LABELS = {
    "micro": _("Micro from"),
    "mid": _("Mid from"),
    "macro": _("Macro from"),
    "mega": _("Mega from"),
}
SLA_LABELS = {
    "first_response_business_days": _("First response to a creator (business days)"),
    "concept_approval_business_days": _("Concept approval (business days)"),
    "final_approval_business_days": _("Final content approval (business days)"),
    "payment_net_days": _("Payment after invoice received (calendar days)"),
    "shipping_confirmation_hours": _("Shipping confirmation after label created (hours)"),
    "final_approval_buffer_business_days": _(
        "Final approval due before the posting date (business days)"
    ),
}


def apply_service_errors(
    form: forms.BaseForm, exc: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Show a service's ValidationError on the form: on the field it names (or its alias) when the
    form has that field, else on the form as a whole."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for key, errors in exc.message_dict.items():
        name = (aliases or {}).get(key, key)
        form.add_error(name if name in form.fields else None, errors)


class ServiceErrorsMixin:
    """Show a service's ValidationError on the form fields it names."""

    # Service error keys that are shown on a differently named form field.
    error_fields: dict[str, str] = {}

    def add_service_errors(self, exc: ValidationError) -> None:
        apply_service_errors(cast(forms.BaseForm, self), exc, self.error_fields)


class PersonalSettingsForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=TIME_ZONE_CHOICES,
        help_text=_("Dates and times are shown to you in this time zone."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class InvitationForm(ServiceErrorsMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class JoinForm(ServiceErrorsMixin, forms.Form):
    """An invited person's new account: a name and a password (the e-mail is the invited one)."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    password = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    password_again = forms.CharField(
        label=_("Type the password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class ApiTokenForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(
        label=_("What it is for"),
        max_length=100,
        required=False,
        help_text=_("For example: the shop integration, a reporting script."),
    )
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, member_role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A token never has more rights than its member.
        choices = [
            (value, label) for value, label in Role.choices if role_within(value, member_role)
        ]
        role_field: Any = self.fields["role"]
        role_field.choices = choices
        role_field.initial = member_role


class NewWorkspaceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("The brand or program."))


class WorkspaceSettingsForm(ServiceErrorsMixin, forms.Form):
    """The workspace's settings, with thresholds and service levels as one field each."""

    name = forms.CharField(label=_("Name"), max_length=120)
    country = forms.ChoiceField(
        label=_("Country"),
        help_text=_("Business days follow this country's public holidays."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=TIME_ZONE_CHOICES,
        required=False,
        help_text=_("Business days start and end on this clock; deadlines are counted in it."),
    )
    default_currency = forms.CharField(
        label=_("Default currency"),
        max_length=3,
        min_length=3,
        help_text=_("Three-letter ISO code, such as USD, EUR or GBP."),
    )
    er_denominator = forms.ChoiceField(
        label=_("Engagement rate is engagements divided by"),
        choices=ErDenominator.choices,
        help_text=_("The default for new campaigns; every figure says which one it used."),
    )
    hub_days_after_close = forms.IntegerField(
        label=_("Hub links stay open after a collaboration ends (days)"),
        required=False,
        help_text=_(
            "After a collaboration is closed, declined or cancelled, the creator's hub link keeps "
            "working this many days, then shows a friendly “this collaboration has ended” page."
        ),
    )
    tracking_domains = forms.CharField(
        label=_("Allowed destinations of tracking links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One domain per line, such as shop.example.com; its subdomains are allowed too. "
            "Tracking links can only lead to these."
        ),
    )
    attribution_days = forms.IntegerField(
        label=_("Attribution window (days)"),
        min_value=1,
        required=False,
        help_text=_(
            "An order without a creator's code counts for the last tracked click this recent."
        ),
    )

    def __init__(self, data: Any = None, *, workspace: Workspace) -> None:
        initial = {
            "name": workspace.name,
            "country": workspace.country,
            "time_zone": workspace.time_zone,
            "default_currency": workspace.default_currency,
            "er_denominator": workspace.er_denominator,
            "hub_days_after_close": workspace.hub_days_after_close,
            "tracking_domains": "\n".join(
                workspace.tracking_domains if isinstance(workspace.tracking_domains, list) else []
            ),
            "attribution_days": workspace.attribution_days,
        }
        initial |= {f"tier_{k}": workspace.tier_thresholds.get(k) for k in TIER_KEYS}
        initial |= {
            f"sla_{k}": workspace.sla_policy.get(k, v) for k, v in DEFAULT_SLA_POLICY.items()
        }
        super().__init__(data, initial=initial)
        country: Any = self.fields["country"]
        country.choices = [(code, f"{name} ({code})") for code, name in holiday_countries()]
        self.error_fields = {}
        for key in TIER_KEYS:
            self.fields[f"tier_{key}"] = forms.IntegerField(
                label=TIER_LABELS[key], min_value=1, help_text=_("followers")
            )
            self.error_fields[f"tier_thresholds.{key}"] = f"tier_{key}"
        for key in DEFAULT_SLA_POLICY:
            self.fields[f"sla_{key}"] = forms.IntegerField(label=SLA_LABELS[key], min_value=0)
            self.error_fields[f"sla_policy.{key}"] = f"sla_{key}"

    def tier_fields(self) -> list[Any]:
        return [self[f"tier_{key}"] for key in TIER_KEYS]

    def sla_fields(self) -> list[Any]:
        return [self[f"sla_{key}"] for key in DEFAULT_SLA_POLICY]

    def settings_values(self) -> dict[str, Any]:
        """The cleaned data in the shape ``services.update_workspace_settings`` takes."""
        data = self.cleaned_data
        values = {
            "name": data["name"],
            "country": data["country"],
            "default_currency": data["default_currency"],
            "er_denominator": data["er_denominator"],
            "tier_thresholds": {key: data[f"tier_{key}"] for key in TIER_KEYS},
            "sla_policy": {key: data[f"sla_{key}"] for key in DEFAULT_SLA_POLICY},
            "tracking_domains": data["tracking_domains"],
        }
        if data.get("attribution_days") is not None:  # left out: it stays as it is
            values["attribution_days"] = data["attribution_days"]
        if data.get("hub_days_after_close") is not None:  # left out: it stays as it is
            values["hub_days_after_close"] = data["hub_days_after_close"]
        if data.get("time_zone"):  # left out: the time zone stays as it is
            values["time_zone"] = data["time_zone"]
        return values


class CustomFieldForm(ServiceErrorsMixin, forms.Form):
    label = forms.CharField(label=_("Label"), max_length=100)
    key = forms.CharField(
        label=_("Key"),
        max_length=50,
        required=False,
        help_text=_(
            "Used in imports, exports and the API. Leave empty to derive it from the label. "
            "It cannot change later."
        ),
    )
    field_type = forms.ChoiceField(label=_("Type"), choices=FieldType.choices)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For choice fields: one per line."),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # Key and type are fixed once a field exists; the service refuses a change anyway.
            for name in ("key", "field_type"):
                self.fields[name].disabled = True

    def clean_choices(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing every attempt for a while after too many wrong ones.

    The refusal reads the same whether or not the address has an account.
    """

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username") or ""
        if self.request is None or not email:
            return super().clean()
        if throttling.sign_in_refused(self.request, email):
            raise ValidationError(
                _(
                    "Too many sign-in attempts in a short time. For the safety of the account, "
                    "wait 15 minutes before trying again."
                ),
                code="throttled",
            )
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            if exc.code == "invalid_login":
                throttling.sign_in_failed(self.request, email)
            raise
        throttling.sign_in_succeeded(email)
        return cleaned
