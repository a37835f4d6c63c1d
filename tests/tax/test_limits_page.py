"""Finance sets a year's limits in kroner and closes the year on the tax
page: a one-time form, audited, confirmed once after the redirect; a bad
amount shows the form again with what was typed."""
from __future__ import annotations

import re

import pytest

from chalicelib.audit.models import AuditEntry
from chalicelib.tax import limits
from tests.conftest import Browserless

YEAR = 2025
PAGE = f"/staff/tax/{YEAR}"


def nonce_of(html: str) -> str:
    form = html[html.index(f'action="{PAGE}/limits"'):]
    return re.search(r'name="idempotency_key" value="([^"]+)"', form).group(1)


def send(client, fields, session=None, lang="en", nonce=None):
    session = session or Browserless("finance")
    if nonce is None:
        page = client.get(f"{PAGE}?lang={lang}", headers=session.headers())
        nonce = nonce_of(page.body.decode())
    headers, body = session.form({"_form": "limits", "idempotency_key": nonce,
                                  **fields})
    return client.post(f"{PAGE}/limits?lang={lang}", body=body, headers=headers)


def test_finance_sets_the_limits_in_kroner_and_is_told_once(client):
    finance = Browserless("finance")
    answer = send(client, {"minimum": "600,50", "maximum": "30000.5"}, finance)
    assert answer.status_code == 303, answer.body[:500]
    shown = finance.follow(client, answer).body.decode()
    assert 'id="flash">The limits were saved.<' in shown
    assert limits.limits_for(YEAR) == limits.YearLimits(
        YEAR, 600_50, 30_000_50, False, True)
    # The form shows them as set, in kroner; the defaults' notice is gone.
    assert 'id="limits-minimum" name="minimum" type="text" value="600,50"' in shown
    assert 'value="30000,50"' in shown and "limits-unconfirmed" not in shown
    again = client.get(f"{PAGE}?lang=en", headers=finance.headers()).body.decode()
    assert 'id="flash"' not in again
    entries = [e for e in AuditEntry.scan() if e.record_type == "tax-limits"]
    assert [(e.action, e.record_id) for e in entries] == [("update", str(YEAR))]


def test_finance_closes_the_year_and_donors_can_no_longer_ask_for_it(client):
    finance = Browserless("finance")
    answer = send(client, {"minimum": "500", "maximum": "25000", "closed": "yes"},
                  finance, lang="nb")
    shown = finance.follow(client, answer, lang="nb").body.decode()
    assert "Året er lukket" in shown
    assert 'id="year-state">Lukket<' in shown
    assert limits.limits_for(YEAR).closed
    with pytest.raises(limits.YearClosed):
        limits.require_open(YEAR)
    # Unticked and saved again, the year opens.
    send(client, {"minimum": "500", "maximum": "25000"}, finance)
    assert not limits.limits_for(YEAR).closed


def test_the_form_sent_twice_saves_once_and_says_so(client):
    finance = Browserless("finance")
    first = send(client, {"minimum": "500", "maximum": "25000"}, finance, nonce="n-1")
    second = send(client, {"minimum": "500,00", "maximum": "25000"}, finance,
                  nonce="n-1")
    assert first.status_code == second.status_code == 303
    shown = finance.follow(client, second).body.decode()
    assert "These limits were already saved; they were not saved again." in shown
    entries = [e for e in AuditEntry.scan() if e.record_type == "tax-limits"]
    assert len(entries) == 1
    # The copy the nonce left is no year of its own.
    assert [y.year for y in limits.known_years()].count(YEAR) == 1


def test_an_amount_that_is_not_kroner_shows_the_form_again_with_what_was_typed(client):
    answer = send(client, {"minimum": "fem hundre", "maximum": "25000"}, lang="nb")
    assert answer.status_code == 422
    html = answer.body.decode()
    assert 'id="limits-minimum" name="minimum" type="text" value="fem hundre"' in html
    assert 'aria-invalid="true"' in html and 'id="limits-minimum-error"' in html
    assert "Oppgi beløpet i kroner" in html
    assert not limits.limits_for(YEAR).confirmed


def test_a_maximum_below_the_minimum_is_refused_beside_the_maximum(client):
    answer = send(client, {"minimum": "500", "maximum": "400"})
    assert answer.status_code == 422
    html = answer.body.decode()
    assert 'id="limits-maximum-error"' in html
    assert "The maximum cannot be below the minimum." in html
    assert 'value="400"' in html
    assert not limits.limits_for(YEAR).confirmed


def test_the_form_is_in_spanish_too(client):
    html = client.get(f"{PAGE}?lang=es", headers=Browserless("finance").headers()
                      ).body.decode()
    assert 'action="/staff/tax/2025/limits"' in html
    assert "Guardar los límites" in html


@pytest.mark.parametrize("role", ["staff", "coordinator"])
def test_other_roles_cannot_change_the_limits(client, role):
    answer = send(client, {"minimum": "1", "maximum": "2"}, Browserless(role),
                  nonce="n-x")
    assert answer.status_code == 403
    assert not limits.limits_for(YEAR).confirmed
