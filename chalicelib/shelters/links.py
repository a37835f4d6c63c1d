"""One-tap count confirmation: a signed, expiring link per shelter, mailed
to its contact email every evening (and on demand by a coordinator), opens a
small page where the shelter says how many places are free tonight, without
logging in. The link can do only that, for that shelter, and is used up by
the confirmation: one per shelter and Oslo day (a conditional write in the
same transaction as the counts and the audit entry)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from chalicelib.audit.service import SYSTEM, Actor, record
from chalicelib.config import env_int
from chalicelib.core import signing
from chalicelib.core.clock import OSLO, oslo_date
from chalicelib.errors import N_, DomainError, ValidationFailed
from chalicelib.shelters import registry, rules
from chalicelib.shelters.models import CountLinkUse, Shelter, ShelterSecret
from chalicelib.shelters.service import get_shelter
from chalicelib.uow import UnitOfWork

log = logging.getLogger("ngo")
PURPOSE = "shelter-count"
EVENING_HOUR = 18  # Oslo time


class LinkNotValid(DomainError):
    """Forged, expired or used: one friendly answer for each."""

    code = "count_link_not_valid"
    status = 400
    message = N_("This link cannot be used: it has expired, tonight's places "
                 "were already confirmed with it, or it is not complete. Nothing "
                 "was changed. Tomorrow evening's email brings a new link, or "
                 "call the help centre.")


class NoContactEmail(DomainError):
    code = "no_contact_email"
    status = 409
    message = N_("%(shelter)s has no contact email: add one to send the link.")


class Link(NamedTuple):
    shelter_id: str
    day: str  # the Oslo day ("tonight") the link was made for
    expires_at: int


def link_hours() -> int:
    """SHELTER_LINK_HOURS (default 12): how long a mailed link works."""
    return env_int("SHELTER_LINK_HOURS", 12, minimum=1)


def make_token(shelter_id: str, now: datetime | None = None) -> str:
    moment = now or datetime.now(UTC)
    ends = int(moment.timestamp()) + link_hours() * 3600
    day = oslo_date(moment).isoformat()
    return signing.sign(PURPOSE, {"s": shelter_id, "d": day}, ends)


def read_token(token: str, now: datetime | None = None) -> Link:
    """The link a token is; LinkNotValid when forged or expired."""
    moment = (now or datetime.now(UTC)).timestamp()
    data = signing.read(PURPOSE, token, moment)
    if data is None or not isinstance(data.get("s"), str) \
            or not isinstance(data.get("d"), str):
        log.info("count link refused: forged or expired")
        raise LinkNotValid()
    return Link(data["s"], data["d"], int(data["exp"]))


def _used(link: Link) -> bool:
    try:
        CountLinkUse.get(link.shelter_id, link.day, consistent_read=True)
    except CountLinkUse.DoesNotExist:
        return False
    return True


def open_link(token: str, now: datetime | None = None) -> tuple[Link, Shelter]:
    """The shelter of a link still usable; LinkNotValid otherwise."""
    link = read_token(token, now)
    if _used(link):
        log.info("count link refused: used")
        raise LinkNotValid()
    try:
        return link, Shelter.get(link.shelter_id)
    except Shelter.DoesNotExist:
        raise LinkNotValid() from None


def link_actor(shelter_id: str) -> Actor:
    return Actor(f"count-link#{shelter_id}", ("count_link",))


def parse_free(data: dict[str, Any]) -> int:
    raw = str(data.get("free") or "").strip()
    if not raw.isdigit() or int(raw) > 500:
        raise ValidationFailed(fields={"free": rules.BAD_NUMBER})
    return int(raw)


def confirm(token: str, free: int, now: datetime | None = None) -> Shelter:
    """Confirm `free` places tonight with a link: the counts, the link's use
    (only if this shelter's link of that day is unused) and the audit entry
    in one transaction. LinkNotValid (nothing written) for a forged, expired
    or used link; FreeAbovePlaces/FreeAboveUnoccupied (nothing written)."""
    link, _shelter = open_link(token, now)
    moment = now or datetime.now(UTC)

    def use(uow: UnitOfWork, shelter: Shelter) -> None:
        item = CountLinkUse(link.shelter_id, link.day, used_at=moment, free=free,
                            expires=moment + timedelta(days=90))
        uow.save(item, condition=CountLinkUse.shelter_id.does_not_exist(),
                 on_fail=LinkNotValid)

    return registry.confirm_free(link.shelter_id, free, link_actor(link.shelter_id),
                                 use, moment)


# --- sending -------------------------------------------------------------------
def _mail(shelter: Shelter, email: str, token: str) -> None:
    from chalicelib.core.mail import send_email
    from chalicelib.donations.settings import donation_settings
    from chalicelib.web.i18n import translate

    settings, lang = donation_settings(), "nb"
    url = f"{settings.public_base_url}/shelter-count?t={token}"
    lines = [translate(lang, N_("How many places are free tonight at %(shelter)s? "
                                "One tap tells the help centre:"),
                       shelter=shelter.name), "",
             f"{url}&lang=nb", "",
             "How many places are free tonight? (English)", f"{url}&lang=en",
             "¿Cuántas plazas quedan libres esta noche? (español)", f"{url}&lang=es",
             "",
             translate(lang, N_("The link works once, for %(hours)s hours. Do not "
                                "forward it."), hours=link_hours())]
    send_email(email, translate(lang, N_("Free places tonight: %(shelter)s"),
                                shelter=shelter.name), "\n".join(lines),
               sender=settings.email_from)


def send_link(shelter_id: str, actor: Actor, now: datetime | None = None) -> None:
    """Mail a shelter its link now (a coordinator, or the evening job),
    audited as `send count_link`; NoContactEmail when it has none."""
    shelter = get_shelter(shelter_id)
    secret = _secret(shelter_id)
    if secret is None or not secret.email:
        raise NoContactEmail(shelter=shelter.name)
    _mail(shelter, str(secret.email), make_token(shelter_id, now))
    record(actor, "send", "count_link", shelter_id)


def _secret(shelter_id: str) -> ShelterSecret | None:
    try:
        return ShelterSecret.get(shelter_id)
    except ShelterSecret.DoesNotExist:
        return None


def evening_links(now: datetime | None = None) -> dict[str, Any]:
    """Every shelter with a contact email gets tonight's link (the job's
    work); figures only in the result."""
    sent = skipped = 0
    for shelter in registry.list_shelters():
        try:
            send_link(shelter.shelter_id, SYSTEM, now)
            sent += 1
        except NoContactEmail:
            skipped += 1
    return {"sent": sent, "without_email": skipped}


def scheduled_run(now: datetime | None = None) -> str:
    """The job runs at 16:00 and 17:00 UTC; only the run that falls at 18:00
    in Oslo (winter or summer time) sends, once per Oslo day."""
    from chalicelib.core.jobs import run_once

    moment = now or datetime.now(UTC)
    if moment.astimezone(OSLO).hour != EVENING_HOUR:
        return "not-evening"
    day = oslo_date(moment).isoformat()
    return run_once("shelter-count-links", day,
                    lambda: evening_links(moment), moment).status


