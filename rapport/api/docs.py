"""The API's reference page at /api/v1/docs, rendered on the server from the OpenAPI document.

ninja's Swagger and Redoc pages load their scripts from a CDN unless ninja is an installed app;
Rapport loads nothing from outside, so this page lists the operations and schemas itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

METHODS = ("get", "post", "put", "patch", "delete")


class ReferencePage(DocsBase):
    """Every operation (method, path, parameters, body, answers) and every schema, as HTML."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        document = api.get_openapi_schema(path_params=kwargs)
        context = {
            "title": document["info"]["title"],
            "description": document["info"].get("description", ""),
            "openapi_url": reverse(f"{api.urls_namespace}:openapi-json", kwargs=kwargs),
            "groups": _operation_groups(document),
            "schemas": _schemas(document),
        }
        return render(request, "api/docs.html", context)


def _operation_groups(document: dict[str, Any]) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            groups.setdefault((operation.get("tags") or ["api"])[0], []).append(
                {
                    "id": operation.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "type": type_label(p.get("schema", {})),
                            "description": p.get("description")
                            or p.get("schema", {}).get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": type_label(body["schema"]) if body else "",
                    "responses": [
                        {
                            "status": status,
                            "description": answer.get("description", ""),
                            "type": type_label(
                                answer.get("content", {})
                                .get("application/json", {})
                                .get("schema", {})
                            )
                            if answer.get("content")
                            else "",
                        }
                        for status, answer in operation.get("responses", {}).items()
                    ],
                }
            )
    return [{"name": name, "operations": ops} for name, ops in groups.items()]


def _schemas(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = document.get("components", {}).get("schemas", {})
    return [
        {
            "name": name,
            "description": schema.get("description", ""),
            "fields": [
                {
                    "name": field,
                    "type": type_label(spec),
                    "required": field in schema.get("required", []),
                    "description": spec.get("description", ""),
                }
                for field, spec in schema.get("properties", {}).items()
            ],
            "values": schema.get("enum", []),
        }
        for name, schema in sorted(found.items())
    ]


def type_label(schema: dict[str, Any]) -> str:
    """A JSON schema as a short phrase: ``list of AccountOut``, ``integer or null``."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for combiner in ("anyOf", "oneOf", "allOf"):
        if combiner in schema:
            return " or ".join(type_label(part) for part in schema[combiner])
    if "enum" in schema:
        return "one of " + ", ".join(str(value) for value in schema["enum"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {type_label(schema.get('items', {}))}"
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    return str(kind)
