"""Finance edits the yearly limits of the deduction (integer øre)."""

from chalicelib.audit.models import AuditEntry
from chalicelib.core.clock import oslo_date
from tests.conftest import bearer, json_body


def _years(client):
    response = client.get("/api/tax/limits", headers=bearer("finance"))
    assert response.status_code == 200
    return {y["year"]: y for y in json_body(response)["years"]}


def test_unset_years_show_the_defaults_of_skatteetaten_and_say_so(client):
    years = _years(client)
    assert years[2021]["minimum"] == 50_000 and years[2021]["maximum"] == 5_000_000
    assert years[2024]["maximum"] == 2_500_000
    assert not years[2024]["confirmed"]
    assert oslo_date().year + 1 in years


def test_finance_sets_a_years_limits_and_the_change_is_audited(client):
    response = client.put("/api/tax/limits/2025", headers=bearer("finance"),
                          body='{"minimum": 50000, "maximum": 3000000}')
    assert response.status_code == 200, response.body
    years = _years(client)
    assert years[2025]["maximum"] == 3_000_000 and years[2025]["confirmed"]
    entries = [e for e in AuditEntry.scan() if e.record_type == "tax-limits"]
    assert [(e.action, e.record_id) for e in entries] == [("update", "2025")]


def test_a_maximum_below_the_minimum_is_refused_and_nothing_is_stored(client):
    response = client.put("/api/tax/limits/2025", headers=bearer("finance"),
                          body='{"minimum": 50000, "maximum": 100}')
    assert response.status_code == 400
    assert "maximum" in json_body(response)["error"]["fields"]
    assert not _years(client)[2025]["confirmed"]


def test_an_unknown_year_is_refused_by_name(client):
    response = client.put("/api/tax/limits/1999", headers=bearer("finance"),
                          body='{"minimum": 50000, "maximum": 3000000}')
    assert response.status_code == 400
    assert "2020" in json_body(response)["error"]["message"]


def test_staff_may_not_change_the_limits(client):
    response = client.put("/api/tax/limits/2025", headers=bearer("staff"),
                          body='{"minimum": 1, "maximum": 2}')
    assert response.status_code == 403
