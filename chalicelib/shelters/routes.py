"""Shelter beds over HTTP: the JSON API and the coordinator's board.

Who sees what: coordinators and admins see everything, the address only on a
shelter's own page; `staff` see counts and criteria; finance and volunteers
see nothing of shelters but the bed-night statistics (finance)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib import idempotency
from chalicelib.auth.roles import STAFF_ROLES
from chalicelib.shelters import (  # noqa: F401 - link_pages, pages: their routes
    link_pages,
    pages,
    registry,
    rules,
    search,
    service,
)
from chalicelib.shelters.blueprint import BOARD, COORD, bp
from chalicelib.shelters.models import Hold, Stay
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

WHOLE = either("integer", "string", maxLength=6)
FLAG = either("boolean", "string", maxLength=5)
ROW = obj({"shelter_id": ID, "name": text(), "organisation": nullable(text()),
           "type": text(), "region": text(), "region_name": text(),
           "region_outdated": BOOL, "municipality": nullable(text()),
           "total": integer(), "occupied": integer(), "held": integer(),
           "free": nullable(integer()), "last_free": integer(),
           "confirmed_at": nullable(DATETIME), "stale": BOOL,
           "children_max": integer(), "wheelchair": nullable(BOOL),
           "asylum": nullable(BOOL), "languages": array(text()),
           "accepts": array(text()), "max_stay_days": nullable(integer())})
SHELTER_BODY = obj({
    **{name: text(500) for name in registry.TEXT_FIELDS},
    **{name: FLAG for name in registry.FLAG_FIELDS},
    "kind": one_of(*rules.SHELTER_TYPES), "children_max": WHOLE,
    "max_stay_days": WHOLE,
    "languages": either("array", "string", items=text(8), maxLength=200),
    "address": text(500), "contact": text(500), "email": text(254),
    "total": WHOLE, "occupied": WHOLE,
}, required=("name", "region", "kind", "total"))
COUNTS_BODY = obj({"total": WHOLE, "occupied": WHOLE}, required=("total",))
HOLD_BODY = obj({"client_code": CLIENT_CODE, "hours": WHOLE, "request_key": text(255)},
                required=("client_code",))
HOLD = obj({"hold_id": ID, "shelter_id": ID, "client_code": text(32),
            "status": text(), "expires_at": DATETIME})
STAY = obj({"stay_id": ID, "shelter_id": ID, "client_code": text(32),
            "hold_id": nullable(text()), "started_at": DATETIME,
            "ended_at": nullable(DATETIME), "nights": nullable(integer())})


def hold_json(hold: Hold) -> dict[str, Any]:
    return {"hold_id": hold.hold_id, "shelter_id": hold.shelter_id,
            "client_code": hold.client_code, "status": service.hold_state(hold),
            "expires_at": hold.expires_at.isoformat()}


def stay_json(stay: Stay) -> dict[str, Any]:
    return {"stay_id": stay.stay_id, "shelter_id": stay.shelter_id,
            "client_code": stay.client_code, "hold_id": stay.hold_id,
            "started_at": stay.started_at.isoformat(),
            "ended_at": stay.ended_at.isoformat() if stay.ended_at else None,
            "nights": int(stay.nights) if stay.nights is not None else None}


# --- JSON API -----------------------------------------------------------------
@api(bp, "/api/shelters/availability", roles=BOARD,
     query={"region": text(64), "gender": one_of("woman", "man", "trans"),
            "children": text(2, pattern="^[0-9]+$"), "wheelchair": text(5),
            "language": text(8)},
     answer=obj({"results": array(ROW, 10000)}))
def availability(ctx):
    results = search.find_beds(search.parse_need(ctx.query))
    return ctx.json_response({"results": results})


@api(bp, "/api/shelters/summary", roles=BOARD, answer={"type": "object"})
def summary(ctx):
    return ctx.json_response(search.beds_tonight_summary())


@api(bp, "/api/shelters/stats", roles=STAFF_ROLES,
     query={"year": text(4, pattern="^[0-9]{4}$")},
     answer=obj({"year": integer(), "by_shelter": {"type": "object"},
                 "by_type": {"type": "object"}}))
def stats(ctx):
    return ctx.json_response(search.bed_nights(pages.year_of(ctx)))


@api(bp, "/api/shelters", methods=["POST"], roles=COORD, body=SHELTER_BODY,
     answer=obj({"shelter_id": ID}), status=201)
def create(ctx):
    body = ctx.json()
    fields = registry.parse_shelter(body)
    total = registry.parse_counts(body)[0]
    idem = idempotency.from_api(ctx, registry.REGISTER, body)
    shelter = registry.create_shelter(fields, registry.parse_secret(body), total,
                                      ctx.user.actor, idem=idem)
    return ctx.json_response({"shelter_id": shelter.shelter_id}, status=201)


@api(bp, "/api/shelters/{shelter_id}", roles=COORD,
     answer={**ROW, "properties": {**ROW["properties"], "address": text(),
                                   "contact": text()}})
def details(ctx, shelter_id):
    row = search.availability_row(service.get_shelter(shelter_id), datetime.now(UTC))
    secret = registry.confidential(shelter_id, ctx.user.actor)
    return ctx.json_response({**row, "address": secret.address,
                              "contact": secret.contact})


@api(bp, "/api/shelters/{shelter_id}/counts", methods=["POST"], roles=COORD,
     body=COUNTS_BODY, answer=ROW)
def confirm(ctx, shelter_id):
    total, occupied = registry.parse_counts(ctx.json())
    registry.confirm_counts(shelter_id, total, occupied, ctx.user.actor)
    row = search.availability_row(service.get_shelter(shelter_id), datetime.now(UTC))
    return ctx.json_response(row)


@api(bp, "/api/shelters/{shelter_id}/holds", methods=["POST"], roles=COORD,
     body=HOLD_BODY, answer=HOLD, status=201)
def hold(ctx, shelter_id):
    body = ctx.json()
    placed = service.place_hold(
        shelter_id, service.validate_client_code(body.get("client_code")),
        service.validate_hours(body.get("hours")), ctx.user.actor,
        request_key=ctx.header(idempotency.HEADER).strip() or body.get("request_key"))
    return ctx.json_response(hold_json(placed), status=201)


@api(bp, "/api/holds/{hold_id}", methods=["DELETE"], roles=COORD, answer=HOLD)
def release(ctx, hold_id):
    return ctx.json_response(hold_json(service.release_hold(hold_id, ctx.user.actor)))


@api(bp, "/api/holds/{hold_id}/checkin", methods=["POST"], roles=COORD, answer=STAY,
     status=201)
def checkin(ctx, hold_id):
    stay = service.check_in(hold_id, ctx.user.actor)
    return ctx.json_response(stay_json(stay), status=201)


@api(bp, "/api/stays/{stay_id}/checkout", methods=["POST"], roles=COORD,
     answer=STAY)
def checkout(ctx, stay_id):
    return ctx.json_response(stay_json(service.check_out(stay_id, ctx.user.actor)))


@api(bp, "/api/clients/{client_code}/stays", roles=COORD,
     answer=obj({"client_code": text(32), "stays": array(STAY, 10000)}))
def client_stays(ctx, client_code):
    stays = service.client_history(client_code, ctx.user.actor)
    return ctx.json_response({"client_code": client_code.upper(),
                              "stays": [stay_json(s) for s in stays]})


__all__ = ["bp", "pages"]  # pages registers the HTML views on the same bp
