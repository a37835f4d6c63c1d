"""`make secrets STACK=...`: puts the app's secrets into Parameter Store as
SecureString parameters `/<stack>/secret-key`, `/<stack>/stripe-secret-key`
and `/<stack>/stripe-webhook-secret` (and, optionally, the five `/<stack>/vipps-*`
keys), where the function reads them.

Values are asked for on the terminal (never on a command line or in a file);
an empty answer keeps the stored value. The CSRF signing key is generated when
none is stored yet. Nothing is printed but the names.
"""

from __future__ import annotations

import getpass
import secrets as random
import sys
from collections.abc import Callable
from typing import Any

from devtools.deploy import SECRETS, VIPPS_SECRETS, SettingsError
from devtools.stack import fail, session, stack_name

PROMPTS = {
    "secret-key": "CSRF signing key (empty: generate one)",
    "stripe-secret-key": "Stripe secret key (sk_live_...)",
    "stripe-webhook-secret": "Stripe webhook signing secret (whsec_...)",
    "vipps-client-id": "Vipps client_id (empty: no Vipps)",
    "vipps-client-secret": "Vipps client_secret (empty: no Vipps)",
    "vipps-subscription-key": "Vipps Ocp-Apim-Subscription-Key (empty: no Vipps)",
    "vipps-msn": "Vipps merchant serial number (empty: no Vipps)",
    "vipps-webhook-secret": "Vipps webhook secret, from registering the webhook "
                            "(empty: no Vipps)",
}


def put_secrets(ssm: Any, stack: str, ask: Callable[[str], str]) -> list[str]:
    """Stores every answered secret; returns the names written."""
    written = []
    for secret in SECRETS + VIPPS_SECRETS:
        name = f"/{stack}/{secret}"
        value = ask(f"{PROMPTS[secret]} for {name}: ").strip()
        if not value and secret == "secret-key":
            try:
                ssm.get_parameter(Name=name)
                continue
            except ssm.exceptions.ParameterNotFound:
                value = random.token_urlsafe(48)
        if not value:
            continue
        if secret == "secret-key" and len(value) < 32:
            raise SettingsError([f"{name} must be at least 32 characters"])
        ssm.put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)
        written.append(name)
    return written


def main() -> int:
    try:
        stack = stack_name()
        written = put_secrets(session().client("ssm"), stack, getpass.getpass)
    except SettingsError as error:
        return fail(str(error))
    print("Stored: " + (", ".join(written) or "nothing (kept what was there)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
