"""The allocation view: one panel per area, built only for the roles that may
see it, so a role's page never even queries what it may not see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from chalicelib.allocation import charts, sources
from chalicelib.auth.roles import COORDINATOR, FINANCE, STAFF, User
from chalicelib.money import format_nok

# Who sees which panel (admin sees every one).
PANEL_ROLES: dict[str, tuple[str, ...]] = {
    "funds": (FINANCE,),
    "campaigns": (FINANCE,),
    "cash": (STAFF, FINANCE),
    "beds": (COORDINATOR,),
    "inkind": (STAFF, COORDINATOR),
    "tasks": (STAFF, COORDINATOR),
}
# Who may act from the view.
ACTION_ROLES: dict[str, tuple[str, ...]] = {
    "transfer": (FINANCE,),
    "allocate": (STAFF, COORDINATOR),
    "hold": (COORDINATOR,),
}
Gettext = Callable[..., str]


def visible_panels(user: User) -> list[str]:
    return [name for name, roles in PANEL_ROLES.items() if user.has_any(roles)]


def may_act(user: User, action: str) -> bool:
    return user.has_any(ACTION_ROLES[action])


@dataclass
class View:
    month: str
    panels: dict[str, dict[str, Any]] = field(default_factory=dict)


def build(user: User, lang: str, _: Gettext, month: str | None = None) -> View:
    """Every panel `user` may see, for this month (UTC)."""
    view = View(month or sources.this_month())
    builders = {"funds": _funds, "campaigns": _campaigns, "cash": _cash,
                "beds": _beds, "inkind": _inkind, "tasks": _tasks}
    for name in visible_panels(user):
        view.panels[name] = builders[name](user, lang, _, view.month)
    return view


def _funds(user: User, lang: str, _: Gettext, month: str) -> dict[str, Any]:
    rows = sources.fund_rows(month)
    restricted = sum(r.balance for r in rows if r.fund.restricted)
    chart = charts.bar_chart(
        _("Balance by fund"),
        [(r.fund.name(lang), r.balance, format_nok(r.balance),
          f"/staff/funds/{quote(r.fund_id)}") for r in rows])
    return {"rows": rows, "chart": chart, "restricted": restricted,
            "unrestricted": sum(r.balance for r in rows) - restricted,
            "income": sum(r.income for r in rows),
            "spending": sum(r.spending for r in rows),
            "can_transfer": may_act(user, "transfer")}


def _campaigns(user: User, lang: str, _: Gettext, month: str) -> dict[str, Any]:
    campaigns = sources.active_campaigns()
    chart = charts.progress_chart(
        _("Campaign progress"),
        [(c.name(lang), int(c.raised), int(c.goal),
          _("%(raised)s of %(goal)s", raised=format_nok(int(c.raised)),
            goal=format_nok(int(c.goal))),
          f"/staff/donations?campaign={quote(str(c.campaign_id))}")
         for c in campaigns])
    return {"campaigns": campaigns, "chart": chart}


def _cash(user: User, lang: str, _: Gettext, month: str) -> dict[str, Any]:
    from chalicelib.funds.purposes import PURPOSES

    paid = sources.cash_by_purpose(month)
    waiting, waiting_amount = sources.pending_disbursements()
    detail = (f"/staff/reports/disbursements?year={month[:4]}"
              if user.has_any((FINANCE,)) else "/staff/disbursements")
    rows = sorted(paid.items(), key=lambda item: -item[1][0])
    chart = charts.bar_chart(
        _("Emergency cash paid this month by purpose"),
        [(_(PURPOSES.get(purpose, purpose)), amount, format_nok(amount), detail)
         for purpose, (amount, _count) in rows], fill="#8a3b12")
    return {"chart": chart, "total": sum(a for a, _c in paid.values()),
            "payments": sum(c for _a, c in paid.values()), "pending": waiting,
            "pending_amount": waiting_amount, "detail": detail}


def _beds(user: User, lang: str, _: Gettext, month: str) -> dict[str, Any]:
    from chalicelib.core.vocabulary import COUNTY_NAMES, county_of
    from chalicelib.shelters.rules import SHELTER_TYPES

    summary = sources.beds_tonight()
    regions = sorted(summary["free_by_region"].items())
    chart = charts.bar_chart(
        _("Free beds tonight by region"),
        [(county_of(region).shown, free, str(free),
          f"/staff/shelters?region={quote(region)}" if region in COUNTY_NAMES
          else "/staff/shelters")
         for region, free in regions], fill="#1f4e79")
    return {"summary": summary, "chart": chart, "types": SHELTER_TYPES,
            "shelters": sources.shelter_choices(),
            "can_hold": may_act(user, "hold")}


def _inkind(user: User, lang: str, _: Gettext, month: str) -> dict[str, Any]:
    from chalicelib.inkind.catalogue import LOCATIONS

    lines, needs = sources.stock_and_needs()
    by_item = {line.item.item_id: line for line in lines}
    rows = []
    for need in needs:
        line = by_item.get(need.item_id)
        rows.append({
            "need": need, "name": line.item.name(lang) if line else need.item_id,
            "wanted": int(need.wanted), "received": int(need.received),
            "in_stock": line.total if line else 0})
    chart = charts.bar_chart(
        _("Units in stock"),
        [(line.item.name(lang), line.total, str(line.total), "/staff/inkind")
         for line in lines], fill="#1f6f43")
    allocate = may_act(user, "allocate")
    return {"needs": rows, "low": [line for line in lines if line.low],
            "lines": lines, "chart": chart, "can_allocate": allocate,
            "locations": LOCATIONS,
            "shelters": sources.shelter_choices() if allocate else []}


def _tasks(user: User, lang: str, _: Gettext, month: str) -> dict[str, Any]:
    return {"open_without_volunteer": sources.open_tasks()}
