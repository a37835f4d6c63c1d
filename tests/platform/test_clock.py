"""Times as people in Norway read them: Oslo's clock, its zone's own name."""

from datetime import UTC, datetime

from chalicelib.core.clock import oslo_day, oslo_time


def test_a_winter_night_time_is_shown_in_oslo_time_with_cet():
    assert oslo_time(datetime(2026, 12, 2, 1, 36, tzinfo=UTC), zone=True) == (
        "02.12.2026 02:36 CET")


def test_a_summer_time_is_shown_with_cest():
    assert oslo_time(datetime(2026, 7, 2, 22, 5, tzinfo=UTC), zone=True) == (
        "03.07.2026 00:05 CEST")


def test_stored_iso_strings_and_ledger_entry_ids_are_read_as_utc():
    assert oslo_time("2026-12-02T01:36:00.123456+00:00") == "02.12.2026 02:36"
    assert oslo_time("2026-12-02T01:36:00.123456#mv-1") == "02.12.2026 02:36"
    assert oslo_time("2026-12-02T01:36:00Z") == "02.12.2026 02:36"


def test_a_gift_late_on_new_years_eve_utc_is_dated_new_years_day_in_oslo():
    assert oslo_day("2026-12-31T23:30:00+00:00") == "01.01.2027"


def test_nothing_stored_shows_as_nothing():
    assert oslo_time(None) == "" and oslo_day("") == ""
