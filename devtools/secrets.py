"""`make secrets STACK=...`: puts the app's secrets into Parameter Store as
SecureString parameters `/<stack>/secret-key`, `/<stack>/stripe-secret-key`
and `/<stack>/stripe-webhook-secret` (and, optionally, the five `/<stack>/vipps-*`
keys), where the function reads them.

Values are asked for on the terminal (never on a command line); an empty
answer keeps the stored value. The CSRF signing key is generated when none is
stored yet. Nothing is printed but the names.

The Maskinporten private key for Skatteetaten is a PEM of many lines, which a
terminal prompt cannot take: it is read from the file named by
`SKATTEETATEN_KEY_FILE` (checked to be an unencrypted RSA private key) and
stored as `/<stack>/skatteetaten-private-key`; without the variable it is not
asked for and the stored one is kept.
"""

from __future__ import annotations

import getpass
import os
import secrets as random
import sys
from collections.abc import Callable
from pathlib import Path
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


KEY_FILE = "SKATTEETATEN_KEY_FILE"
KEY_SECRET = "skatteetaten-private-key"  # noqa: S105 - a secret's name
STANDARD_LIMIT = 4096  # bytes: the most a standard-tier parameter holds


def read_key_file(path: str) -> str:
    """The PEM in `path`, or SettingsError naming the variable and what is
    wrong (never the file's content)."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    file = Path(path).expanduser()
    if not file.is_file():
        raise SettingsError([f"{KEY_FILE}: no file at {file}"])
    data = file.read_bytes()
    if len(data) > STANDARD_LIMIT:
        raise SettingsError([f"{KEY_FILE}: {file} is over {STANDARD_LIMIT} bytes; "
                             "a Maskinporten key (RSA, 2048-4096 bits) is not"])
    try:
        key = load_pem_private_key(data, password=None)
    except TypeError:
        raise SettingsError([f"{KEY_FILE}: the key in {file} is protected by a "
                             "passphrase; store it without one"]) from None
    except ValueError:
        raise SettingsError([f"{KEY_FILE}: {file} holds no PEM private key "
                             "(-----BEGIN PRIVATE KEY----- ...)"]) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise SettingsError([f"{KEY_FILE}: the key in {file} is not an RSA key "
                             "(Maskinporten's grant is signed RS256)"])
    return data.decode("ascii").strip() + "\n"


def put_key_file(ssm: Any, stack: str, path: str) -> str:
    """Stores the PEM in `path` as the Skatteetaten key; returns its name."""
    value = read_key_file(path)
    name = f"/{stack}/{KEY_SECRET}"
    ssm.put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)
    return name


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
        key_file = os.environ.get(KEY_FILE, "").strip()
        if key_file:
            read_key_file(key_file)  # a bad file fails before anything is asked
        ssm = session().client("ssm")
        written = put_secrets(ssm, stack, getpass.getpass)
        if key_file:
            written.append(put_key_file(ssm, stack, key_file))
    except SettingsError as error:
        return fail(str(error))
    print("Stored: " + (", ".join(written) or "nothing (kept what was there)"))
    if not key_file:
        print(f"The Skatteetaten key was not changed ({KEY_FILE}=<key>.pem stores it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
