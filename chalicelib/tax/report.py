"""The year's report as finance sees it, from four paged Queries (the
year's requests, kept totals, reported units and deliveries): never a scan
of the donations. A unit is due when its net total (refunds subtracted)
reaches the year's minimum; its amount is capped at the maximum and
reported in whole kroner."""

from __future__ import annotations

from typing import NamedTuple

from chalicelib.tax import limits
from chalicelib.tax.models import TaxDelivery, TaxReported, TaxRequest
from chalicelib.tax.rf1310 import kroner
from chalicelib.tax.totals import totals_of_year

SENT = ("sent", "done")  # delivery states that count as reported


class Unit(NamedTuple):
    unit_key: str
    name: str
    kind: str
    masked: str
    last5: str
    net: int  # øre, refunds subtracted
    kroner: int  # what is due: capped, whole kroner; 0 below the minimum
    due: bool
    id_version: str
    reported: int | None  # kroner last reported, None when never
    status: str  # new | changed | reported | waiting | rejected
    reason: str


class MissingId(NamedTuple):
    email: str
    net: int


class YearReport(NamedTuple):
    year: int
    limits: limits.YearLimits
    units: list[Unit]
    missing: list[MissingId]  # above the minimum, no request
    deliveries: list[TaxDelivery]

    @property
    def due(self) -> list[Unit]:
        return [u for u in self.units if u.due]

    @property
    def changed(self) -> list[Unit]:
        """Units a delivery must carry now: new, changed or refused before."""
        return [u for u in self.units if u.status in ("new", "changed")]

    @property
    def open_delivery(self) -> TaxDelivery | None:
        return next((d for d in self.deliveries if d.status == "prepared"), None)


def masked(item: TaxRequest) -> str:
    return "*" * (6 if item.kind == "person" else 4) + str(item.id_last5)


def _status(due: bool, kr: int, request: TaxRequest, row: TaxReported | None,
            delivery: TaxDelivery | None) -> str:
    if row is None or delivery is None or delivery.status == "refused":
        return "new" if due else "below"
    if delivery.status == "prepared":
        return "waiting"
    asked_again = (row.name != request.name
                   or row.id_version != request.updated_at.isoformat())
    if row.status == "rejected":  # re-sent once the donor corrects the request
        return "changed" if asked_again else "rejected"
    return "changed" if asked_again or int(row.kroner) != kr else "reported"


def build(year: int) -> YearReport:
    """The year's units, what is due and what was reported."""
    rules = limits.limits_for(year)
    kept = totals_of_year(year)
    reported = {str(r.unit_key): r for r in TaxReported.query(str(year))}
    deliveries = sorted(TaxDelivery.query(str(year)), key=lambda d: d.created_at,
                        reverse=True)
    by_id = {str(d.delivery_id): d for d in deliveries}
    units, asked = [], set()
    for request in TaxRequest.by_year.query(str(year)):
        if request.status != "active":
            continue
        key = str(request.unit_key)
        asked.add(key)
        net = kept[key].net if key in kept else 0
        due = net >= rules.minimum
        kr = kroner(min(net, rules.maximum)) if due else 0
        row = reported.get(key)
        delivery = by_id.get(str(row.delivery_id)) if row else None
        units.append(Unit(
            key, str(request.name), str(request.kind), masked(request),
            str(request.id_last5), net, kr, due,
            request.updated_at.isoformat(), int(row.kroner) if row else None,
            _status(due, kr, request, row, delivery),
            str(row.reason or "") if row else ""))
    missing = [MissingId(str(t.email or ""), t.net) for key, t in kept.items()
               if key not in asked and t.net >= rules.minimum]
    units.sort(key=lambda u: (u.name.lower(), u.unit_key))
    missing.sort(key=lambda m: -m.net)
    return YearReport(year, rules, units, missing, deliveries)
