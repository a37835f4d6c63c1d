"""The donor stops a monthly Vipps gift: `PATCH /recurring/v3/agreements/{id}`
`{"status": "STOPPED"}` (one Idempotency-Key per gift), then the gift ends
here (no charge is made after). Vipps away: the gift is left as it was and
the page says so; a gift ended already stays as it is.

The donor changes its amount: the same PATCH with `{"pricing": {"amount"}}`
(our agreements are LEGACY-priced, whose price can change), then the gift's
amount here, which the charges made from then on take."""

from __future__ import annotations

from chalicelib.donations.crediting import Retry, Write, transact
from chalicelib.donations.models import MonthlyGift
from chalicelib.errors import N_, Conflict, DomainError
from chalicelib.vipps import client, recurring_api, states
from chalicelib.vipps.agreements import ENDED, UnknownGift, load_gift, log
from chalicelib.vipps.settings import vipps_settings


class StopFailed(DomainError):
    code = "vipps_unavailable"
    status = 503
    message = N_("Vipps could not stop the monthly gift just now. Nothing has "
                 "changed; please try again in a moment.")


def stop_gift(reference: str, extra: list[Write] | None = None) -> MonthlyGift:
    """Stop the gift at Vipps and here; the gift after. `extra`: writes of
    the caller's own (the donor portal's change record and audit entry), in
    the transaction that ends the gift."""
    for _attempt in range(states.MAX_ATTEMPTS):
        gift = load_gift(reference)
        if gift is None:
            raise UnknownGift()
        if gift.status in ENDED:
            return gift
        if gift.agreement_id and not vipps_settings().test_flow:
            try:
                recurring_api.stop_agreement(str(gift.agreement_id),
                                             "stop-" + reference[4:])
            except client.VippsError as error:
                log.warning("Vipps did not stop %s: %s", reference, error.status)
                if error.status == 0 or error.status >= 500:
                    raise StopFailed() from None
                # 4xx: Vipps will not change it (stopped there already, or
                # never approved); we make no more charges either way
        try:
            states.end(gift, "stopped", extra)
        except (Retry, Conflict):
            continue
        return load_gift(reference) or gift
    raise Conflict()


class ChangeFailed(DomainError):
    code = "vipps_unavailable"
    status = 503
    message = N_("Vipps could not change the monthly gift just now. Nothing has "
                 "changed; please try again in a moment.")


class ChangeRefused(DomainError):
    code = "vipps_refused_change"
    status = 409
    message = N_("Vipps did not accept the new amount for this monthly gift. "
                 "Nothing has changed.")


def change_amount(reference: str, amount: int, key: str,
                  extra: list[Write] | None = None) -> MonthlyGift:
    """The gift's new monthly amount at Vipps, then here with `extra` (the
    portal's change record and audit entry) in one transaction. `key`: the
    change's Idempotency-Key (1-40 characters), the same when sent again."""
    for _attempt in range(states.MAX_ATTEMPTS):
        gift = load_gift(reference)
        if gift is None:
            raise UnknownGift()
        if gift.status in ENDED:
            raise ChangeRefused()
        if gift.agreement_id and not vipps_settings().test_flow:
            try:
                recurring_api.change_amount(str(gift.agreement_id), amount, key)
            except client.VippsError as error:
                log.warning("Vipps did not change %s: %s", reference, error.status)
                if error.status == 0 or error.status >= 500:
                    raise ChangeFailed() from None
                raise ChangeRefused() from None
        gift.amount = int(amount)
        try:
            transact([states.versioned(gift), *(extra or [])])
        except (Retry, Conflict):
            continue
        return gift
    raise Conflict()
