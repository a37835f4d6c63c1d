"""Where users and their roles live: the local identity provider's table
(`local`/`test`), or the Cognito user pool (prod, roles are groups)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from chalicelib.auth.models import LocalUser
from chalicelib.auth.roles import ALL_ROLES
from chalicelib.config import get_settings
from chalicelib.uow import UnitOfWork


@dataclass(frozen=True)
class Account:
    user_id: str  # the tokens' `sub`
    email: str
    roles: tuple[str, ...]
    username: str = ""  # Cognito's user name (empty locally)


class Directory(Protocol):
    def accounts(self) -> list[Account]: ...
    def find(self, email: str) -> Account | None: ...
    def set_roles(self, account: Account, roles: tuple[str, ...],
                  uow: UnitOfWork) -> None: ...
    def remove(self, account: Account, uow: UnitOfWork) -> None: ...


class LocalDirectory:
    """The local users table: changes go into the caller's transaction."""

    def accounts(self) -> list[Account]:
        return sorted((self._account(user) for user in LocalUser.scan()),
                      key=lambda a: a.email)

    def find(self, email: str) -> Account | None:
        try:
            return self._account(LocalUser.get(email))
        except LocalUser.DoesNotExist:
            return None

    def set_roles(self, account: Account, roles: tuple[str, ...],
                  uow: UnitOfWork) -> None:
        user = LocalUser.get(account.email)
        user.roles = set(roles)
        uow.save(user, condition=LocalUser.email.exists())

    def remove(self, account: Account, uow: UnitOfWork) -> None:
        uow.delete(LocalUser(account.email), condition=LocalUser.email.exists())

    @staticmethod
    def _account(user: LocalUser) -> Account:
        return Account(str(user.user_id), str(user.email),
                       tuple(sorted(user.roles or ())))


class CognitoDirectory:
    """The user pool; roles are its groups. Cognito changes are made at once
    (they cannot join a DynamoDB transaction); removing disables the user."""

    def __init__(self, client: Any, pool_id: str) -> None:
        self.client, self.pool_id = client, pool_id

    def accounts(self) -> list[Account]:
        found: dict[str, Account] = {}
        pages = self.client.get_paginator("list_users_in_group")
        for role in ALL_ROLES:
            for page in pages.paginate(UserPoolId=self.pool_id, GroupName=role):
                for user in page["Users"]:
                    account = self._account(user["Username"], user["Attributes"], ())
                    known = found.get(account.user_id, account)
                    roles = tuple(sorted(known.roles + (role,)))
                    found[account.user_id] = Account(
                        known.user_id, known.email, roles, known.username)
        return sorted(found.values(), key=lambda a: a.email)

    def find(self, email: str) -> Account | None:
        try:
            user = self.client.admin_get_user(UserPoolId=self.pool_id, Username=email)
        except self.client.exceptions.UserNotFoundException:
            return None
        groups = self.client.admin_list_groups_for_user(
            UserPoolId=self.pool_id, Username=user["Username"])["Groups"]
        roles = tuple(sorted(g["GroupName"] for g in groups
                             if g["GroupName"] in ALL_ROLES))
        return self._account(user["Username"], user["UserAttributes"], roles)

    def set_roles(self, account: Account, roles: tuple[str, ...],
                  uow: UnitOfWork) -> None:
        names = {"UserPoolId": self.pool_id, "Username": account.username}
        for role in sorted(set(roles) - set(account.roles)):
            self.client.admin_add_user_to_group(GroupName=role, **names)
        for role in sorted(set(account.roles) - set(roles)):
            self.client.admin_remove_user_from_group(GroupName=role, **names)

    def remove(self, account: Account, uow: UnitOfWork) -> None:
        self.set_roles(account, (), uow)
        names = {"UserPoolId": self.pool_id, "Username": account.username}
        self.client.admin_disable_user(**names)
        self.client.admin_user_global_sign_out(**names)

    @staticmethod
    def _account(username: str, attributes: list[dict[str, str]],
                 roles: tuple[str, ...]) -> Account:
        values = {a["Name"]: a["Value"] for a in attributes}
        return Account(values.get("sub", username), values.get("email", ""), roles,
                       username)


@lru_cache(maxsize=1)
def directory() -> Directory:
    """The stage's directory (the Cognito client is made once, on first use)."""
    settings = get_settings()
    if settings.is_local:
        return LocalDirectory()
    import boto3  # only where users are managed

    pool_id = settings.auth_issuer.rstrip("/").rsplit("/", 1)[1]
    client = boto3.client("cognito-idp", region_name=settings.aws_region)
    return CognitoDirectory(client, pool_id)
