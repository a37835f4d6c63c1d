"""The Vipps MobilePay Report API, a day's settlement from Vipps itself
(production only; shapes: vippsas/vipps-report-api docs/swagger.yaml):

- `GET /settlement/v1/ledgers?settlesForRecipientHandles=api:<msn>`:
  `{items: [Ledger {ledgerId, currency, ...}], cursor}`, the ledger our
  ePayment and Recurring payments settle to (kept per container);
- `GET /report/v2/ledgers/{ledgerId}/{funds|fees}/dates/{YYYY-MM-DD}`:
  `{items: [Transaction {pspReference, ledgerDate, entryType, reference,
  currency, amount, ...}], cursor, tryLater}`, paged by `cursor` (empty on
  the last page). 404 or `tryLater`: the day is not closed yet.

The lines go through the same matching and booking as the portal's CSV
(`settlement_lines.ledger_lines`, `settlement.preview`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from chalicelib.vipps.client import VippsError, call
from chalicelib.vipps.settings import vipps_secret

MAX_PAGES = 100  # a day of a help centre's gifts is a few pages at most
_ledger: dict[str, str] = {}


def forget() -> None:
    """Drop the kept ledger id (tests; another merchant's keys)."""
    _ledger.clear()


class NotReady(Exception):
    """Vipps has not closed this day's report yet (try in half an hour)."""


def ledger_id() -> str:
    """Our ledger's id (kept per container once found)."""
    handle = f"api:{vipps_secret('vipps-msn')}"
    if handle not in _ledger:
        answer = call("GET", "/settlement/v1/ledgers?" + urlencode(
            {"settlesForRecipientHandles": handle}))
        items = [item for item in answer.get("items") or []
                 if isinstance(item, dict) and item.get("ledgerId")]
        if not items:
            raise VippsError(404, {"title": "No ledger settles for this merchant"})
        _ledger[handle] = str(items[0]["ledgerId"])
    return _ledger[handle]


def day_items(ledger: str, topic: str, day: str) -> list[dict[str, Any]]:
    """Every entry of `topic` (funds or fees) on ledger date `day`."""
    path = f"/report/v2/ledgers/{quote(ledger)}/{topic}/dates/{day}"
    items: list[dict[str, Any]] = []
    cursor = ""
    for _page in range(MAX_PAGES):
        try:
            answer = call("GET", path + (f"?{urlencode({'cursor': cursor})}"
                                         if cursor else ""))
        except VippsError as error:
            if error.status == 404:
                raise NotReady() from None
            raise
        if answer.get("tryLater"):
            raise NotReady()
        items += [item for item in answer.get("items") or [] if isinstance(item, dict)]
        cursor = str(answer.get("cursor") or "")
        if not cursor:
            return items
    raise VippsError(502, {"title": "The report did not end"})


def day_report(day: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The funds and fees entries of one closed ledger date."""
    ledger = ledger_id()
    return day_items(ledger, "funds", day), day_items(ledger, "fees", day)
