"""`make vipps-webhook STACK=...`: registers the stack's Vipps webhook, once
per stack (Webhooks API `POST /webhooks/v1/webhooks` with `url` and the
eight ePayment and nine Recurring `events`), with the Vipps keys already in
Parameter Store (`make secrets`), and stores the `secret` Vipps answers as the
SecureString
`/<stack>/vipps-webhook-secret`, where the webhook reads it. The URL is the
stack's `PUBLIC_BASE_URL` + `/webhooks/vipps`, the API its `VIPPS_API_BASE`
(the stack's `Vipps` parameter). Prints the registration id, never a key.
"""

from __future__ import annotations

import sys
from typing import Any

from devtools.deploy import SettingsError
from devtools.stack import fail, function_environment, session, stack_name

EVENTS = tuple(f"epayments.payment.{name}.v1" for name in (
    "created", "aborted", "expired", "cancelled", "captured", "refunded",
    "authorized", "terminated")) + tuple(f"recurring.{name}.v1" for name in (
        "agreement-activated", "agreement-rejected", "agreement-stopped",
        "agreement-expired", "charge-reserved", "charge-captured", "charge-canceled",
        "charge-failed", "charge-creation-failed"))
KEYS = ("vipps-client-id", "vipps-client-secret", "vipps-subscription-key", "vipps-msn")


class RegistrationFailed(RuntimeError):
    """Vipps refused (or could not be reached); the message says what it said."""


def _keys(ssm: Any, stack: str) -> dict[str, str]:
    names = [f"/{stack}/{key}" for key in KEYS]
    found = ssm.get_parameters(Names=names, WithDecryption=True)
    values = {p["Name"].rsplit("/", 1)[-1]: p["Value"] for p in found["Parameters"]}
    missing = [f"/{stack}/{key}" for key in KEYS if not values.get(key)]
    if missing:
        raise SettingsError([f"{name} is not in Parameter Store: run make secrets"
                             for name in missing])
    return values


def _call(api: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
    from chalicelib.vipps import client

    try:
        status, answer = client.send("POST", path, headers, body, base=api)
    except client.VippsError as error:
        raise RegistrationFailed(str(error)) from None
    if status not in (200, 201) or not isinstance(answer, dict):
        title = answer.get("title") if isinstance(answer, dict) else ""
        raise RegistrationFailed(f"Vipps answered {status} to {path} {title or ''}")
    return answer


def register(ssm: Any, stack: str, api: str, url: str) -> str:
    """Register `url` for the ePayment events; keep the secret; the id."""
    from chalicelib.vipps import client

    keys = _keys(ssm, stack)
    common = {"Ocp-Apim-Subscription-Key": keys["vipps-subscription-key"],
              "Merchant-Serial-Number": keys["vipps-msn"],
              "Vipps-System-Name": "hjelp-platform", "Vipps-System-Version": "1.0",
              "Vipps-System-Plugin-Name": client.PLUGIN_NAME,
              "Vipps-System-Plugin-Version": client.PLUGIN_VERSION}
    token = _call(api, "/accesstoken/get", {
        **common, "client_id": keys["vipps-client-id"],
        "client_secret": keys["vipps-client-secret"]}).get("access_token")
    if not token:
        raise RegistrationFailed("Vipps gave no access token")
    answer = _call(api, "/webhooks/v1/webhooks",
                   {**common, "Authorization": f"Bearer {token}"},
                   {"url": url, "events": list(EVENTS)})
    if not answer.get("id") or not answer.get("secret"):
        raise RegistrationFailed("Vipps answered without an id and a secret")
    ssm.put_parameter(Name=f"/{stack}/vipps-webhook-secret",
                      Value=str(answer["secret"]), Type="SecureString",
                      Overwrite=True)
    return str(answer["id"])


def main() -> int:
    try:
        stack = stack_name()
        env = function_environment(stack)
        if env.get("VIPPS_ENABLED") != "1":
            return fail("make vipps-webhook: the stack's Vipps parameter is off; "
                        "deploy with VIPPS=test or VIPPS=production first")
        url = env["PUBLIC_BASE_URL"].rstrip("/") + "/webhooks/vipps"
        ident = register(session().client("ssm"), stack, env["VIPPS_API_BASE"], url)
    except (SettingsError, RegistrationFailed) as error:
        return fail(f"make vipps-webhook: {error}")
    print(f"Registered {url} with Vipps (id {ident}); the secret is in "
          f"/{stack}/vipps-webhook-secret")
    return 0


if __name__ == "__main__":
    sys.exit(main())
