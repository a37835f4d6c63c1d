"""Helpers shared by the money tests (funds, gifts, disbursements)."""

from __future__ import annotations

from chalicelib.audit.service import SYSTEM
from chalicelib.funds.admin import create_fund
from chalicelib.funds.models import Fund
from chalicelib.funds.service import Posting, post_movement


def make_fund(fund_id="general", nok=0, restricted=False, purposes=None):
    create_fund(fund_id, {"nb": fund_id, "en": fund_id, "es": fund_id}, SYSTEM,
                restricted=restricted, purposes=purposes)
    if nok:
        post_movement(f"open-{fund_id}", "opening", [Posting(fund_id, nok * 100)],
                      SYSTEM)
    return fund_id


def balance(fund_id: str) -> int:
    return int(Fund.get(fund_id).balance)
