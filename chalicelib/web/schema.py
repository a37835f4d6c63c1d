"""JSON Schema (2020-12, as OpenAPI 3.1 uses) for the API, declared next to
each route (`api(..., body=..., answer=...)`) and enforced here.

`check` is the one shared guard of every JSON body: it refuses wrong JSON
types and values too long or too many for DynamoDB (an item holds 400 KB)
with 400 `validation_failed` naming each field. What a field must *mean*
(a known fund, a valid date) stays with the service and its own messages:
`required`, `enum` and `pattern` are documentation here, not checks.
"""

from __future__ import annotations

from typing import Any

from chalicelib.errors import N_, ValidationFailed

Schema = dict[str, Any]
TEXT_LIMIT = 2000  # characters of a free-text field unless declared otherwise
LIST_LIMIT = 200  # entries of a list unless declared otherwise
BODY_LIMIT = 256 * 1024  # bytes of a JSON body: well under an item's 400 KB
FORM_LIMIT = 2 * 1024 * 1024  # bytes of a form (a CSV import's text included)
FORM_FIELD_LIMIT = 10_000  # characters of a form field, unless the page allows more

ID: Schema = {"type": "string", "minLength": 1, "maxLength": 128}
BOOL: Schema = {"type": "boolean"}
DATE: Schema = {"type": "string", "format": "date", "maxLength": 10,
                "examples": ["2025-03-14"]}
DATETIME: Schema = {"type": "string", "format": "date-time", "maxLength": 40}
CLIENT_CODE: Schema = {"type": "string", "maxLength": 32, "examples": ["K-2025-031"]}
OERE: Schema = {"type": "integer", "minimum": 1, "description": "øre (NOK/100)"}


def text(max_length: int = TEXT_LIMIT, **extra: Any) -> Schema:
    return {"type": "string", "maxLength": max_length, **extra}


def integer(minimum: int | None = None, maximum: int | None = None) -> Schema:
    bounds = {"minimum": minimum, "maximum": maximum}
    return {"type": "integer", **{k: v for k, v in bounds.items() if v is not None}}


def one_of(*choices: str) -> Schema:
    return {"type": "string", "enum": sorted(choices)}


def either(*types: str, **extra: Any) -> Schema:
    """A field the service accepts in several JSON types ("5" or 5)."""
    return {"type": list(types), **extra}


def nullable(schema: Schema) -> Schema:
    kinds = schema.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    out = {**schema, "type": [*kinds, "null"]}
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out


def array(items: Schema, max_items: int = LIST_LIMIT, **extra: Any) -> Schema:
    return {"type": "array", "items": items, "maxItems": max_items, **extra}


def obj(properties: dict[str, Schema] | None = None, required: tuple[str, ...] = (),
        **extra: Any) -> Schema:
    schema: Schema = {"type": "object", "properties": properties or {}}
    if required:
        schema["required"] = list(required)
    return {**schema, **extra}


def names(max_length: int = 200) -> Schema:
    """A record's name in each language."""
    return obj({lang: text(max_length) for lang in ("nb", "en", "es")})


# --- the guard ------------------------------------------------------------
WRONG_TYPE = {
    "string": N_("Give a text."),
    "integer": N_("Give a whole number."),
    "number": N_("Give a number."),
    "boolean": N_("Give true or false."),
    "array": N_("Give a list."),
    "object": N_("Give an object."),
}
MIXED_TYPE = N_("This value has the wrong type.")
TOO_LONG = N_("This is too long.")
TOO_MANY = N_("There are too many entries.")


def _is(value: Any, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    expected = {"string": str, "boolean": bool, "array": list, "object": dict,
                "null": type(None)}[kind]
    return isinstance(value, expected)


def _walk(value: Any, schema: Schema, where: str, errors: dict[str, str]) -> None:
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if kinds and not any(_is(value, k) for k in kinds):
        errors[where] = WRONG_TYPE[kinds[0]] if len(kinds) == 1 else MIXED_TYPE
        return
    if isinstance(value, str):
        if len(value) > schema.get("maxLength", TEXT_LIMIT):
            errors[where] = TOO_LONG
    elif isinstance(value, list):
        if len(value) > schema.get("maxItems", LIST_LIMIT):
            errors[where] = TOO_MANY
            return
        for item in value:
            _walk(item, schema.get("items", {}), where, errors)
    elif isinstance(value, dict):
        if len(value) > schema.get("maxProperties", LIST_LIMIT):
            errors[where] = TOO_MANY
            return
        properties = schema.get("properties", {})
        for key, item in value.items():
            inner = f"{where}.{key}" if where else str(key)
            _walk(item, properties.get(key, {}), inner, errors)


def check(value: Any, schema: Schema | None) -> None:
    """ValidationFailed naming every field of the wrong JSON type, too long
    or with too many entries; strings nobody declared get TEXT_LIMIT."""
    errors: dict[str, str] = {}
    _walk(value, schema or {}, "", errors)
    if errors:
        top = {key.split(".")[0] or "body": message for key, message in errors.items()}
        raise ValidationFailed(top)
