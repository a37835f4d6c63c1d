"""A change is confirmed once on the page after it (web/flash.py)."""
from __future__ import annotations

from tests.conftest import set_cookies
from tests.shelters.helpers import make_shelter


def _post_hold(client, session, code: str = "K-2026-310"):
    headers, body = session.form({"client_code": code, "hours": "12",
                                  "request_key": f"flash-{code}"})
    return client.post("/staff/shelters/sh-test/holds?lang=en", headers=headers,
                       body=body)


def test_a_coordinator_sees_the_hold_confirmed_once_and_not_again_on_reload(
        client, session_as):
    make_shelter()
    coordinator = session_as("coordinator")
    answer = _post_hold(client, coordinator)
    assert answer.status_code == 303
    assert "?" not in answer.headers["Location"]  # nothing to bookmark or share
    shown = coordinator.follow(client, answer)
    assert 'id="flash"' in shown.body.decode()
    assert "The bed is held." in shown.body.decode()
    cleared = shown.headers.get("Set-Cookie") or []
    assert any(c.startswith("flash=;") for c in (
        cleared if isinstance(cleared, list) else [cleared]))
    reloaded = client.get("/staff/shelters/sh-test?lang=en",
                          headers=coordinator.headers())
    assert 'id="flash"' not in reloaded.body.decode()


def test_the_confirmation_is_said_in_the_users_language(client, session_as):
    make_shelter()
    coordinator = session_as("coordinator")
    shown = coordinator.follow(client, _post_hold(client, coordinator), lang="nb")
    assert '<p class="notice" role="status" id="flash">Sengen er reservert.</p>' in (
        shown.body.decode())


def test_a_confirmation_shows_only_on_its_own_page_and_to_its_own_session(
        client, session_as):
    make_shelter()
    coordinator = session_as("coordinator")
    cookies = set_cookies(_post_hold(client, coordinator))
    elsewhere = client.get("/staff/shelters?lang=en", headers={
        "Cookie": "; ".join([coordinator.cookie, *cookies])})
    assert 'id="flash"' not in elsewhere.body.decode()
    other = session_as("coordinator", user_id="u-other-coordinator")
    theirs = client.get("/staff/shelters/sh-test?lang=en", headers={
        "Cookie": "; ".join([other.cookie, *cookies])})
    assert 'id="flash"' not in theirs.body.decode()


def test_a_forged_confirmation_cookie_shows_nothing(client, session_as):
    make_shelter()
    coordinator = session_as("coordinator")
    forged = client.get("/staff/shelters/sh-test?lang=en", headers={
        "Cookie": f"{coordinator.cookie}; flash=eyJtIjoiWW91IHdvbiJ9.0000"})
    assert 'id="flash"' not in forged.body.decode()
    assert forged.status_code == 200


def test_a_confirmations_parameters_are_shown_escaped(client, session_as):
    from chalicelib.auth.tokens import verify
    from chalicelib.web import flash

    admin = session_as("admin")
    owner = verify(admin.token)["jti"]
    token = flash.token_for("/staff/users", "%(email)s was removed; their sessions "
                            "ended.", owner, {"email": "<b>x@example.org</b>"})
    page = client.get("/staff/users?lang=en", headers={
        "Cookie": f"{admin.cookie}; flash={token}"}).body.decode()
    assert "&lt;b&gt;x@example.org&lt;/b&gt; was removed" in page
    assert "<b>x@example.org</b>" not in page
