"""The shapes of the API's error answers, for the OpenAPI document."""

from __future__ import annotations

from ninja import Field, Schema


class ErrorOut(Schema):
    """401, 403, 404 and 400 answers."""

    detail: str


class FieldError(Schema):
    field: str | None = Field(description="The field (or query parameter) at fault, if one is.")
    message: str


class FieldErrorsOut(Schema):
    """422: the input was understood but is not valid; nothing was changed."""

    detail: list[FieldError]


class DuplicateOut(Schema):
    id: int
    name: str
    reasons: list[str]


class DuplicatesOut(Schema):
    """409: the creator or account is already known; nothing was changed."""

    detail: str
    duplicates: list[DuplicateOut]
