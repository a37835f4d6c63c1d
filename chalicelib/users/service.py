"""Admins change a user's roles or remove a user. Either ends every session
the user holds at its next request (a cut-off, `auth.service.end_sessions`),
not when the token expires, and is an audit event (`role_change`,
`user_removed`, by user id: no email in the log)."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.audit.service import Actor
from chalicelib.auth.roles import ALL_ROLES
from chalicelib.auth.service import end_sessions
from chalicelib.errors import N_, Conflict, NotFound, ValidationFailed
from chalicelib.uow import UnitOfWork
from chalicelib.users.directory import Account, Directory, directory


class UnknownUser(NotFound):
    message = N_("There is no user with that email.")


class OwnAccount(Conflict):
    message = N_("You cannot change or remove your own account; ask another admin.")


def accounts(users: Directory | None = None) -> list[Account]:
    """Every user with a role, by email."""
    return (users or directory()).accounts()


def change_roles(actor: Actor, email: str, roles: list[str],
                 users: Directory | None = None) -> Account:
    """Give `email` exactly `roles`; their current sessions end."""
    chosen = tuple(sorted({role for role in roles if role in ALL_ROLES}))
    if not chosen:
        raise ValidationFailed(
            {"roles": N_("Choose at least one role, or remove the user.")})
    users = users or directory()
    account = _other_account(actor, email, users)
    _commit(actor, "role_change", account,
            lambda uow: users.set_roles(account, chosen, uow))
    return account


def remove_user(actor: Actor, email: str, users: Directory | None = None) -> Account:
    """Remove `email` (Cognito: disabled, out of every group); their sessions end."""
    users = users or directory()
    account = _other_account(actor, email, users)
    _commit(actor, "user_removed", account, lambda uow: users.remove(account, uow))
    return account


def _other_account(actor: Actor, email: str, users: Directory) -> Account:
    account = users.find(email.strip().lower()) if email.strip() else None
    if account is None:
        raise UnknownUser()
    if account.user_id == actor.user_id:
        raise OwnAccount()
    return account


def _commit(actor: Actor, action: str, account: Account,
            change: Callable[[UnitOfWork], None]) -> None:
    uow = UnitOfWork(actor, (action, "user", account.user_id))
    end_sessions(uow, account.user_id)
    change(uow)
    uow.commit()
