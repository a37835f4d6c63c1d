"""Finance's tax page: the year's units masked, the sums, preparing and
sending a delivery, its feedback, the rows Skatteetaten rejected, gifts
above the minimum without a request, the XML file, and no way in for other
roles."""
from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest

from chalicelib.tax.models import TaxDelivery
from tests.conftest import Browserless
from tests.tax.helpers import ORGANISATION, PERSON
from tests.tax.skatteetaten_server import YEAR, donor, gift_total

PAGE = f"/staff/tax/{YEAR}"


def show(client, lang="en", role="finance"):
    return client.get(f"{PAGE}?lang={lang}", headers=Browserless(role).headers())


def press(client, path, lang="en"):
    session = Browserless("finance")
    headers, body = session.form({})
    answer = client.post(f"{path}?lang={lang}", body=body, headers=headers)
    assert answer.status_code in (303, 422, 502, 503), answer.body[:400]
    return answer


def delivery_path(action):
    [delivery] = TaxDelivery.query(str(YEAR))
    return f"{PAGE}/deliveries/{delivery.delivery_id}/{action}"


def test_finance_sees_each_unit_masked_with_the_sums_and_who_has_no_request(client):
    donor("kari@example.org", 1_500_00, PERSON)
    gift_total("asks-later@example.org", 900_00)
    html = show(client).body.decode()
    assert "******10046" in html and PERSON not in html
    assert 'id="due-sum">1,500&nbsp;kr' in html  # grouped, in the page's language
    assert "asks-later@example.org" in html
    assert 'id="missing-count">1<' in html


def test_finance_prepares_and_sends_the_delivery_and_sees_the_ids(client,
                                                                 skatteetaten):
    donor("kari@example.org", 1_500_00, PERSON)
    assert press(client, f"{PAGE}/prepare").status_code == 303
    html = show(client).body.decode()
    assert "Prepared, not sent" in html and "Send to Skatteetaten" in html
    assert press(client, delivery_path("send")).status_code == 303
    html = show(client).body.decode()
    [delivery] = TaxDelivery.query(str(YEAR))
    assert delivery.forsendelse_id in html and "Sent, waiting for feedback" in html
    assert "Nothing to report" in html


def test_rejected_rows_are_listed_with_their_reason_after_checking_feedback(
        client, skatteetaten):
    donor("kari@example.org", 1_500_00, PERSON)
    donor("firma@example.org", 2_000_00, ORGANISATION, name="Firma AS",
          kind="organisation")
    skatteetaten.rejects[ORGANISATION] = "Organisasjonsnummeret finnes ikke"
    press(client, f"{PAGE}/prepare")
    press(client, delivery_path("send"))
    press(client, delivery_path("feedback"))
    html = show(client).body.decode()
    rejected = html[html.index('id="rejected"'):]
    assert "Firma AS" in rejected and "Organisasjonsnummeret finnes ikke" in rejected
    assert "Kari Nordmann" not in rejected[:rejected.index("</table>")]


def test_the_page_is_in_norwegian_and_spanish_too(client):
    assert "Skattefradrag" in show(client, lang="nb").body.decode()
    assert "deducción" in show(client, lang="es").body.decode().lower()


def test_when_skatteetaten_is_down_the_page_says_so_and_offers_to_send_again(
        client, skatteetaten):
    donor("kari@example.org", 1_500_00, PERSON)
    press(client, f"{PAGE}/prepare")
    skatteetaten.down = True
    answer = press(client, delivery_path("send"))
    assert answer.status_code == 503
    assert "could not be reached" in answer.body.decode()
    skatteetaten.down = False
    assert "Send again" in show(client).body.decode()


def test_the_xml_file_holds_the_same_units_in_the_published_namespace(client):
    donor("kari@example.org", 1_500_00, PERSON)
    press(client, f"{PAGE}/prepare")
    answer = client.get(delivery_path("rf1310.xml"), headers=Browserless("finance").headers())
    assert answer.headers["Content-Type"].startswith("application/xml")
    root = ET.fromstring(answer.body)
    ns = {"g": "urn:ske:fastsetting:innsamling:gavefrivilligorganisasjon:v2"}
    assert root.find("g:leveranse/g:oppgave/g:oppgaveeier/g:foedselsnummer",
                     ns).text == PERSON
    assert root.find("g:leveranse/g:oppgaveoppsummering/g:sumBeloep",
                     ns).text == "1500"


@pytest.mark.parametrize("role", ["staff", "coordinator", "volunteer"])
def test_other_roles_cannot_open_the_page_or_send(client, role):
    assert show(client, role=role).status_code == 403
    session = Browserless(role)
    headers, body = session.form({})
    assert client.post(f"{PAGE}/prepare", body=body,
                       headers=headers).status_code == 403


def test_the_staff_home_links_the_page_for_finance_only(client):
    finance = client.get("/staff", headers=Browserless("finance").headers())
    staff = client.get("/staff", headers=Browserless("staff").headers())
    assert "/staff/tax" in finance.body.decode()
    assert "/staff/tax" not in staff.body.decode()


def test_with_the_demo_data_the_local_stand_in_takes_the_whole_flow(client):
    from chalicelib.tax import demo, standin

    demo.load()
    demo.load()  # loading twice changes nothing
    html = show(client).body.decode()
    assert 'id="due-count">2<' in html and 'id="units-count">3<' in html
    assert "nils.demo@example.org" in html
    press(client, f"{PAGE}/prepare")
    assert press(client, delivery_path("send")).status_code == 303
    press(client, delivery_path("feedback"))
    [delivery] = TaxDelivery.query(str(YEAR))
    assert delivery.status == "done"
    assert delivery.delivery_id in standin.local().deliveries


def test_after_sending_finance_is_told_once_in_its_language(client, skatteetaten):
    donor("kari@example.org", 1_500_00, PERSON)
    finance = Browserless("finance")
    headers, body = finance.form({})
    client.post(f"{PAGE}/prepare", body=body, headers=headers)
    answer = client.post(delivery_path("send"), body=body, headers=headers)
    shown = finance.follow(client, answer, lang="nb").body.decode()
    assert 'id="flash">Leveransen er sendt. Se etter tilbakemelding senere.<' in shown
    again = client.get(f"{PAGE}?lang=nb", headers=finance.headers()).body.decode()
    assert 'id="flash"' not in again
