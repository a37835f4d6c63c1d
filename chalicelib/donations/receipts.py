"""Receipts to donors: an email sender for prod (SES) and one for local
stages that writes each message to an outbox folder."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

from chalicelib.donations.models import Donation
from chalicelib.donations.settings import donation_settings
from chalicelib.errors import N_
from chalicelib.money import format_nok
from chalicelib.web.i18n import translate

log = logging.getLogger("ngo.donations")


class EmailSender(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class OutboxSender:
    """Writes `<n>.eml` files to a folder (local stages, tests)."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = str(message["X-Receipt-Id"] or "message").replace("/", "_")
        (self.folder / f"{name}.eml").write_bytes(bytes(message))


class SesSender:
    """Amazon SES (prod); the client is created on first use."""

    def __init__(self) -> None:
        self._client: Any = None

    def send(self, message: EmailMessage) -> None:
        if self._client is None:
            import boto3

            self._client = boto3.client("ses")
        self._client.send_raw_email(RawMessage={"Data": bytes(message)})


_SENDER: EmailSender | None = None


def get_sender() -> EmailSender:
    global _SENDER
    if _SENDER is None:
        settings = donation_settings()
        _SENDER = (SesSender() if settings.email_sender == "ses"
                   else OutboxSender(settings.email_outbox_dir))
    return _SENDER


def receipt_message(donation: Donation) -> EmailMessage:
    """The receipt in the donor's language: amount, date, organisation, tax."""
    settings, lang = donation_settings(), str(donation.lang or "nb")
    message = EmailMessage()
    message["Subject"] = translate(lang, N_("Thank you for your gift"))
    message["From"] = settings.email_from
    message["To"] = str(donation.email)
    message["X-Receipt-Id"] = str(donation.donation_id)
    lines = [
        translate(lang, N_("Thank you for your gift of %(amount)s to %(org)s."),
                  amount=format_nok(int(donation.amount)), org=settings.organisation),
        translate(lang, N_("Date: %(date)s"), date=str(donation.credited_at)[:10]),
        translate(lang, N_("Receipt number: %(id)s"), id=str(donation.donation_id)),
        "",
        translate(lang, N_(
            "Gifts of at least 500 kroner in a year can give a tax deduction. "
            "To claim it, send us your national identity number and we report "
            "your gifts to the Tax Administration once a year.")),
    ]
    message.set_content("\n".join(lines))
    return message


def send_receipt(donation: Donation) -> None:
    """Send the receipt; a failure is logged, never undoes the credit."""
    if not donation.email:
        return
    try:
        get_sender().send(receipt_message(donation))
    except Exception:  # noqa: BLE001 - the gift is credited either way
        log.warning("receipt for %s was not sent", donation.donation_id)
