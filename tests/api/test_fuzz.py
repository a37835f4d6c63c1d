"""Every /api route, called by every role that may call it, with requests
generated from its OpenAPI schema (valid ones, and ones with wrong JSON
types, empty, huge, unicode and CRLF values, empty path ids): never a 5xx,
every 4xx a JSON error with a stable code, every success as documented.
First on empty tables, per operation and role; then all operations mixed on
the demo data, with its ids in paths and bodies.

FUZZ_EXAMPLES: requests per operation and role on empty tables (default 12);
FUZZ_SEEDED_EXAMPLES: requests on the demo data (default 400).
"""

from __future__ import annotations

import json
import os
import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from chalicelib.web.openapi import document
from tests.conftest import bearer

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
SEEDED_EXAMPLES = int(os.environ.get("FUZZ_SEEDED_EXAMPLES", "400"))
IDS: dict[str, set[str]] = {}  # attribute name -> the demo data's values
ALIASES = {"from_fund": "fund_id", "to_fund": "fund_id", "source_fund": "fund_id",
           "box_id": "fund_id", "cash_box_id": "fund_id"}
CODE = re.compile(r"^[a-z_]+$")
HUGE = "x" * 1_000_000  # over DynamoDB's 400 KB item limit
ODD_TEXTS = ["", " ", "\r\n", "a\r\nSet-Cookie: x=1", "\x00", "ü€漢字🙂", "%",
             "../..", "K-2025-031", "-1", "0", "9" * 30, "x" * 3000, "null"]
WRONG_TYPES = [None, 0, -1, 2**63, 1.5, True, False, [], [1, "a"], {}, {"a": 1},
               "", "x" * 3000, "ü\r\n🙂"]


def _operations() -> list[tuple[str, str, tuple[str | None, ...]]]:
    found = []
    for path, item in document()["paths"].items():
        for method, operation in item.items():
            if path == "/auth/token":
                continue  # the login throttle is tested in tests/platform
            roles = tuple(operation["x-roles"]) or (None,)
            found.extend((path, method, role) for role in roles)
    return found


def _kinds(schema: dict) -> list[str]:
    kind = schema.get("type", ["string", "integer", "object"])
    return [kind] if isinstance(kind, str) else list(kind)


def from_schema(schema: dict, depth: int = 0, name: str = "") -> st.SearchStrategy:
    """Values that fit `schema` (roughly: formats are only hinted); a field
    named like a stored id also gets the ids of the demo data (IDS)."""
    known = IDS.get(ALIASES.get(name, name))
    if known:
        return st.sampled_from(sorted(known)) | _plain(schema, depth)
    return _plain(schema, depth)


def _plain(schema: dict, depth: int) -> st.SearchStrategy:
    if "examples" in schema:
        return st.sampled_from(schema["examples"]) | _plain(
            {k: v for k, v in schema.items() if k != "examples"}, depth)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    strategies = []
    for kind in _kinds(schema):
        if kind == "string":
            if schema.get("format") == "date":
                strategies.append(st.dates().map(str))
            else:
                size = min(schema.get("maxLength", 40), 40)
                strategies.append(st.text(min_size=schema.get("minLength", 0),
                                          max_size=size))
        elif kind == "integer":
            strategies.append(st.integers(schema.get("minimum", -10),
                                          schema.get("maximum", 10**6)))
        elif kind == "number":
            strategies.append(st.floats(allow_nan=False))
        elif kind == "boolean":
            strategies.append(st.booleans())
        elif kind == "null":
            strategies.append(st.none())
        elif kind == "array" and depth < 3:
            strategies.append(st.lists(from_schema(schema.get("items", {}), depth + 1),
                                       max_size=3))
        elif kind == "object" and depth < 3 and "propertyNames" in schema:
            strategies.append(st.dictionaries(
                _plain(schema["propertyNames"], depth + 1),
                _plain(schema.get("additionalProperties", {}), depth + 1),
                max_size=3))
        elif kind == "object" and depth < 3:
            strategies.append(_object(schema, depth))
    return st.one_of(strategies) if strategies else st.none()


def _object(schema: dict, depth: int) -> st.SearchStrategy:
    properties = schema.get("properties", {})
    required = set(schema.get("required", ()))
    return st.fixed_dictionaries(
        {k: from_schema(v, depth + 1, k) for k, v in properties.items()
         if k in required},
        optional={k: from_schema(v, depth + 1, k) for k, v in properties.items()
                  if k not in required})


def _broken(valid: st.SearchStrategy, schema: dict) -> st.SearchStrategy:
    """A valid body with one field replaced by a wrong or extreme value."""
    names = sorted(schema.get("properties", {})) or ["field"]
    odd = st.sampled_from(WRONG_TYPES + ODD_TEXTS + [HUGE])
    return st.tuples(valid, st.sampled_from(names), odd).map(
        lambda t: {**t[0], t[1]: t[2]})


def _body(operation: dict) -> st.SearchStrategy[bytes | None]:
    content = (operation.get("requestBody") or {}).get("content", {})
    if "text/csv" in content:
        cell = st.sampled_from(["", "100", "2026-01-31", "ü", "\r\n", "x" * 10_000_000])
        rows = st.lists(st.lists(cell | st.text(max_size=20), max_size=6), max_size=4)
        return rows.map(lambda r: "\r\n".join(",".join(c) for c in r).encode())
    schema = content.get("application/json", {}).get("schema")
    if schema is None:
        return st.none() | st.just(b"{}") | st.just(b"[]")
    valid = _object(schema, 0)
    whole = st.sampled_from([b"", b"null", b"[]", b'"x"', b"1", b"{", b"\xff\xfe",
                             b"[" * 5000, json.dumps({"x": HUGE}).encode()])
    return st.one_of(valid.map(lambda b: json.dumps(b).encode()),
                     _broken(valid, schema).map(lambda b: json.dumps(b).encode()),
                     whole)


def _url(path: str, operation: dict) -> st.SearchStrategy[str]:
    parameters = operation.get("parameters", [])
    in_path = {p["name"]: p["schema"] for p in parameters if p["in"] == "path"}
    in_query = {p["name"]: p["schema"] for p in parameters if p["in"] == "query"}
    odd = st.sampled_from(ODD_TEXTS)
    filled = st.fixed_dictionaries(
        {name: st.one_of(from_schema(schema, 0, name), odd)
         for name, schema in in_path.items()})
    query = st.fixed_dictionaries({}, optional={
        name: st.one_of(from_schema(schema).map(str), odd, st.text(max_size=10))
        for name, schema in in_query.items()})

    def build(parts: tuple[dict, dict]) -> str:
        values, args = parts
        url = path.format(**{k: quote(str(v), safe="") for k, v in values.items()})
        return f"{url}?{urlencode(args)}" if args else url

    return st.tuples(filled, query).map(build)


def _headers(role: str | None, key: str | None) -> dict[str, str]:
    headers = bearer(role) if role else {"Content-Type": "application/json"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


def _check(method: str, url: str, operation: dict, response) -> None:
    status = response.status_code
    where = f"{method.upper()} {url[:200]} -> {status}"
    assert status < 500 or status == 503, where
    if "x-amzn-ErrorType" in response.headers or (status == 405 and url.endswith("/")):
        assert status in (403, 404, 405), where  # no route (an empty last id):
        return  # the gateway's own answer
    body = json.loads(response.body)
    if status >= 400:
        assert response.headers["Content-Type"] == "application/json", where
        assert CODE.match(body["error"]["code"]), where
        assert body["error"]["message"], where
        return
    if url.split("?")[0].endswith("/"):
        return  # /api/tasks/ is /api/tasks (chalice's matching): another operation
    assert str(status) in operation["responses"], where
    schema = operation["responses"][str(status)]["content"]["application/json"]
    errors = list(Draft202012Validator(schema["schema"]).iter_errors(body))
    assert not errors, f"{where}: {errors[0].message} at {list(errors[0].path)}"


OPERATIONS = _operations()


@pytest.mark.parametrize(("path", "method", "role"), OPERATIONS,
                         ids=[f"{m}-{p}-{r}" for p, m, r in OPERATIONS])
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.large_base_example])
@given(data=st.data())
def test_no_request_generated_from_the_schema_gets_a_server_error(
        client, path, method, role, data):
    operation = document()["paths"][path][method]
    url = data.draw(_url(path, operation), label="url")
    body = data.draw(_body(operation), label="body")
    key = data.draw(st.none() | st.text(st.characters(min_codepoint=33,
                                                      max_codepoint=126),
                                        max_size=300), label="key")
    response = client.request(method.upper(), url, headers=_headers(role, key),
                              body=body or b"")
    _check(method, url, operation, response)


def _collect_ids() -> None:
    from chalicelib.db import all_models

    IDS.clear()
    for model in all_models():
        for item in model.scan():
            for name, value in item.attribute_values.items():
                if isinstance(value, str) and name.endswith(("_id", "_code")):
                    IDS.setdefault(name, set()).add(value)


@settings(max_examples=SEEDED_EXAMPLES, deadline=None, derandomize=True,
          database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.large_base_example])
@given(data=st.data())
def test_no_request_on_the_demo_data_gets_a_server_error(client, demo, data):
    path, method, role = data.draw(st.sampled_from(OPERATIONS), label="operation")
    operation = document()["paths"][path][method]
    url = data.draw(_url(path, operation), label="url")
    body = data.draw(_body(operation), label="body")
    response = client.request(method.upper(), url, headers=_headers(role, None),
                              body=body or b"")
    _check(method, url, operation, response)


@pytest.fixture
def demo():
    from chalicelib.demo import load_demo_data
    from tests.conftest import DEMO_PASSWORD

    load_demo_data(DEMO_PASSWORD)
    _collect_ids()
    yield
    IDS.clear()
