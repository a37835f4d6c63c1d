"""The API's OpenAPI 3.1 document, built from the route declarations."""

from __future__ import annotations

import json

from openapi_spec_validator import validate

from app import app
from tests.conftest import json_body

BODY_METHODS = {"post", "put", "patch"}


def _document(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    return json_body(response)


def test_the_document_is_public_and_valid_openapi_3_1(client):
    document = _document(client)
    assert document["openapi"] == "3.1.0"
    validate(document)  # raises on any structural error


def test_every_api_route_chalice_knows_is_described_with_its_method(client):
    paths = _document(client)["paths"]
    known = {(path, method.lower()) for path, methods in app.routes.items()
             if path.startswith("/api/") for method in methods}
    described = {(path, method) for path, item in paths.items() for method in item}
    assert known - described == set()
    assert len(known) >= 50


def test_every_operation_declares_its_answer_and_the_error_shape(client):
    document = _document(client)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            ok = [status for status in operation["responses"] if status[0] == "2"]
            assert ok, (method, path)
            for status in ok:
                schema = operation["responses"][status]["content"][
                    "application/json"]["schema"]
                assert schema.get("type") == "object", (method, path)
            assert "4XX" in operation["responses"], (method, path)


def test_operations_that_read_a_json_body_declare_it(client):
    """Each view that calls ctx.json() documents the body it reads."""
    import inspect

    from chalicelib.web.openapi import described_routes

    for (path, method), route in described_routes().items():
        if method.lower() not in BODY_METHODS:
            continue
        if "ctx.json()" in inspect.getsource(route.view):
            operation = _document(client)["paths"][path][method.lower()]
            assert "requestBody" in operation, (method, path)


def test_the_document_names_the_roles_that_may_call_each_operation(client):
    paths = _document(client)["paths"]
    assert paths["/api/funds/transfers"]["post"]["x-roles"] == ["admin", "finance"]
    assert paths["/api/needs"]["get"]["security"] == []
    assert paths["/api/funds"]["get"]["security"] == [{"bearer": []}]
    assert json.dumps(paths)  # plain JSON, no Python objects left
