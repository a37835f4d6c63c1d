"""The PynamoDB base shared by every area, and the list of all tables.

Table names and the endpoint are read from the settings when a model class is
defined: in `local` and `test` the endpoint is moto's server, in `prod` it is
real DynamoDB, through the same code.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Iterator
from contextlib import suppress
from functools import lru_cache
from typing import Any

from pynamodb.models import Model

from chalicelib.config import get_settings

AREAS_PACKAGE = "chalicelib"


def table_name(suffix: str) -> str:
    """The stage-prefixed name of a table, e.g. `ngo-prod-audit`."""
    return f"{get_settings().table_prefix}-{suffix}"


class BaseMeta:
    """Meta attributes every model shares; subclass it and set `table_name`."""

    region = get_settings().aws_region
    host = get_settings().dynamodb_host or None
    billing_mode = "PAY_PER_REQUEST"
    connect_timeout_seconds = 2
    read_timeout_seconds = 5
    max_retry_attempts = 2


@lru_cache(maxsize=1)
def shared_connection() -> Any:
    """The process's one DynamoDB connection (one botocore client per thread):
    building a client costs ~76 ms and ~10 MB, and PynamoDB would build one
    per model class."""
    from pynamodb.connection import Connection

    return Connection(
        region=BaseMeta.region,
        host=BaseMeta.host,
        connect_timeout_seconds=BaseMeta.connect_timeout_seconds,
        read_timeout_seconds=BaseMeta.read_timeout_seconds,
        max_retry_attempts=BaseMeta.max_retry_attempts,
    )


class BaseModel(Model):
    """The base of every table model: all of them share `shared_connection()`."""

    @classmethod
    def _get_connection(cls) -> Any:
        connection = cls._connection
        if connection is None or connection.table_name != cls.Meta.table_name:
            connection = super()._get_connection()
            shared = shared_connection()
            meta = connection.connection.get_meta_table(cls.Meta.table_name)
            with suppress(ValueError):  # another class of the same table added it
                shared.add_meta_table(meta)
            connection.connection = shared
        return connection

    @classmethod
    def get(cls, hash_key: Any, range_key: Any = None, *args: Any,
            **kwargs: Any) -> Any:
        """As Model.get; an empty key (DynamoDB refuses one with a
        ValidationException) is an item that does not exist."""
        if hash_key in ("", None) or range_key == "":
            raise cls.DoesNotExist()
        return super().get(hash_key, range_key, *args, **kwargs)


def _model_modules() -> Iterator[str]:
    package = importlib.import_module(AREAS_PACKAGE)
    for info in pkgutil.iter_modules(package.__path__):
        if info.ispkg:
            name = f"{AREAS_PACKAGE}.{info.name}.models"
            if importlib.util.find_spec(name) is not None:
                yield name


def all_models() -> list[type[Model]]:
    """Every table model of every area (each area keeps its own `models.py`)."""
    found: dict[str, type[Model]] = {}
    for module_name in _model_modules():
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Model)
                and value not in (Model, BaseModel)
                and getattr(value.Meta, "table_name", None)
            ):
                found[value.Meta.table_name] = value
    return [found[name] for name in sorted(found)]


def create_tables() -> None:
    """Create every missing table (local and test stages only)."""
    for model in all_models():
        if not model.exists():
            model.create_table(wait=True)


def is_condition_failure(error: Exception) -> bool:
    """True when a PynamoDB write failed only because its condition was false."""
    code = getattr(error, "cause_response_code", None)
    if code == "TransactionCanceledException":
        reasons = getattr(error, "cancellation_reasons", None) or []
        return any(r and r.code == "ConditionalCheckFailed" for r in reasons)
    return code == "ConditionalCheckFailedException"


def put_if_absent(item: Model) -> bool:
    """Save `item` unless its key exists; False when it already did."""
    from pynamodb.exceptions import PutError

    hash_attr = item._hash_key_attribute()
    try:
        item.save(condition=hash_attr.does_not_exist())
    except PutError as error:
        if is_condition_failure(error):
            return is_own_write(item)
        raise
    return True


def is_own_write(item: Model) -> bool:
    """After a conditional put of `item` failed its condition: True when the
    stored item is exactly `item`, i.e. botocore sent our own write again after
    its answer was lost (the first attempt committed)."""
    range_name = item._range_keyname
    try:
        stored = type(item).get(getattr(item, str(item._hash_keyname)),
                                getattr(item, range_name) if range_name else None,
                                consistent_read=True)
    except item.DoesNotExist:
        return False
    return bool(stored.serialize() == item.serialize())


def transaction(**options: Any) -> Any:
    """A TransactWrite on the stage's endpoint, sharing one connection per
    process (building a client costs ~100 ms, and PynamoDB's default
    connection would ignore the local endpoint)."""
    from pynamodb.transactions import TransactWrite

    return TransactWrite(connection=shared_connection(), **options)


def get_by_keys(wanted: list[tuple[type[Model], str]]) -> list[Any]:
    """Items of one or more tables by hash key, in one BatchGetItem: the
    item, or None where there is none. A key DynamoDB leaves unprocessed is
    read on its own, so the answer is complete either way."""
    from pynamodb.connection.base import BOTOCORE_EXCEPTIONS
    from pynamodb.exceptions import GetError

    request: dict[str, dict[str, list]] = {}
    for model, key in dict.fromkeys(wanted):  # the same key twice is refused
        attribute = model._hash_key_attribute()
        keys = request.setdefault(model.Meta.table_name, {"Keys": []})["Keys"]
        keys.append({attribute.attr_name: {attribute.attr_type: key}})
    try:
        answer = shared_connection().dispatch("BatchGetItem", {"RequestItems": request})
    except BOTOCORE_EXCEPTIONS as error:
        raise GetError(f"Failed to batch get items: {error}", error) from None
    responses = answer.get("Responses") or {}
    unprocessed = answer.get("UnprocessedKeys") or {}
    found: list[Any] = []
    for model, key in wanted:
        attribute = model._hash_key_attribute()
        table = model.Meta.table_name
        raw = next((item for item in responses.get(table, [])
                    if item[attribute.attr_name][attribute.attr_type] == key), None)
        if raw is not None:
            found.append(model.from_raw_data(raw))
        elif table in unprocessed:
            try:
                found.append(model.get(key))
            except model.DoesNotExist:
                found.append(None)
        else:
            found.append(None)
    return found
