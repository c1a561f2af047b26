"""Forms of the creator pages. They read and show input; the services decide and write."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.creators.models import (
    ContactChannel,
    Creator,
    CustomField,
    FieldType,
    PayoutMethod,
    Platform,
    Stage,
)
from rapport.creators.queries import possible_owners
from rapport.creators.services import AccountData, clean_country
from rapport.creators.social import looks_like_url, parse_count
from rapport.workspaces.models import TIME_ZONE_CHOICES, User, Workspace

TIME_ZONES = [("", gettext_lazy("Not set")), *TIME_ZONE_CHOICES]


def split_list(text: str) -> list[str]:
    """Items written one per line or separated by commas."""
    return [item.strip() for item in text.replace("\n", ",").split(",") if item.strip()]


def parse_shares(text: str, field: str) -> dict[str, float]:
    """``"18-24: 40, 25-34: 35"`` as ``{"18-24": 40, "25-34": 35}`` (percentages)."""
    shares: dict[str, float] = {}
    for item in split_list(text):
        label, sep, number = item.rpartition(":")
        try:
            value = float(number.strip().rstrip("%").replace(",", "."))
        except ValueError:
            value = -1
        if not sep or not label.strip() or not 0 <= value <= 100:
            raise ValidationError(
                _("“%(item)s” in %(field)s should read like “label: 40” (a percentage).")
                % {"item": item, "field": field}
            )
        shares[label.strip()] = int(value) if value.is_integer() else value
    return shares


def format_pairs(values: dict[str, Any] | None) -> str:
    return ", ".join(f"{key}: {value}" for key, value in (values or {}).items())


class AccountFieldsMixin(forms.Form):
    """A social account as typed or pasted by a person."""

    platform = forms.ChoiceField(
        label=gettext_lazy("Platform"),
        required=False,
        choices=[("", gettext_lazy("Guess from the URL")), *list(Platform.choices)],
    )
    profile = forms.CharField(
        label=gettext_lazy("Handle or profile URL"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Paste a profile link, or give the handle and pick the platform."),
    )
    followers = forms.CharField(
        label=gettext_lazy("Followers"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("Such as 12500, 12.5k or 1.2M."),
    )

    def clean_followers(self) -> int | None:
        raw = self.cleaned_data["followers"].strip()
        try:
            return parse_count(raw)
        except ValueError:
            raise ValidationError(_("“%(v)s” is not a number of followers.") % {"v": raw}) from None

    def account_data(self) -> AccountData | None:
        """The account given, or None when the profile field was left empty."""
        profile = self.cleaned_data.get("profile", "").strip()
        if not profile:
            return None
        is_url = looks_like_url(profile)
        return AccountData(
            platform=self.cleaned_data.get("platform", ""),
            handle="" if is_url else profile,
            url=profile if is_url else "",
            followers=self.cleaned_data.get("followers"),
            average_views=self.cleaned_data.get("average_views"),
            engagement_rate=self.cleaned_data.get("engagement_rate"),
        )


class CreatorCreateForm(AccountFieldsMixin):
    """The "Add creator" form."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    emails = forms.CharField(
        label=gettext_lazy("E-mail addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("One per line; the first is the primary address."),
    )
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Owner"),
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("No owner yet"),
    )
    stage = forms.ChoiceField(
        label=gettext_lazy("Stage"), choices=Stage.choices, initial=Stage.DISCOVERED
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Needed when the stage is “Do not contact”."),
    )
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Separated by commas."),
    )
    allow_duplicate = forms.BooleanField(
        label=gettext_lazy("Add as a separate creator anyway"), required=False
    )

    field_order = [
        "name",
        "emails",
        "platform",
        "profile",
        "followers",
        "owner",
        "stage",
        "reason",
        "tags",
    ]

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = possible_owners(workspace)  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``services.create_creator``."""
        data = self.cleaned_data
        account = self.account_data()
        return {
            "name": data["name"],
            "emails": split_list(data["emails"]),
            "accounts": [account] if account else [],
            "owner": data["owner"],
            "stage": data["stage"],
            "do_not_contact_reason": data["reason"]
            if data["stage"] == Stage.DO_NOT_CONTACT
            else "",
            "tags": split_list(data["tags"]),
            "allow_duplicate": data["allow_duplicate"],
        }


class AccountForm(AccountFieldsMixin):
    """Add or change one social account on a creator's page."""

    average_views = forms.CharField(label=gettext_lazy("Average views"), required=False)
    engagement_rate = forms.DecimalField(
        label=gettext_lazy("Engagement rate (%)"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=4,
    )

    def clean_average_views(self) -> int | None:
        raw = self.cleaned_data["average_views"].strip()
        try:
            return parse_count(raw)
        except ValueError:
            raise ValidationError(_("“%(v)s” is not a number of views.") % {"v": raw}) from None

    def clean_profile(self) -> str:
        profile = self.cleaned_data["profile"].strip()
        if not profile:
            raise ValidationError(_("Give a handle or a profile URL."))
        return profile

    @classmethod
    def for_account(cls, account: Any, prefix: str) -> AccountForm:
        return cls(
            prefix=prefix,
            initial={
                "platform": account.platform,
                "profile": account.url or account.handle,
                "followers": account.followers,
                "average_views": account.average_views,
                "engagement_rate": account.engagement_rate,
            },
        )


class ProfileForm(forms.Form):
    """Everything on a creator's profile except e-mails, accounts, tags and custom fields."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    pronouns = forms.CharField(label=gettext_lazy("Pronouns"), max_length=40, required=False)
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Owner"),
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("No owner"),
    )
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    country = forms.CharField(
        label=gettext_lazy("Country"),
        required=False,
        help_text=gettext_lazy("Two-letter code or English name, such as FR or France."),
    )
    city = forms.CharField(label=gettext_lazy("City"), max_length=120, required=False)
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"), choices=TIME_ZONES, required=False
    )
    languages = forms.CharField(
        label=gettext_lazy("Languages"),
        required=False,
        help_text=gettext_lazy("Language codes separated by commas, such as en, fr."),
    )
    niches = forms.CharField(
        label=gettext_lazy("Niches"),
        required=False,
        help_text=gettext_lazy("Separated by commas."),
    )
    values_notes = forms.CharField(
        label=gettext_lazy("Values and tone"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    notes = forms.CharField(
        label=gettext_lazy("Background"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    age_bands = forms.CharField(
        label=gettext_lazy("Audience age bands"),
        required=False,
        help_text=gettext_lazy("Such as 18-24: 40, 25-34: 35 (percent)."),
    )
    gender = forms.CharField(
        label=gettext_lazy("Audience gender split"),
        required=False,
        help_text=gettext_lazy("Such as female: 70, male: 28, other: 2."),
    )
    audience_countries = forms.CharField(
        label=gettext_lazy("Audience top countries"),
        required=False,
        help_text=gettext_lazy("Such as US: 50, GB: 20."),
    )
    contact_channel = forms.ChoiceField(
        label=gettext_lazy("Preferred contact channel"),
        required=False,
        choices=[("", gettext_lazy("No preference")), *list(ContactChannel.choices)],
    )
    formats = forms.CharField(
        label=gettext_lazy("Content formats"),
        required=False,
        help_text=gettext_lazy("Separated by commas, such as reel, story, long video."),
    )
    sizes = forms.CharField(
        label=gettext_lazy("Product sizes"),
        required=False,
        help_text=gettext_lazy("Such as shirt: M, shoes: 39."),
    )
    rate_card = forms.CharField(
        label=gettext_lazy("Rate card"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "One rate per line: platform, deliverable, amount, currency "
            "(such as instagram, reel, 800, USD)."
        ),
    )

    def __init__(self, *args: Any, creator: Creator, **kwargs: Any) -> None:
        audience = creator.audience or {}
        preferences = creator.preferences or {}
        kwargs.setdefault(
            "initial",
            {
                "name": creator.name,
                "pronouns": creator.pronouns,
                "owner": creator.owner_id,
                "phone": creator.phone,
                "country": creator.country,
                "city": creator.city,
                "time_zone": creator.time_zone,
                "languages": ", ".join(creator.languages or []),
                "niches": ", ".join(creator.niches or []),
                "values_notes": creator.values_notes,
                "notes": creator.notes,
                "age_bands": format_pairs(audience.get("age_bands")),
                "gender": format_pairs(audience.get("gender")),
                "audience_countries": format_pairs(audience.get("countries")),
                "contact_channel": preferences.get("contact_channel", ""),
                "formats": ", ".join(preferences.get("formats", [])),
                "sizes": format_pairs(preferences.get("sizes")),
                "rate_card": "\n".join(
                    ", ".join(
                        str(rate.get(k, ""))
                        for k in ("platform", "deliverable", "amount", "currency")
                    )
                    for rate in creator.rate_card or []
                ),
            },
        )
        super().__init__(*args, **kwargs)
        self.creator = creator
        self.fields["owner"].queryset = possible_owners(creator.workspace)  # type: ignore[attr-defined]

    def clean_country(self) -> str:
        # The service checks it again; checking here shows the error with the form's others.
        try:
            return clean_country(self.cleaned_data["country"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["country"]) from None

    def clean_age_bands(self) -> dict[str, float]:
        return parse_shares(self.cleaned_data["age_bands"], _("age bands"))

    def clean_gender(self) -> dict[str, float]:
        return parse_shares(self.cleaned_data["gender"], _("gender split"))

    def clean_audience_countries(self) -> dict[str, float]:
        shares = parse_shares(self.cleaned_data["audience_countries"], _("top countries"))
        return {key.upper(): value for key, value in shares.items()}

    def clean_sizes(self) -> dict[str, str]:
        sizes: dict[str, str] = {}
        for item in split_list(self.cleaned_data["sizes"]):
            label, sep, size = item.partition(":")
            if not sep or not label.strip() or not size.strip():
                raise ValidationError(_("“%(item)s” should read like “shirt: M”.") % {"item": item})
            sizes[label.strip()] = size.strip()
        return sizes

    def clean_rate_card(self) -> list[dict[str, str]]:
        rates = []
        lines = [line for line in self.cleaned_data["rate_card"].splitlines() if line.strip()]
        for number, line in enumerate(lines, start=1):
            parts = [part.strip() for part in line.split(",")]
            problem = ""
            if len(parts) != 4:
                problem = _("give platform, deliverable, amount and currency")
            elif parts[0].lower() not in Platform.values:
                problem = _("“%(p)s” is not a platform") % {"p": parts[0]}
            elif len(parts[3]) != 3 or not parts[3].isalpha():
                problem = _("“%(c)s” is not a three-letter currency code") % {"c": parts[3]}
            else:
                try:
                    amount = Decimal(parts[2])
                    if amount < 0:
                        raise InvalidOperation
                except InvalidOperation:
                    problem = _("“%(a)s” is not an amount") % {"a": parts[2]}
            if problem:
                raise ValidationError(
                    _("Line %(n)s: %(problem)s.") % {"n": number, "problem": problem}
                )
            rates.append(
                {
                    "platform": parts[0].lower(),
                    "deliverable": parts[1],
                    "amount": str(amount),
                    "currency": parts[3].upper(),
                }
            )
        return rates

    def values(self) -> dict[str, Any]:
        """Keyword arguments for ``services.update_creator``."""
        data = self.cleaned_data
        audience = {
            key: value
            for key, value in (
                ("age_bands", data["age_bands"]),
                ("gender", data["gender"]),
                ("countries", data["audience_countries"]),
            )
            if value
        }
        preferences: dict[str, Any] = dict(self.creator.preferences or {})
        preferences.update(
            contact_channel=data["contact_channel"],
            formats=split_list(data["formats"]),
            sizes=data["sizes"],
        )
        preferences = {key: value for key, value in preferences.items() if value}
        return {
            "name": data["name"],
            "pronouns": data["pronouns"],
            "owner": data["owner"],
            "phone": data["phone"],
            "country": data["country"],
            "city": data["city"],
            "time_zone": data["time_zone"],
            "languages": [code.lower() for code in split_list(data["languages"])],
            "niches": split_list(data["niches"]),
            "values_notes": data["values_notes"],
            "notes": data["notes"],
            "audience": audience,
            "preferences": preferences,
            "rate_card": data["rate_card"],
        }


class CustomFieldsForm(forms.Form):
    """The workspace's own fields for one creator; the service checks each value."""

    def __init__(
        self, *args: Any, creator: Creator, definitions: list[CustomField], **kwargs: Any
    ) -> None:
        values = creator.custom_fields or {}
        kwargs.setdefault("initial", {d.key: values.get(d.key) for d in definitions})
        super().__init__(*args, **kwargs)
        for definition in definitions:
            self.fields[definition.key] = self._field_for(definition)

    @staticmethod
    def _field_for(definition: CustomField) -> forms.Field:
        label, kind = definition.label, definition.field_type
        choices = [(c, c) for c in definition.choices]
        if kind == FieldType.CHOICE:
            return forms.ChoiceField(
                label=label, required=False, choices=[("", _("Not set")), *choices]
            )
        if kind == FieldType.MULTI_CHOICE:
            return forms.MultipleChoiceField(
                label=label, required=False, choices=choices, widget=forms.CheckboxSelectMultiple
            )
        if kind == FieldType.DATE:
            return forms.CharField(
                label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
            )
        if kind == FieldType.NUMBER:
            return forms.CharField(
                label=label, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
            )
        if kind == FieldType.URL:
            return forms.CharField(
                label=label,
                required=False,
                widget=forms.URLInput(attrs={"placeholder": "https://"}),
            )
        return forms.CharField(label=label, required=False, max_length=500)


class EmailsForm(forms.Form):
    emails = forms.CharField(
        label=gettext_lazy("E-mail addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One per line; the first is the primary address."),
    )

    def addresses(self) -> list[str]:
        return split_list(self.cleaned_data["emails"])


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=gettext_lazy("New stage"), choices=Stage.choices)
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Why the stage changes; needed for “Do not contact”."),
    )


class TagForm(forms.Form):
    tag = forms.CharField(label=gettext_lazy("Add a tag"), max_length=60)


class PrivateForm(forms.Form):
    shipping_address = forms.CharField(
        label=gettext_lazy("Shipping address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    tax_details = forms.CharField(
        label=gettext_lazy("Tax details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    payout_method = forms.ChoiceField(
        label=gettext_lazy("Paid by"),
        required=False,
        choices=[("", gettext_lazy("Not known yet")), *PayoutMethod.choices],
    )
    payout_email = forms.EmailField(label=gettext_lazy("PayPal e-mail"), required=False)
    bank_account_name = forms.CharField(
        label=gettext_lazy("Account holder"), required=False, max_length=200
    )
    bank_account_number = forms.CharField(
        label=gettext_lazy("Account number or IBAN"), required=False, max_length=64
    )
    bank_code = forms.CharField(
        label=gettext_lazy("Bank code"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("BIC/SWIFT, routing or sort code"),
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=gettext_lazy("Mention a teammate with @ and their first name to notify them."),
    )


class SavedViewForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the view"), max_length=100)
    shared = forms.BooleanField(label=gettext_lazy("Share with the workspace"), required=False)
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


# --- Import forms ---


class ImportUploadForm(forms.Form):
    """Step 1 of an import: the spreadsheet."""

    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy(
            "A CSV file or an Excel workbook (.xlsx) with the column names in the first row."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )


class ImportMappingForm(forms.Form):
    """Step 2 of an import: the field each column goes into, and what to do with duplicates."""

    def __init__(self, *args: Any, job: Any, choices: list[Any], **kwargs: Any) -> None:
        from rapport.creators.importing import column_label
        from rapport.creators.models import OnDuplicate

        super().__init__(*args, **kwargs)
        self.job = job
        self.fields["on_duplicate"] = forms.ChoiceField(
            label=gettext_lazy("When a row matches a creator you already have"),
            choices=OnDuplicate.choices,
            initial=job.on_duplicate,
            widget=forms.RadioSelect,
        )
        options = [("", gettext_lazy("Do not import")), *choices]
        for index, _header in enumerate(job.headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=column_label(job.headers, index),
                choices=options,
                required=False,
                initial=job.mapping[index] if index < len(job.mapping) else "",
            )

    def column_fields(self) -> list[tuple[forms.BoundField, list[str]]]:
        """Each column's select with the first values found under it."""
        return [
            (self[f"col_{index}"], [row[index] for row in self.job.sample if index < len(row)])
            for index in range(len(self.job.headers))
        ]

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(f"col_{i}", "") for i in range(len(self.job.headers))]


class MergeForm(forms.Form):
    other = forms.IntegerField(widget=forms.HiddenInput)
    keep = forms.IntegerField(label=gettext_lazy("Which record to keep"))
