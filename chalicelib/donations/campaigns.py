"""Admins create and edit campaigns; totals are never edited by hand."""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from chalicelib import privacy
from chalicelib.audit.service import Actor
from chalicelib.donations.models import Campaign
from chalicelib.donations.service import CampaignExists, UnknownCampaign
from chalicelib.errors import N_
from chalicelib.funds.service import UnknownFund, get_fund
from chalicelib.uow import UnitOfWork

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
LANGS = ("nb", "en", "es")


class CampaignInput(NamedTuple):
    campaign_id: str
    names: dict[str, str]
    fund_id: str
    goal: int  # øre
    starts: str
    ends: str
    active: bool


def _date(text: str) -> str | None:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def _check_fund(fund_id: str, errors: dict[str, str]) -> None:
    try:
        get_fund(fund_id)
    except UnknownFund:
        errors["fund_id"] = N_("Choose a fund.")


def validate_campaign(form: dict[str, str]) -> CampaignInput:
    """The admin's form as a CampaignInput; ValidationFailed lists each field."""
    errors: dict[str, str] = {}
    campaign_id = form.get("campaign_id", "").lower()
    if not SLUG.match(campaign_id):
        errors["campaign_id"] = N_("Use 2-40 lowercase letters, digits and dashes.")
    names = {lang: form.get(f"name_{lang}", "")[:120] for lang in LANGS}
    for lang, name in names.items():
        if not name:
            errors[f"name_{lang}"] = N_("Write the name in this language.")
    _check_fund(form.get("fund_id", ""), errors)
    goal = form.get("goal", "").replace(" ", "")
    if not re.fullmatch(r"\d{1,9}", goal) or int(goal) <= 0:
        errors["goal"] = N_("Enter a whole number of kroner.")
    starts, ends = _date(form.get("starts", "")), _date(form.get("ends", ""))
    if not starts:
        errors["starts"] = N_("Enter a date (YYYY-MM-DD).")
    if not ends or (starts and ends < starts):
        errors["ends"] = N_("Enter a date on or after the start.")
    privacy.refuse(errors, privacy.refusals(
        {f"name_{lang}": name for lang, name in names.items()}, privacy.PUBLIC))
    return CampaignInput(campaign_id, names, form["fund_id"], int(goal) * 100,
                         str(starts), str(ends), form.get("active") == "1")


def create_campaign(data: CampaignInput, actor: Actor) -> Campaign:
    campaign = Campaign(data.campaign_id, names=data.names, fund_id=data.fund_id,
                        goal=data.goal, starts=data.starts, ends=data.ends,
                        active=data.active, raised=0, donors=0)
    uow = UnitOfWork(actor, ("create", "campaign", data.campaign_id))
    uow.save(campaign, condition=Campaign.campaign_id.does_not_exist(),
             on_fail=lambda: CampaignExists(campaign=data.campaign_id))
    uow.commit()
    return campaign


def update_campaign(data: CampaignInput, actor: Actor) -> None:
    """Change what an admin may change; `raised` and `donors` stay as credited."""
    uow = UnitOfWork(actor, ("update", "campaign", data.campaign_id))
    uow.update(
        Campaign(data.campaign_id),
        actions=[
            Campaign.names.set(data.names),
            Campaign.fund_id.set(data.fund_id),
            Campaign.goal.set(data.goal),
            Campaign.starts.set(data.starts),
            Campaign.ends.set(data.ends),
            Campaign.active.set(data.active),
        ],
        condition=Campaign.campaign_id.exists(),
        on_fail=lambda: UnknownCampaign(campaign=data.campaign_id),
    )
    uow.commit()


def as_form(campaign: Campaign) -> dict[str, str]:
    """A stored campaign as the edit form's values."""
    form = {"campaign_id": str(campaign.campaign_id), "fund_id": str(campaign.fund_id),
            "goal": str(int(campaign.goal) // 100), "starts": str(campaign.starts),
            "ends": str(campaign.ends), "active": "1" if campaign.active else ""}
    for lang in LANGS:
        form[f"name_{lang}"] = campaign.name(lang)
    return form
