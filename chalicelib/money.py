"""Money is an integer number of øre plus a currency code; never a float."""

from __future__ import annotations

import re

from chalicelib.errors import N_, ValidationFailed

CURRENCY = "NOK"
# How money (or a gift in kind) came in, as pages name it (the `channel` filter).
CHANNELS = {
    "stripe": N_("Card (Stripe)"),
    "vipps": N_("Vipps"),
    "bank": N_("Bank transfer"),
    "in_kind": N_("In kind"),
}
_AMOUNT = re.compile(r"^\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*$")


def format_nok(ore: int | None) -> str:
    """Øre as NOK with non-breaking thousands separators: 1 234,50 kr."""
    if ore is None:
        return ""
    sign = "-" if ore < 0 else ""
    kroner, rest = divmod(abs(int(ore)), 100)
    whole = f"{kroner:,}".replace(",", "\u00a0")
    return f"{sign}{whole},{rest:02d}\u00a0kr"


def kroner_text(ore: int) -> str:
    """Øre as a form field shows kroner: "500", "500,50" (what
    `kroner_field` reads back)."""
    kroner, rest = divmod(int(ore), 100)
    return f"{kroner}" if not rest else f"{kroner},{rest:02d}"


def format_money(minor: int | None, currency: str | None) -> str:
    """An amount in a currency's minor units (øre, cents), NOK as kroner."""
    if minor is None:
        return ""
    code = (currency or "NOK").upper()
    text = format_nok(minor)
    return text if code == "NOK" else text.removesuffix("\u00a0kr") + "\u00a0" + code


def parse_nok(text: str) -> int | None:
    """'1234', '1234,5' or '1234.50' NOK as øre; None when it is not an amount."""
    match = _AMOUNT.match(text or "")
    if not match:
        return None
    kroner, fraction = match.groups()
    return int(kroner) * 100 + int((fraction or "0").ljust(2, "0"))


def kroner_field(text: str | None, field: str = "amount") -> int:
    """A positive amount typed into a form in kroner ("100", "100,50",
    "1 000.5"), as øre. Anything else is refused naming `field`, in kroner
    words: forms never speak of øre."""
    amount = parse_nok((text or "").replace(" ", "").replace("\u00a0", ""))
    if not amount or amount <= 0:
        raise ValidationFailed(
            {field: N_("Give the amount in kroner, for example 100 or 100,50.")})
    return amount

