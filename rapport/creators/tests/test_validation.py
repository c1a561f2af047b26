"""The one check per value: countries, follower figures in the API, custom numbers and dates."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import holidays
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from rapport.creators import services
from rapport.creators.countries import COUNTRIES
from rapport.creators.forms import AccountForm
from rapport.creators.models import Creator, CustomField, FieldType
from rapport.workspaces.models import Membership, Workspace

API = "/api/v1/creators"


def send(client: Client, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, body, content_type="application/json")


@pytest.fixture
def api(manager: Membership, api_client_for: Callable[..., Client]) -> Client:
    return api_client_for(manager)


@pytest.fixture
def ada(workspace: Workspace) -> Creator:
    return services.create_creator(workspace=workspace, actor=None, name="Ada", country="FR")


# --- Countries -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("fr", "FR"),
        (" De ", "DE"),
        ("France", "FR"),
        ("the netherlands", "NL"),
        ("Cote d'Ivoire", "CI"),
        ("C\u00f4te d\u2019Ivoire", "CI"),
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("United States of America", "US"),
        ("", ""),
    ],
)
def test_a_country_is_its_iso_code_or_its_english_name(given: str, code: str) -> None:
    assert services.clean_country(given) == code


@pytest.mark.parametrize("given", ["ZZ", "XX", "FRA", "F", "Narnia", "Frankreich"])
def test_anything_else_is_not_a_country(given: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.clean_country(given)
    assert f"“{given}” is not a country we know" in caught.value.message_dict["country"][0]


def test_the_list_holds_every_country_the_workspace_settings_offer() -> None:
    assert len(COUNTRIES) >= 249
    offered = {code for code in holidays.list_supported_countries() if len(code) == 2}
    assert offered - set(COUNTRIES) <= {"UK"}  # the holidays package's alias for GB


def test_creating_and_changing_a_creator_check_the_country(
    workspace: Workspace, ada: Creator
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.create_creator(workspace=workspace, actor=None, name="Bo", country="ZZ")
    assert "country" in caught.value.message_dict
    assert not Creator.objects.filter(name="Bo").exists()
    services.update_creator(creator=ada, actor=None, country="germany")
    ada.refresh_from_db()
    assert ada.country == "DE"
    with pytest.raises(ValidationError):
        services.update_creator(creator=ada, actor=None, country="Atlantis")
    ada.refresh_from_db()
    assert ada.country == "DE"


def test_the_api_takes_a_country_name_and_refuses_an_unknown_code(
    api: Client, ada: Creator
) -> None:
    response = send(api, "post", API, {"name": "Bo", "country": "spain"})
    assert response.status_code == 201, response.json()
    assert response.json()["country"] == "ES"
    response = send(api, "patch", f"{API}/{ada.pk}", {"country": "QQ"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["country"]
    ada.refresh_from_db()
    assert ada.country == "FR"


def test_the_import_names_the_row_and_column_of_an_unknown_country(
    manager: Membership, tmp_path: Any
) -> None:
    path = tmp_path / "creators.csv"
    path.write_text("Name,Country\nAda,france\nBo,Narnia\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_creators", str(path), "--workspace", "lumen", stdout=out)
    assert "Row 3, Country: “Narnia” is not a country we know" in out.getvalue()
    assert list(Creator.objects.values_list("name", "country")) == [("Ada", "FR")]


# --- Follower figures ------------------------------------------------------------------------


def test_the_api_reads_figures_as_people_write_them(
    api: Client, ada: Creator, workspace: Workspace
) -> None:
    response = send(
        api,
        "post",
        f"{API}/{ada.pk}/accounts",
        {"platform": "instagram", "handle": "ada", "followers": "12.5k", "average_views": "1.2M"},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["followers"], body["average_views"]) == (12_500, 1_200_000)
    response = send(api, "patch", f"{API}/{ada.pk}/accounts/{body['id']}", {"followers": "2k"})
    assert response.status_code == 200, response.json()
    assert response.json()["followers"] == 2_000
    response = send(
        api,
        "post",
        API,
        {"name": "Bo", "accounts": [{"url": "tiktok.com/@bo", "followers": "3,400"}]},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["accounts"][0]["followers"] == 3_400


@pytest.mark.parametrize("figure", ["lots", "-5", -5, "inf", "NaN", True, [1]])
@pytest.mark.parametrize("field", ["followers", "average_views"])
def test_a_bad_figure_is_a_422_on_its_field(
    api: Client, ada: Creator, figure: Any, field: str
) -> None:
    body = {"platform": "instagram", "handle": "ada", field: figure}
    response = send(api, "post", f"{API}/{ada.pk}/accounts", body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == [field]
    response = send(api, "post", API, {"name": "Bo", "accounts": [body]})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == [f"accounts.0.{field}"]
    assert not ada.social_accounts.exists()
    assert not Creator.objects.filter(name="Bo").exists()


def test_the_account_form_refuses_an_endless_following() -> None:
    form = AccountForm(
        {"new-platform": "instagram", "new-profile": "ada", "new-followers": "inf"}, prefix="new"
    )
    assert not form.is_valid()
    assert form.errors["followers"] == ["“inf” is not a number of followers."]


# --- Custom fields -------------------------------------------------------------------------------


@pytest.fixture
def fields(workspace: Workspace) -> None:
    CustomField.objects.create(
        workspace=workspace, key="fee", label="Fee", field_type=FieldType.NUMBER
    )
    CustomField.objects.create(
        workspace=workspace, key="launch", label="Launch", field_type=FieldType.DATE
    )


@pytest.mark.parametrize("number", ["NaN", "nan", "Infinity", "-inf", "1e999", "sNaN"])
def test_a_custom_number_must_be_finite(fields: None, ada: Creator, number: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.update_creator(creator=ada, actor=None, custom_fields={"fee": number})
    assert caught.value.message_dict["fee"] == [f"“{number}” is not a number."]
    ada.refresh_from_db()
    assert ada.custom_fields == {}


def test_a_custom_number_may_use_a_decimal_comma(fields: None, ada: Creator) -> None:
    services.update_creator(creator=ada, actor=None, custom_fields={"fee": "12,5"})
    ada.refresh_from_db()
    assert ada.custom_fields == {"fee": 12.5}


@pytest.mark.parametrize(
    ("country", "written", "stored"),
    [
        ("US", "2024-03-15", "2024-03-15"),
        ("US", "2024-3-5", "2024-03-05"),
        ("US", "03/04/2024", "2024-03-04"),
        ("FR", "03/04/2024", "2024-04-03"),
        ("US", "15/03/2024", "2024-03-15"),
        ("US", "15.03.2024", "2024-03-15"),
        ("FR", "15-03-24", "2024-03-15"),
    ],
)
def test_custom_dates_take_the_forms_the_import_takes(
    fields: None, ada: Creator, workspace: Workspace, country: str, written: str, stored: str
) -> None:
    workspace.country = country
    workspace.save()
    services.update_creator(creator=ada, actor=None, custom_fields={"launch": written})
    ada.refresh_from_db()
    assert ada.custom_fields == {"launch": stored}


def test_the_api_takes_a_written_out_date_and_refuses_nonsense(
    fields: None, api: Client, ada: Creator
) -> None:
    response = send(api, "patch", f"{API}/{ada.pk}", {"custom_fields": {"launch": "15.03.2024"}})
    assert response.status_code == 200, response.json()
    assert response.json()["custom_fields"] == {"launch": "2024-03-15"}
    response = send(api, "patch", f"{API}/{ada.pk}", {"custom_fields": {"launch": "soon"}})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "launch", "message": "“soon” is not a date, such as 2024-03-15."}
    ]


def test_a_creators_time_zone_must_be_a_real_one(workspace, manager) -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_creator(
            workspace=workspace, actor=None, name="Zed", time_zone="Mars/Olympus"
        )
    assert "time_zone" in refused.value.message_dict
    creator = services.create_creator(
        workspace=workspace, actor=None, name="Zed", time_zone="Europe/Paris"
    )
    assert creator.time_zone == "Europe/Paris"
