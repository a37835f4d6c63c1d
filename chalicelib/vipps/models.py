"""The Vipps area's tables (db.all_models reads each area's models module)."""

from chalicelib.vipps.settlement_models import (  # noqa: F401
    SettlementImport,
    SettlementLine,
)
