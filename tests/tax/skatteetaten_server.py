"""A local HTTP server (pytest-httpserver) standing in for Maskinporten and
the RF-1310 API: tax/standin.py's checks behind real HTTP, with the
organisation's key made for the test."""
from __future__ import annotations

import json
import re

import pytest
from werkzeug import Response

from chalicelib.audit.service import SYSTEM
from chalicelib.core.clock import oslo_date
from chalicelib.tax import identifiers, maskinporten, requests
from chalicelib.tax.models import TaxTotal
from chalicelib.tax.settings import tax_settings
from chalicelib.tax.standin import StandIn, private_key_pem, public_key_pem
from chalicelib.uow import UnitOfWork

CLIENT_ID = "test-maskinporten-client"
YEAR = oslo_date().year - 1


def _clear():
    tax_settings.cache_clear()
    maskinporten.forget()


@pytest.fixture
def skatteetaten(httpserver, monkeypatch):
    """The server's StandIn (its `deliveries`, `grants`, `rejects`)."""
    base = httpserver.url_for("").rstrip("/")
    monkeypatch.setenv("TAX_API_BASE", base)
    monkeypatch.setenv("TAX_MASKINPORTEN_URL", base)
    monkeypatch.setenv("TAX_MASKINPORTEN_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("TAX_MASKINPORTEN_KEY", private_key_pem())
    _clear()
    stand_in = StandIn(public_key_pem(), base, CLIENT_ID)
    stand_in.down = False  # True: every call answers 503
    stand_in.lose_answers = 0  # deliveries handled whose answer is then lost

    def answer(request):
        if stand_in.down:
            return Response("", status=503)
        status, body = stand_in.handle(request.method, request.path,
                                       dict(request.headers), request.get_data())
        if stand_in.lose_answers and request.path.startswith("/v1/"):
            stand_in.lose_answers -= 1
            return Response("", status=504)  # handled, but no answer came back
        return Response(json.dumps(body), status=status,
                        content_type="application/json")

    httpserver.expect_request(re.compile(".*")).respond_with_handler(answer)
    yield stand_in
    _clear()


def person_numbers(count: int) -> list[str]:
    """`count` different valid fødselsnumre (born 1950-1999)."""
    found = []
    for serial in range(count * 20):
        day, month = 1 + serial % 28, 1 + (serial // 28) % 12
        year, individual = 50 + (serial // 336) % 50, (serial // 16800) % 500
        base = f"{day:02d}{month:02d}{year:02d}{individual:03d}"
        first = identifiers._check_digit(base, identifiers._K1)
        second = None if first is None else identifiers._check_digit(
            base + str(first), identifiers._K2)
        if second is not None:
            found.append(f"{base}{first}{second}")
            if len(found) == count:
                return found
    raise ValueError(count)


def donor(email: str, given: int, number: str, name: str = "Kari Nordmann",
          refunded: int = 0, year: int = YEAR, kind: str = "person") -> str:
    """A unit with a request and a kept total (øre); its unit key."""
    if number:
        requests.submit(requests.Deduction(email, year, kind, name, number))
    gift_total(email, given, refunded, year)
    return requests.unit_key(year, email)


def gift_total(email: str, given: int, refunded: int = 0, year: int = YEAR) -> None:
    from chalicelib.tax import totals

    uow = UnitOfWork(SYSTEM, ("create", "gift", email))
    for write in totals.change(email, year, given, refunded, 1):
        write(uow)
    uow.commit()
    assert TaxTotal.get(str(year), requests.unit_key(year, email))
