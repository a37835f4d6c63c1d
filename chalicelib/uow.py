"""One use case, one transaction. A service fills a `UnitOfWork` with its
writes and their conditions; `commit()` sends them with the audit entry in a
single TransactWriteItems, retries what DynamoDB says to retry within a time
budget, and turns a cancellation into the domain error the failed write named.

    uow = UnitOfWork(actor, ("create", "transfer", movement_id))
    uow.save(movement, condition=Movement.movement_id.does_not_exist(), on_fail=REPLAY)
    uow.update(fund, actions=[...], condition=..., on_fail=lambda: FundExhausted())
    created = uow.commit()  # False: this use case was committed before
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Callable
from typing import Any

from chalicelib.audit.service import Actor, entry_write
from chalicelib.config import env_int
from chalicelib.db import shared_connection
from chalicelib.errors import Busy, Conflict

Audit = tuple[str, str, str]  # action, record type, record id
Failure = Callable[[], Exception] | Exception | None

#: `on_fail=REPLAY` (or a callable returning it): this write's condition
#: failing means "this use case was done before".
REPLAY: Exception = Exception("replay")
# Cancellation reasons and error codes DynamoDB answers when trying again helps.
RETRY_REASONS = {
    "TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}
RETRY_CODES = {
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "TransactionInProgressException",
    "InternalServerError",
    "ServiceUnavailable",
}
FIRST_PAUSE, MAX_PAUSE = 0.025, 1.0  # seconds


def budget_seconds() -> float:
    """How long a commit may keep trying (DB_RETRY_BUDGET_MS, default 8 s of
    the Lambda's 15 s, leaving time to answer)."""
    return env_int("DB_RETRY_BUDGET_MS", 8000, minimum=1) / 1000


class UnitOfWork:
    """The writes of one use case; has the same `save`/`update`/`delete`/
    `condition_check` as PynamoDB's TransactWrite, plus `on_fail`."""

    def __init__(self, actor: Actor, audit: Audit) -> None:
        self.actor, self.audit = actor, audit
        # pynamodb sends checks, deletes, puts, updates in that order: keep the
        # failure of each write at the index DynamoDB reports it.
        self._items: dict[str, list[tuple[dict, Failure]]] = {
            "checks": [], "deletes": [], "puts": [], "updates": []}
        self._saved: list[Any] = []
        self._audited = False

    def save(self, model: Any, condition: Any = None, *, on_fail: Failure = None,
             **_: Any) -> None:
        from chalicelib.audit.models import AuditEntry

        self._audited = self._audited or isinstance(model, AuditEntry)
        kwargs = model.get_save_kwargs_from_instance(condition=condition)
        self._items["puts"].append((kwargs, on_fail))
        self._saved.append(model)

    def update(self, model: Any, actions: list[Any], condition: Any = None, *,
               on_fail: Failure = None, add_version_condition: bool = True,
               **_: Any) -> None:
        kwargs = model.get_update_kwargs_from_instance(
            actions=actions, condition=condition,
            add_version_condition=add_version_condition)
        self._items["updates"].append((kwargs, on_fail))
        self._saved.append(model)

    def delete(self, model: Any, condition: Any = None, *, on_fail: Failure = None,
               add_version_condition: bool = True) -> None:
        kwargs = model.get_delete_kwargs_from_instance(
            condition=condition, add_version_condition=add_version_condition)
        self._items["deletes"].append((kwargs, on_fail))

    def condition_check(self, model_cls: Any, hash_key: Any, range_key: Any = None,
                        condition: Any = None, *, on_fail: Failure = None) -> None:
        kwargs = model_cls.get_operation_kwargs_from_class(
            hash_key, range_key=range_key, condition=condition)
        self._items["checks"].append((kwargs, on_fail))

    def commit(self) -> bool:
        """Write everything at once. False when a write marked REPLAY found
        its use case done before; the failed write's error otherwise; Busy
        when DynamoDB stayed busy for the whole budget (nothing written)."""
        if not self._audited:
            entry_write(self.actor, *self.audit)(self)
            self._audited = True
        deadline = time.monotonic() + budget_seconds()
        token, attempt = secrets.token_hex(16), 0
        while True:
            renew = self._try(token)
            if renew is None:
                for model in self._saved:
                    model.update_local_version_attribute()
                return True
            if renew is REPLAY:
                return False
            pause = random.uniform(0, min(MAX_PAUSE, FIRST_PAUSE * 2 ** attempt))
            if time.monotonic() + pause > deadline:
                raise Busy()
            time.sleep(pause)
            attempt += 1
            if renew:
                token = secrets.token_hex(16)

    def _try(self, token: str) -> Any:
        """None when committed, REPLAY, or whether a retry needs a new token."""
        from pynamodb.exceptions import TransactWriteError

        items = self._items
        try:
            shared_connection().transact_write_items(
                [kw for kw, _ in items["checks"]], [kw for kw, _ in items["deletes"]],
                [kw for kw, _ in items["puts"]], [kw for kw, _ in items["updates"]],
                # One token per attempt: botocore's own retries of a response
                # lost after commit are then answered, not applied twice.
                client_request_token=token,
            )
        except TransactWriteError as error:
            return self._decode(error)
        return None

    def _failures(self) -> list[Failure]:
        return [fail for part in ("checks", "deletes", "puts", "updates")
                for _, fail in self._items[part]]

    def _decode(self, error: Any) -> Any:
        code = getattr(error, "cause_response_code", None)
        if code == "TransactionCanceledException":
            given = error.cancellation_reasons or []
            reasons = [reason.code if reason else "None" for reason in given]
            failures = self._failures()
            failed = [failures[i] for i, reason in enumerate(reasons)
                      if reason == "ConditionalCheckFailed" and i < len(failures)]
            if any(fail is REPLAY for fail in failed):
                return REPLAY
            if failed:
                explained = _as_error(failed[0])
                if explained is REPLAY:  # the callable found this use case done
                    return REPLAY
                raise explained from None
            if RETRY_REASONS & set(reasons):
                return True  # cancelled, so nothing was written: a fresh token
            raise error
        status = _http_status(error)
        if code in RETRY_CODES or code is None or status >= 500:
            return False  # may have been written: the same token
        raise error


def is_transient(error: BaseException) -> bool:
    """True when DynamoDB stayed busy through botocore's own retries of one
    call (throttling, a 5xx, a conflict with a transaction, no answer), as
    opposed to refusing it: the same request may simply be sent again."""
    from botocore.exceptions import ConnectionError, HTTPClientError
    from pynamodb.exceptions import PynamoDBException

    if not isinstance(error, PynamoDBException):
        return False
    if isinstance(error.cause, (ConnectionError, HTTPClientError)):
        return True  # no answer: lost connection, read or connect timeout
    code = error.cause_response_code
    if code == "TransactionCanceledException":
        given = getattr(error, "cancellation_reasons", None) or []
        reasons = {reason.code for reason in given if reason}
        return bool(reasons & RETRY_REASONS) and "ConditionalCheckFailed" not in reasons
    return (code in RETRY_CODES or code == "TransactionConflictException"
            or _http_status(error) >= 500)


def _as_error(failure: Failure) -> Exception:
    if failure is None:
        return Conflict()
    if isinstance(failure, Exception):
        return failure
    return failure()


def _http_status(error: Any) -> int:
    response = getattr(getattr(error, "cause", None), "response", None) or {}
    return int(response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
