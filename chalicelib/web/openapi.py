"""The OpenAPI 3.1 document of the JSON API, built from the route
declarations (`api(..., body=, answer=, query=, status=)` in each area's
routes.py) the first time `/api/openapi.json` is asked for, then kept for
the life of the process. Nothing here is imported on any other route."""

from __future__ import annotations

import string
from functools import lru_cache
from typing import Any

from chalicelib.web.lazy import load_all_areas
from chalicelib.web.routing import ROUTE_TABLE, Route
from chalicelib.web.schema import ID, obj, text

DESCRIBED = ("/api/", "/auth/token")
BODY_METHODS = {"POST", "PUT", "PATCH"}
ERROR = obj({"error": obj({
    "code": text(64, pattern="^[a-z_]+$", description="stable, for programs"),
    "message": text(description="in the caller's language"),
    "fields": {"type": "object", "additionalProperties": text(),
               "description": "field -> what is wrong with it"},
}, required=("code", "message"))}, required=("error",))
ERROR_RESPONSE = {"description": "An error: a stable code and a translated message",
                  "content": {"application/json": {
                      "schema": {"$ref": "#/components/schemas/Error"}}}}


def _path_parameters(path: str, route: Route) -> list[dict[str, Any]]:
    names = [name for _, name, _, _ in string.Formatter().parse(path) if name]
    given = (route.spec.path if route.spec else None) or {}
    return [{"name": name, "in": "path", "required": True,
             "schema": given.get(name, ID)} for name in names]


def _query_parameters(route: Route) -> list[dict[str, Any]]:
    query = route.spec.query if route.spec else None
    return [{"name": name, "in": "query", "required": False, "schema": schema}
            for name, schema in (query or {}).items()]


def _request_body(route: Route) -> dict[str, Any] | None:
    spec = route.spec
    if spec is None or (spec.body is None and spec.raw is None):
        return None
    content: dict[str, Any]
    if spec.raw:
        content = {spec.raw: {"schema": {"type": "string"}}}
    else:
        content = {"application/json": {"schema": spec.body}}
    return {"required": True, "content": content}


def _responses(route: Route) -> dict[str, Any]:
    spec = route.spec
    answer = spec.answer if spec and spec.answer else {"type": "object"}
    ok = {"description": "Done", "content": {"application/json": {"schema": answer}}}
    statuses = spec.statuses if spec else (200,)
    responses: dict[str, Any] = {str(status): ok for status in statuses}
    responses["4XX"] = ERROR_RESPONSE
    responses["503"] = {**ERROR_RESPONSE, "description": "Busy: nothing was saved, "
                        "send the same request again after Retry-After seconds"}
    return responses


def _operation(path: str, method: str, route: Route) -> dict[str, Any]:
    area = route.view.__module__.split(".")[1]
    doc = (route.view.__doc__ or "").strip().split("\n\n")[0]
    operation: dict[str, Any] = {
        "operationId": f"{method.lower()}-{area}-{route.view.__name__}",
        "tags": [area],
        "summary": " ".join(doc.split()) or route.view.__name__.replace("_", " "),
        "parameters": _path_parameters(path, route) + _query_parameters(route),
        "responses": _responses(route),
        "security": [] if route.roles is None else [{"bearer": []}],
        "x-roles": sorted(route.roles) if route.roles else [],
    }
    body = _request_body(route)
    if body and method in BODY_METHODS:
        operation["requestBody"] = body
    return operation


def described_routes() -> dict[tuple[str, str], Route]:
    """Every JSON route the document describes, every area loaded."""
    load_all_areas()
    return {key: route for key, route in ROUTE_TABLE.items()
            if route.kind == "api" and key[0].startswith(DESCRIBED)}


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for (path, method), route in sorted(described_routes().items()):
        paths.setdefault(path, {})[method.lower()] = _operation(path, method, route)
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {"title": "Help-centre platform API", "version": "1",
                 "description": "Bearer tokens: POST /auth/token (local stage) or "
                 "Cognito ID tokens (prod). `x-roles`: the roles that may call an "
                 "operation (admin may call every one)."},
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
