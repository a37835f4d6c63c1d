"""The donor portal's use cases: sign in by a one-time link, the donor's
session, and what a donor sees and changes of their own giving.

A donor is an email address: whoever opens a link mailed there is its
donor. Nothing here says whether an address has given (the same answer, the
same mail), and every read or change of a donor's data is audit-logged under
a digest of the address (`donor_ref`), never the address itself.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import UTC, datetime
from typing import NamedTuple

from chalicelib.audit.service import Actor, record
from chalicelib.auth.ratelimit import check_and_hit
from chalicelib.config import env_int
from chalicelib.errors import N_, DomainError, ValidationFailed
from chalicelib.portal.models import DonorSession, SignInLink
from chalicelib.uow import UnitOfWork

LINKS_PER_EMAIL, LINKS_PER_ADDRESS, LINK_WINDOW = 5, 20, 3600  # per hour
EMAIL_MAX = 254


class LinkNotValid(DomainError):
    """Forged, expired or used before: the same answer for each."""

    code = "portal_link_not_valid"
    status = 400
    message = N_("This sign-in link cannot be used: it has expired, it was used "
                 "already, or it is not complete. Ask for a new one below.")


class PortalSettings(NamedTuple):
    link_minutes: int
    session_minutes: int


def portal_settings() -> PortalSettings:
    return PortalSettings(env_int("PORTAL_LINK_MINUTES", 20, minimum=1),
                          env_int("PORTAL_SESSION_MINUTES", 60, minimum=5))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def donor_ref(email: str) -> str:
    """The audit log's id of a donor: the same digest as the yearly totals'
    donor marker (donations/crediting.py), never the address."""
    return "donor#" + _digest(email.strip().casefold())[:32]


def donor_actor(email: str) -> Actor:
    return Actor(donor_ref(email), ("donor",))


def checked_email(raw: str) -> str:
    from chalicelib.donations.service import EMAIL

    email = (raw or "").strip().lower()
    if len(email) > EMAIL_MAX or not EMAIL.match(email):
        raise ValidationFailed({"email": N_("Enter a valid email address.")})
    return email


# --- signing in --------------------------------------------------------------

def request_link(raw_email: str, lang: str, client_ip: str) -> None:
    """Mail a one-time sign-in link to the address, whether or not it has
    given (TooManyRequests past a few an hour per address and per sender)."""
    email = checked_email(raw_email)
    check_and_hit(f"portal-link:{client_ip}", LINKS_PER_ADDRESS, LINK_WINDOW)
    check_and_hit(f"portal-link:{email}", LINKS_PER_EMAIL, LINK_WINDOW)
    token = secrets.token_urlsafe(32)
    ends = int(time.time()) + portal_settings().link_minutes * 60
    link = SignInLink(_digest(token), email=email, lang=lang, used=False,
                      expires_at=ends, expires=datetime.fromtimestamp(ends, UTC))
    link.save(condition=SignInLink.link_id.does_not_exist())
    _mail_link(email, lang, token)


def _mail_link(email: str, lang: str, token: str) -> None:
    from chalicelib.core.mail import send_email
    from chalicelib.donations.settings import donation_settings
    from chalicelib.web.i18n import translate

    settings = donation_settings()
    minutes = portal_settings().link_minutes
    body = "\n".join([
        translate(lang, N_("Here is your link to see and manage your gifts to "
                           "%(org)s:"), org=settings.organisation), "",
        f"{settings.public_base_url}/my/login?t={token}&lang={lang}", "",
        translate(lang, N_("The link works once, for %(minutes)s minutes."),
                  minutes=minutes),
        translate(lang, N_("If you did not ask for it, you can ignore this email."))])
    send_email(email, translate(lang, N_("Your sign-in link")), body,
               sender=settings.email_from)


def sign_in(token: str) -> tuple[str, str]:
    """Use a link once: the new session's cookie value and the donor's
    email. LinkNotValid (and nothing written) when it is not ours, expired
    or used; the link is marked used in the same transaction as the session."""
    if not token or len(token) > 100:
        raise LinkNotValid()
    now = int(time.time())
    try:
        link = SignInLink.get(_digest(token))
    except SignInLink.DoesNotExist:
        raise LinkNotValid() from None
    if link.used or int(link.expires_at) <= now:
        raise LinkNotValid()
    cookie = secrets.token_urlsafe(32)
    ends = now + portal_settings().session_minutes * 60
    session = DonorSession(_digest(cookie), email=str(link.email), expires_at=ends,
                           expires=datetime.fromtimestamp(ends, UTC))
    email = str(link.email)
    uow = UnitOfWork(donor_actor(email), ("login", "donor", donor_ref(email)))
    uow.update(link, actions=[SignInLink.used.set(True)],
               condition=(SignInLink.used == False) & (SignInLink.expires_at > now),  # noqa: E712
               on_fail=LinkNotValid)
    uow.save(session, condition=DonorSession.session_id.does_not_exist())
    uow.commit()
    return cookie, email


def donor_of(cookie: str) -> str | None:
    """The email of a signed-in donor's cookie, or None (unknown, ended)."""
    if not cookie or len(cookie) > 100:
        return None
    try:
        session = DonorSession.get(_digest(cookie))
    except DonorSession.DoesNotExist:
        return None
    return str(session.email) if int(session.expires_at) > time.time() else None


def sign_out(cookie: str) -> None:
    """End the session of this cookie (audited); nothing when there is none."""
    email = donor_of(cookie)
    if email is None:
        return
    uow = UnitOfWork(donor_actor(email), ("logout", "donor", donor_ref(email)))
    uow.delete(DonorSession(_digest(cookie)))
    uow.commit()


# --- what the donor sees -------------------------------------------------------

class GiftLine(NamedTuple):
    """One gift as the donor sees it (any channel)."""

    receipt: str  # the donation id (receipt number) or the gift's reference
    day: str  # YYYY-MM-DD
    amount: int  # øre paid
    refunded: int  # øre paid back
    channel: str  # stripe | vipps | bank (money.CHANNELS)
    monthly: bool
    fund_id: str
    thanks_name: str
    year: int  # the income year (the gift's day in Oslo)
    subscription: str = ""  # the monthly gift it belongs to (sub_... or mnd-...)

    @property
    def net(self) -> int:
        return self.amount - self.refunded


def donation_lines(email: str) -> list[GiftLine]:
    """The donor's credited card and Vipps gifts (no audit: callers do)."""
    from chalicelib.core.clock import oslo_date
    from chalicelib.donations.models import Donation
    from chalicelib.tax.totals import income_year

    lines = []
    for d in Donation.by_email.query(email):
        if not d.credited:
            continue
        moment = datetime.fromisoformat(str(d.credited_at).replace("Z", "+00:00"))
        day = oslo_date(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
        lines.append(GiftLine(
            str(d.donation_id), day.isoformat(), int(d.amount),
            int(d.refunded), str(d.channel), d.frequency == "monthly",
            str(d.fund_id), str(d.thanks_name or ""),
            income_year(str(d.credited_at)), str(d.subscription_id or "")))
    return lines


def _offline_lines(email: str) -> list[GiftLine]:
    from chalicelib.gifts.models import Gift

    return [GiftLine(str(g.reference), str(g.date), int(g.amount), 0,
                     str(g.channel), False, str(g.fund_id),
                     str(g.donor_name or "") if g.thank_by_name else "",
                     int(str(g.date)[:4]))
            for g in Gift.by_email.query(email)]


def gifts_of(email: str) -> list[GiftLine]:
    """Every gift recorded for this email, newest first: card and Vipps
    gifts, bank and other offline gifts (audit-logged as a read)."""
    record(donor_actor(email), "read", "donor", donor_ref(email))
    lines = donation_lines(email) + _offline_lines(email)
    return sorted(lines, key=lambda line: (line.day, line.receipt), reverse=True)
