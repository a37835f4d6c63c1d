"""`make admin EMAIL=... STACK=...`: the first administrator of a stack.

Creates the Cognito user (AdminCreateUser: Cognito mails a temporary password,
to be changed at the first sign-in) and adds it to the `admin` group. Run it
again for an existing user to just add the group.
"""

from __future__ import annotations

import sys
from typing import Any

from devtools.deploy import EMAIL, SettingsError
from devtools.stack import fail, outputs, session, stack_name

ADMIN_GROUP = "admin"


def create_admin(cognito: Any, user_pool_id: str, email: str) -> str:
    """Returns 'created' or 'existing'; the user ends up in the admin group."""
    state = "created"
    try:
        cognito.admin_create_user(
            UserPoolId=user_pool_id,
            Username=email,
            UserAttributes=[{"Name": "email", "Value": email},
                            {"Name": "email_verified", "Value": "true"}],
            DesiredDeliveryMediums=["EMAIL"],
        )
    except cognito.exceptions.UsernameExistsException:
        state = "existing"
    cognito.admin_add_user_to_group(
        UserPoolId=user_pool_id, Username=email, GroupName=ADMIN_GROUP)
    return state


def main(argv: list[str]) -> int:
    import os

    email = os.environ.get("EMAIL", "").strip()
    try:
        stack = stack_name()
    except SettingsError as error:
        return fail(str(error))
    if not EMAIL.match(email):
        return fail(f"EMAIL must be an email address, got {email!r}")
    aws = session()
    pool = outputs(stack, aws.client("cloudformation")).get("UserPoolId")
    if not pool:
        return fail(f"Stack {stack} has no UserPoolId output: deploy it first")
    state = create_admin(aws.client("cognito-idp"), pool, email)
    if state == "created":
        print(f"Created {email} in {pool} and added it to '{ADMIN_GROUP}': Cognito "
              "mails a temporary password, changed at the first sign-in.")
    else:
        print(f"{email} already existed in {pool}; it is now in '{ADMIN_GROUP}'.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
