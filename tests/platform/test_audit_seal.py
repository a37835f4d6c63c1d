"""The audit log is tamper-evident: each day is sealed the night after, and
an edited, deleted or added entry, or a removed seal, is found by the nightly
check (which raises the alarm) and by `make audit-verify`."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.audit import seal
from chalicelib.audit.models import AuditEntry, AuditSeal
from chalicelib.audit.service import digest_of

DAYS = ("2026-11-28", "2026-11-29", "2026-11-30")


def entry(day: str, n: int, actor: str = "u-staff", action: str = "read",
          record: tuple[str, str] = ("client", "K-2025-031")) -> AuditEntry:
    item = AuditEntry(day, f"{day}T10:00:{n:02d}.000000+00:00#abcd{n:04d}",
                      actor=actor, roles="staff", action=action,
                      record_type=record[0], record_id=record[1])
    item.digest = digest_of(item)
    item.save()
    return item


@pytest.fixture
def sealed_log():
    for day in DAYS:
        for n in range(3):
            entry(day, n)
        assert seal.seal_day(day)
    return DAYS


def problems() -> list[tuple[str, str]]:
    return [(p["day"], p["problem"]) for p in seal.verify().problems]


def test_an_untouched_log_matches_its_seals_and_sealing_twice_changes_nothing(
        sealed_log):
    assert seal.verify().ok and seal.verify().seals == 3
    assert not seal.seal_day(DAYS[0])


def test_an_edited_entry_is_found(sealed_log):
    AuditEntry(DAYS[1], f"{DAYS[1]}T10:00:01.000000+00:00#abcd0001").update(
        actions=[AuditEntry.actor.set("u-someone-else")])
    assert problems() == [(DAYS[1], "entry_edited")]
    [found] = seal.verify().problems
    assert found["entries"] == [f"{DAYS[1]}T10:00:01.000000+00:00#abcd0001"]


def test_an_edited_entry_with_a_recomputed_digest_is_still_found(sealed_log):
    item = AuditEntry.get(DAYS[1], f"{DAYS[1]}T10:00:01.000000+00:00#abcd0001")
    item.record_id = "K-2025-999"
    item.digest = digest_of(item)
    item.save()
    assert problems() == [(DAYS[1], "entries_replaced")]


def test_a_deleted_or_added_entry_is_found(sealed_log):
    AuditEntry(DAYS[0], f"{DAYS[0]}T10:00:02.000000+00:00#abcd0002").delete()
    entry(DAYS[2], 9)
    assert problems() == [(DAYS[0], "entries_missing"), (DAYS[2], "entries_added")]


def test_a_removed_seal_breaks_the_chain(sealed_log):
    AuditSeal(DAYS[1]).delete()
    assert problems() == [(DAYS[2], "chain_broken")]


def test_the_nightly_job_seals_yesterday_and_raises_the_alarm_on_tampering(capsys):
    now = datetime(2026, 12, 1, 0, 20, tzinfo=UTC)
    entry("2026-11-30", 1)
    outcome = seal.nightly(now=now)
    assert outcome.status == "done" and outcome.result["sealed"] == "2026-11-30"
    assert seal.nightly(now=now).status == "skipped"
    AuditEntry("2026-11-30", "2026-11-30T10:00:01.000000+00:00#abcd0001").delete()
    capsys.readouterr()
    with pytest.raises(seal.AuditTampered):
        seal.nightly(now=now + timedelta(days=1))
    metrics = [json.loads(line) for line in capsys.readouterr().out.splitlines()
               if '"AuditTampered"' in line]
    assert [m["AuditTampered"] for m in metrics] == [1]


def test_make_audit_verify_prints_each_problem_and_fails(sealed_log, capsys, monkeypatch):
    from devtools import audit_verify

    monkeypatch.setenv("DYNAMODB_HOST", "set-by-conftest")
    assert audit_verify.main() == 0
    AuditSeal(DAYS[0]).delete()
    assert audit_verify.main() == 1
    out = capsys.readouterr().out
    assert "PROBLEM chain_broken" in out and "2 sealed days, 2 checked, 1 problems." in out


def test_entries_written_by_the_app_carry_their_digest():
    from chalicelib.audit.service import SYSTEM, record

    record(SYSTEM, "read", "audit", "recent")
    [written] = list(AuditEntry.query(date.today().isoformat()))
    assert written.digest == digest_of(written)


# The viewer -----------------------------------------------------------------


def test_the_viewer_filters_by_user_action_record_and_period(client, session_as):
    entry("2026-11-28", 1, actor="u-anna", action="read")
    entry("2026-11-29", 2, actor="u-ola", action="create",
          record=("disbursement", "d-1"))
    entry("2026-11-29", 3, actor="u-anna", action="update", record=("client", "K-2025-777"))
    admin = session_as("admin").headers()

    def rows(query: str) -> str:
        page = client.get(f"/staff/audit?{query}", headers=admin).body.decode()
        return page.split("<tbody>")[1]

    shown = rows("from=2026-11-28&to=2026-11-29&actor=anna")
    assert "K-2025-031" in shown and "K-2025-777" in shown and "d-1" not in shown
    shown = rows("from=2026-11-28&to=2026-11-29&record=client+K-2025-777")
    assert "K-2025-777" in shown and "K-2025-031" not in shown
    shown = rows("from=2026-11-29&to=2026-11-29&action=create")
    assert "d-1" in shown and "K-2025" not in shown
    reads = [e for e in AuditEntry.scan() if e.record_type == "audit"]
    assert {e.record_id for e in reads} >= {
        "page 2026-11-28..2026-11-29 actor=anna",
        "page 2026-11-29..2026-11-29 action=create"}


def test_the_csv_export_has_the_selection_with_formulas_defused(client, session_as):
    entry("2026-11-29", 1, record=("gift", "=HYPERLINK(\"x\")"))
    entry("2026-11-29", 2, actor="u-ola")
    response = client.get("/staff/audit.csv?from=2026-11-29&to=2026-11-29&actor=staff",
                          headers=session_as("admin").headers())
    assert response.headers["Content-Type"].startswith("text/csv")
    lines = response.body.decode().splitlines()
    assert lines[0].startswith(
        "\ufeffNår (norsk tid);Tid som lagret (UTC);Bruker-id;Roller;Handlingskode")
    assert len(lines) == 2 and "'=HYPERLINK" in lines[1]


def test_a_bad_period_is_explained_on_the_same_page(client, session_as):
    page = client.get("/staff/audit?from=2026-13-01&to=2026-11-29&lang=en",
                      headers=session_as("admin").headers())
    text = page.body.decode()
    assert page.status_code == 400
    assert "Give a date as YYYY-MM-DD." in text and 'value="2026-13-01"' in text
    page = client.get("/staff/audit?from=2026-01-01&to=2026-11-29&lang=en",
                      headers=session_as("admin").headers())
    assert "Choose a period of at most 93 days." in page.body.decode()


def test_only_admins_read_the_audit_log(client, session_as):
    for role in ("staff", "finance", "coordinator"):
        assert client.get("/staff/audit.csv",
                          headers=session_as(role).headers()).status_code == 403


def test_the_viewer_names_roles_actions_and_record_types_in_bokmal(client, session_as):
    entry("2026-11-29", 1, action="create", record=("disbursement", "d-1"))
    page = client.get("/staff/audit?from=2026-11-29&to=2026-11-29",
                      headers=session_as("admin").headers()).body.decode()
    row = page.split("<tbody>")[1].split("</tr>")[-2]
    assert "(Ansatt)" in row and "Opprettet" in row and "Utbetaling til klient" in row
    assert '<code translate="no">d-1</code>' in row
    assert '<option value="read">Lest</option>' in page  # the action filter
