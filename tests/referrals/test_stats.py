"""Referral statistics: time to placement, declines by reason and by shelter
type, per month, from the monthly counts; small counts are never published."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.referrals import service, stats
from chalicelib.referrals.models import ReferralCounts
from tests.conftest import bearer, json_body
from tests.referrals.helpers import make_shelters, partner, refer

YEAR = datetime.now(UTC).year
MONTH = datetime.now(UTC).strftime("%Y-%m")


def _counts(numbers: dict[str, int]) -> None:
    for name, number in numbers.items():
        ReferralCounts(str(YEAR), f"{name}#{MONTH}", number=number).save()


def test_answers_are_counted_per_month_with_the_time_to_placement():
    make_shelters()
    first = refer(code="K-2026-101")
    second = refer(code="K-2026-102")
    service.decline(partner("sh-a"), "sh-a", first.referral_id, "language")
    service.decline(partner("sh-b"), "sh-b", first.referral_id, "no_bed")
    later = datetime.now(UTC) + timedelta(minutes=40)
    service.accept(partner("sh-c"), "sh-c", first.referral_id, now=later)
    service.decline(partner("sh-a"), "sh-a", second.referral_id, "safety")
    data = stats.monthly(YEAR)
    rows = data["rows"]
    assert rows["sent"][MONTH] == 2 and rows["placed"][MONTH] == 1
    assert rows["declined#language"][MONTH] == 1
    assert rows["declined-type#emergency_room"][MONTH] == 1  # House B
    assert rows["placed-type#crisis_centre"][MONTH] == 1
    assert 39 <= data["average_minutes"][MONTH] <= 41


def test_published_figures_hide_small_counts_and_a_complement_but_keep_the_total():
    _counts({"declined#no_bed": 3, "declined#safety": 4, "declined#language": 1})
    public = stats.published(YEAR, rank=lambda section: lambda key: key)
    rows = public["declined"]["rows"]
    assert rows["language"] is None
    assert [rows["no_bed"], rows["safety"]].count(None) == 1  # no subtraction
    assert public["declined"]["total"] == 8


def test_a_time_to_placement_over_fewer_than_three_placements_is_not_published():
    ReferralCounts(str(YEAR), f"placed#{MONTH}", number=2, minutes=50).save()
    assert stats.published(YEAR)["average_minutes_to_placement"] is None
    assert stats.published(YEAR)["placed"] is None
    ReferralCounts(str(YEAR), f"placed#{MONTH}", number=4, minutes=100).save()
    public = stats.published(YEAR)
    assert public["average_minutes_to_placement"] == 25 and public["placed"] == 4


def test_the_api_publishes_only_suppressed_figures_to_staff(client):
    _counts({"sent": 5, "declined#no_bed": 2, "declined-type#crisis_centre": 2})
    answer = client.get(f"/api/referrals/stats?year={YEAR}", headers=bearer("staff"))
    body = json_body(answer)
    assert answer.status_code == 200 and body["sent"] == 5
    assert body["declined"] == {"rows": {"no_bed": None}, "total": None}
    assert client.get(f"/api/referrals/stats?year={YEAR}",
                      headers=bearer("volunteer")).status_code == 403


def test_the_statistics_page_shows_exact_months_and_the_published_figures(
        client, session_as):
    _counts({"sent": 5, "declined#no_bed": 2})
    page = client.get(f"/staff/referrals/stats?year={YEAR}&lang=en",
                      headers=session_as("finance").headers()).body.decode()
    assert "Declines by reason" in page and "No free bed after all" in page
    published = page[page.index('id="published"'):]
    assert 'data-key="no_bed">2<' not in published
    assert 'data-key="no_bed"><span' in published
