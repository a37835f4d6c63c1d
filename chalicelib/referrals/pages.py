"""Referral pages: the coordinator sends a referral from the bed search and
follows its answers; a partner answers its own shelter's offers from
/partner (chalicelib/partners/routes.py draws them). Plain forms through the
shared form mechanism (chalicelib/web/forms.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib import idempotency
from chalicelib.auth.roles import STAFF_ROLES
from chalicelib.core.vocabulary import LANGUAGES
from chalicelib.errors import N_, ValidationFailed
from chalicelib.referrals import rules, service
from chalicelib.referrals.blueprint import COORD, PARTNER, bp
from chalicelib.referrals.models import Referral
from chalicelib.shelters import search
from chalicelib.shelters.models import Shelter
from chalicelib.web.routing import page


def _options(ctx) -> dict[str, Any]:
    return {"urgencies": [(code, ctx.gettext(label))
                          for code, label in rules.URGENCIES.items()],
            "genders": [(code, ctx.gettext(label))
                        for code, label in rules.GENDER_NAMES.items()],
            "language_options": [("", ctx.gettext(N_("No particular language")))] + [
                (code, ctx.gettext(label)) for code, label in LANGUAGES.items()]}


def _candidates(query: dict[str, str]) -> list[dict[str, Any]]:
    """The shelters the bed search finds for the board's filters (all of
    them when the filters cannot be read)."""
    try:
        need = search.parse_need(query)
    except ValidationFailed:
        need = search.rules.Need()
    return search.find_beds(need)


@page(bp, "/staff/referrals/new", methods=["GET", "POST"], roles=COORD, form=True)
def new_referral(ctx):
    if ctx.method == "POST":
        form, chosen = ctx.form(), ctx.form_lists().get("shelters", [])
        data = {**idempotency.business_fields(form, "request_key"),
                "shelters": sorted(chosen)}
        idem = idempotency.from_form(ctx, form, service.SEND, data,
                                     field="request_key")
        referral = service.send_referral(form.get("client_code"),
                                         rules.parse_needs(form), chosen,
                                         ctx.user.actor, idem)
        return ctx.redirect(f"/staff/referrals/{referral.referral_id}",
                            flash=N_("The referral was sent."))
    query = ctx.query
    return ctx.render("referrals/new.html", query=query,
                      shelters_options=[(row["shelter_id"], _label(ctx, row))
                                        for row in _candidates(query)],
                      chosen=[s for s in query.get("shelter", "").split(",") if s],
                      request_key=idempotency.new_nonce(), **_options(ctx))


def _label(ctx, row: dict[str, Any]) -> str:
    if row["free"] is None:
        counts = ctx.gettext(N_("free beds unknown"))
    else:
        counts = ctx.gettext(N_("%(free)s free"), free=row["free"])
    return f"{row['name']} ({counts})"


def _names(ids: list[str]) -> dict[str, str]:
    return {s.shelter_id: s.name for s in Shelter.batch_get(ids)} if ids else {}


@page(bp, "/staff/referrals/{referral_id}", roles=COORD)
def referral(ctx, referral_id):
    found, offers = service.coordinator_view(referral_id, ctx.user.actor)
    return ctx.render("referrals/detail.html", referral=found, offers=offers,
                      names=_names([o.shelter_id for o in offers]),
                      escalated=_escalated(found), reasons=rules.DECLINE_REASONS,
                      urgencies=rules.URGENCIES, genders=rules.GENDER_NAMES)


def _escalated(referral: Referral) -> bool:
    return referral.escalated_at is not None or rules.is_escalated(
        referral.status, referral.created_at, datetime.now(UTC))


@page(bp, "/staff/referrals", roles=COORD)
def referrals(ctx):
    rows = service.recent_referrals(ctx.user.actor)
    return ctx.render("referrals/list.html", rows=rows,
                      escalated={r.referral_id for r in rows if _escalated(r)},
                      urgencies=rules.URGENCIES)


# --- partners -----------------------------------------------------------------
PARTNER_PAGE = "/partner/shelters/{shelter_id}"


@page(bp, "/partner/shelters/{shelter_id}/referrals/{referral_id}/accept",
      methods=["POST"], roles=PARTNER, form=PARTNER_PAGE)
def accept(ctx, shelter_id, referral_id):
    service.accept(ctx.user, shelter_id, referral_id)
    return ctx.redirect(f"/partner/shelters/{shelter_id}", flash=N_(
        "Accepted: the bed is held for this person for 12 hours. "
        "The help centre will call you."))


@page(bp, "/partner/shelters/{shelter_id}/referrals/{referral_id}/decline",
      methods=["POST"], roles=PARTNER, form=PARTNER_PAGE)
def decline(ctx, shelter_id, referral_id):
    service.decline(ctx.user, shelter_id, referral_id, ctx.form().get("reason"))
    return ctx.redirect(f"/partner/shelters/{shelter_id}",
                        flash=N_("Declined. The help centre sees your reason."))


@page(bp, "/staff/referrals/stats", roles=STAFF_ROLES)
def stats(ctx):
    from chalicelib.referrals.stats import monthly, published
    from chalicelib.shelters.pages import year_of
    from chalicelib.shelters.rules import SHELTER_TYPES

    year = year_of(ctx)
    data = monthly(year)
    return ctx.render("referrals/stats.html", year=year, data=data,
                      public=published(year, data), reasons=rules.DECLINE_REASONS,
                      types=SHELTER_TYPES,
                      months=[f"{year}-{m:02d}" for m in range(1, 13)])
