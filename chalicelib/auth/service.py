"""Log in, log out and resolve the user behind a session token."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.audit.service import Actor, record
from chalicelib.auth import throttle, tokens
from chalicelib.auth.models import LocalUser, RevokedSession
from chalicelib.auth.passwords import hash_password, verify_password
from chalicelib.auth.roles import ALL_ROLES, User
from chalicelib.db import put_if_absent
from chalicelib.errors import N_, Unauthenticated

if TYPE_CHECKING:
    from chalicelib.uow import UnitOfWork

WRONG_LOGIN = N_("Wrong email or password.")
ANONYMOUS = Actor("anonymous")


def login(email: str, password: str, address: str) -> str:
    """A session token for a local user. One message for every wrong login;
    after repeated wrong ones for the account or from the address, attempts
    wait a growing delay (`throttle`), never a lock."""
    email = email.strip().lower()
    try:
        throttle.check(email, address)
    except throttle.LoginDelayed:
        record(ANONYMOUS, "login_delayed", "login", login_digest(email))
        raise
    try:
        user = LocalUser.get(email) if email else None
    except LocalUser.DoesNotExist:
        user = None
    if not verify_password(password, user.password_hash if user else None) or not user:
        throttle.failed(email, address)
        record(ANONYMOUS, "login_failed", "login", login_digest(email))
        raise Unauthenticated(WRONG_LOGIN)
    throttle.succeeded(email)
    record(Actor(user.user_id, tuple(sorted(user.roles))), "login", "session", "-")
    return tokens.issue_local_token(user.user_id, user.email, sorted(user.roles),
                                    shelters=sorted(user.shelters or ()))


def login_digest(email: str) -> str:
    """Which login was tried, for the audit log, without the address itself."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def _roles_from(claims: dict[str, Any]) -> tuple[str, ...]:
    raw = claims.get("roles") or claims.get("cognito:groups") or []
    return tuple(sorted(role for role in raw if role in ALL_ROLES))


def _shelters_from(claims: dict[str, Any]) -> tuple[str, ...]:
    """A partner's shelters: the local `shelters` claim, or Cognito's custom
    attribute `custom:shelters` (ids separated by commas)."""
    raw = claims.get("shelters") or claims.get("custom:shelters") or []
    if isinstance(raw, str):
        raw = raw.split(",")
    return tuple(sorted({str(s).strip() for s in raw if str(s).strip()}))


def user_from_token(token: str) -> User:
    """The user of a valid token that was not logged out and was issued after
    the user's last role change or removal; Unauthenticated otherwise."""
    claims = tokens.verify(token)
    session_id = str(claims.get("jti") or claims.get("origin_jti") or "")
    subject = str(claims["sub"])
    if _is_ended(session_id, subject, float(claims["iat"])):
        raise Unauthenticated()
    return User(
        user_id=subject,
        email=str(claims.get("email", "")),
        roles=_roles_from(claims),
        session_id=session_id,
        shelters=_shelters_from(claims),
    )


def _cutoff_key(user_id: str) -> str:
    return f"user#{user_id}"


def _is_ended(session_id: str, user_id: str, issued_at: float) -> bool:
    """One BatchGetItem per request: the session's logout and the user's
    cut-off. Cognito's `iat` is whole seconds, so a token issued in the
    second of a change counts as before it (the user logs in once more)."""
    keys = [_cutoff_key(user_id)] + ([session_id] if session_id else [])
    for item in RevokedSession.batch_get(keys):
        if item.not_before is None or issued_at < float(item.not_before):
            return True  # a logged-out session, or a token from before the cut-off
    return False


def _until_every_token_expired(now: float) -> datetime:
    return datetime.fromtimestamp(now + tokens.longest_life_seconds(), UTC)


def logout(user: User) -> None:
    """End a session: its token is refused from now on."""
    if user.session_id:
        expires = _until_every_token_expired(time.time())
        RevokedSession(user.session_id, expires=expires).save()
    record(user.actor, "logout", "session", "-")


def end_sessions(uow: UnitOfWork, user_id: str) -> None:
    """Add to `uow` the cut-off that refuses every token `user_id` holds now
    (a role change or a removal), on every Lambda at its next request."""
    now = time.time()
    uow.save(RevokedSession(_cutoff_key(user_id), not_before=now,
                            expires=_until_every_token_expired(now)))


def ensure_local_user(email: str, password: str, roles: list[str],
                      shelters: list[str] | None = None) -> None:
    """Create a local user unless one exists (demo data; loading twice is a no-op)."""
    put_if_absent(
        LocalUser(
            email,
            user_id=f"u-{email.split('@')[0]}",
            password_hash=hash_password(password),
            roles=set(roles),
            shelters=set(shelters) if shelters else None,
        )
    )
