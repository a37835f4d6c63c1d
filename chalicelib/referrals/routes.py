"""Referrals over HTTP (JSON API): coordinators send and follow them,
partner shelters answer the ones sent to their own shelter."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib import idempotency
from chalicelib.auth.roles import STAFF_ROLES
from chalicelib.referrals import pages, rules, service  # noqa: F401 - pages: routes
from chalicelib.referrals.blueprint import COORD, PARTNER, bp
from chalicelib.referrals.models import Offer, Referral
from chalicelib.shelters.rules import GENDERS
from chalicelib.web.routing import api
from chalicelib.web.schema import (
    BOOL,
    CLIENT_CODE,
    DATETIME,
    ID,
    array,
    either,
    integer,
    nullable,
    obj,
    one_of,
    text,
)

FLAG = either("boolean", "string", maxLength=5)
NEEDS = {"gender": one_of(*GENDERS), "children": either("integer", "string",
                                                        maxLength=2),
         "language": text(8), "wheelchair": FLAG, "asylum": FLAG,
         "urgency": one_of(*rules.URGENCIES)}
NEEDS_ANSWER = obj({"gender": text(), "children": integer(),
                    "language": nullable(text()), "wheelchair": BOOL,
                    "asylum": BOOL, "urgency": text()})
SEND_BODY = obj({"client_code": CLIENT_CODE, **NEEDS,
                 "shelters": array(ID, rules.MAX_SHELTERS),
                 "request_key": text(255)},
                required=("client_code", "gender", "urgency", "shelters"))
ANSWER = obj({"shelter_id": ID, "status": text(), "answered_at": nullable(DATETIME),
              "reason": nullable(text())})
REFERRAL = obj({"referral_id": ID, "client_code": text(32), "status": text(),
                "escalated": BOOL, "created_at": DATETIME, "needs": NEEDS_ANSWER,
                "placed_shelter": nullable(ID), "placed_at": nullable(DATETIME),
                "hold_id": nullable(ID), "answers": array(ANSWER, 100)})
OFFER = obj({"referral_id": ID, "status": text(), "sent_at": DATETIME,
             "answered_at": nullable(DATETIME), "reason": nullable(text()),
             "needs": NEEDS_ANSWER})
DECLINE_BODY = obj({"reason": one_of(*rules.DECLINE_REASONS)}, required=("reason",))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def needs_json(item: Referral | Offer) -> dict[str, Any]:
    return {"gender": item.gender, "children": int(item.children or 0),
            "language": item.language, "wheelchair": bool(item.wheelchair),
            "asylum": bool(item.asylum), "urgency": item.urgency}


def referral_json(referral: Referral, offers: list[Offer]) -> dict[str, Any]:
    return {
        "referral_id": referral.referral_id, "client_code": referral.client_code,
        "status": referral.status,
        "escalated": rules.is_escalated(referral.status, referral.created_at,
                                        datetime.now(UTC)),
        "created_at": _iso(referral.created_at), "needs": needs_json(referral),
        "placed_shelter": referral.placed_shelter,
        "placed_at": _iso(referral.placed_at), "hold_id": referral.hold_id,
        "answers": [{"shelter_id": o.shelter_id, "status": o.status,
                     "answered_at": _iso(o.answered_at), "reason": o.reason}
                    for o in offers]}


def offer_json(offer: Offer) -> dict[str, Any]:
    """What a partner sees: the needs, its own answer; no client code."""
    return {"referral_id": offer.referral_id, "status": offer.status,
            "sent_at": _iso(offer.sent_at), "answered_at": _iso(offer.answered_at),
            "reason": offer.reason, "needs": needs_json(offer)}


@api(bp, "/api/referrals", methods=["POST"], roles=COORD, body=SEND_BODY,
     answer=REFERRAL, status=201)
def send(ctx):
    body = ctx.json()
    idem = idempotency.from_api(ctx, service.SEND, body, body_field="request_key")
    referral = service.send_referral(
        body.get("client_code"), rules.parse_needs(body),
        [str(s) for s in body.get("shelters") or []], ctx.user.actor, idem)
    return ctx.json_response(
        referral_json(*service.coordinator_view(referral.referral_id,
                                                ctx.user.actor)), status=201)


@api(bp, "/api/referrals/{referral_id}", roles=COORD, answer=REFERRAL)
def referral(ctx, referral_id):
    return ctx.json_response(
        referral_json(*service.coordinator_view(referral_id, ctx.user.actor)))


@api(bp, "/api/partner/shelters/{shelter_id}/referrals", roles=PARTNER,
     answer=obj({"referrals": array(OFFER, 100)}))
def partner_referrals(ctx, shelter_id):
    offers = service.partner_offers(ctx.user, shelter_id)
    return ctx.json_response({"referrals": [offer_json(o) for o in offers]})


@api(bp, "/api/partner/shelters/{shelter_id}/referrals/{referral_id}/accept",
     methods=["POST"], roles=PARTNER,
     answer=obj({"referral_id": ID, "status": text(), "hold_id": ID,
                 "expires_at": DATETIME}))
def accept(ctx, shelter_id, referral_id):
    placed = service.accept(ctx.user, shelter_id, referral_id)
    hold = service.hold_of(placed)
    return ctx.json_response({
        "referral_id": referral_id, "status": "accepted",
        "hold_id": placed.hold_id, "expires_at": _iso(hold.expires_at if hold
                                                       else None)})


@api(bp, "/api/partner/shelters/{shelter_id}/referrals/{referral_id}/decline",
     methods=["POST"], roles=PARTNER, body=DECLINE_BODY, answer=OFFER)
def decline(ctx, shelter_id, referral_id):
    body = ctx.json()
    offer = service.decline(ctx.user, shelter_id, referral_id, body.get("reason"))
    return ctx.json_response(offer_json(offer))


NUMBER = nullable(integer())
TABLE = obj({"rows": {"type": "object"}, "total": NUMBER})


@api(bp, "/api/referrals/stats", roles=STAFF_ROLES,
     query={"year": text(4, pattern="^[0-9]{4}$")},
     answer=obj({"year": integer(), "small_count": integer(), "sent": NUMBER,
                 "placed": NUMBER, "unplaced": NUMBER,
                 "average_minutes_to_placement": NUMBER, "declined": TABLE,
                 "declined_type": TABLE, "placed_type": TABLE}))
def stats(ctx):
    """The year's figures as published: small counts hidden (null)."""
    from chalicelib.referrals.stats import published
    from chalicelib.shelters.pages import year_of

    return ctx.json_response(published(year_of(ctx)))
