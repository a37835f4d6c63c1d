"""Receipts to donors, sent through the platform's mail service."""

from __future__ import annotations

import logging

from chalicelib.core.clock import oslo_day
from chalicelib.core.mail import send_email
from chalicelib.donations.models import Donation
from chalicelib.donations.settings import donation_settings
from chalicelib.errors import N_
from chalicelib.money import format_nok
from chalicelib.web.i18n import translate

log = logging.getLogger("ngo.donations")


def receipt_message(donation: Donation) -> tuple[str, str]:
    """The receipt's subject and text in the donor's language: amount, date,
    organisation, how to get the tax deduction, the donor portal."""
    settings, lang = donation_settings(), str(donation.lang or "nb")
    subject = translate(lang, N_("Thank you for your gift"))
    lines = [
        translate(lang, N_("Thank you for your gift of %(amount)s to %(org)s."),
                  amount=format_nok(int(donation.amount)), org=settings.organisation),
        translate(lang, N_("Date: %(date)s"), date=oslo_day(donation.credited_at)),
        translate(lang, N_("Receipt number: %(id)s"), id=str(donation.donation_id)),
        translate(lang, N_("Paid by: %(method)s"),
                  method="Vipps" if donation.channel == "vipps"
                  else translate(lang, N_("card"))),
        *_monthly_vipps_lines(donation, lang),
        "",
        translate(lang, N_(
            "Gifts of at least 500 kroner in a year can give a tax deduction. "
            "To get it, send us your request on this page and we report your "
            "gifts to the Tax Administration once a year (never send your "
            "national identity number by email):")),
        _request_link(donation, settings.public_base_url, lang),
        "",
        translate(lang, N_("See all your gifts, download a yearly statement or "
                           "change a monthly gift on your page (we mail you a "
                           "sign-in link):")),
        f"{settings.public_base_url}/my?lang={lang}",
    ]
    return subject, "\n".join(lines)


def _monthly_vipps_lines(donation: Donation, lang: str) -> list[str]:
    """A monthly Vipps gift's receipt says how to stop it."""
    if donation.channel != "vipps" or donation.frequency != "monthly" or not (
            donation.subscription_id):
        return []
    from chalicelib.vipps.agreements import manage_url

    return ["", translate(lang, N_(
        "This is a monthly gift by Vipps. You can stop it at any time, in the "
        "Vipps app under your agreements or on this page:")),
        manage_url(str(donation.subscription_id), lang)]


def _request_link(donation: Donation, base: str, lang: str) -> str:
    from chalicelib.tax.links import request_url

    if not donation.email:
        return f"{base}/tax-deduction?lang={lang}"
    return request_url(base, str(donation.email), lang)


def send_receipt(donation: Donation) -> None:
    """Send the receipt; a failure is logged, never undoes the credit."""
    if not donation.email:
        return
    try:
        subject, body = receipt_message(donation)
        send_email(str(donation.email), subject, body,
                   sender=donation_settings().email_from)
    except Exception:  # noqa: BLE001 - the gift is credited either way
        # The mail service has counted it (MailFailed); this says which gift.
        log.error("receipt for %s was not sent; the donor has none",
                  donation.donation_id)
