"""Settings of Vipps MobilePay, read from the environment once.

In prod the five keys (client id, client secret, subscription key, merchant
serial number, webhook secret) live in the secret store (core.secrets,
`SECRETS_PATH`), never in the environment; `VIPPS_ENABLED=1` offers Vipps on
the donation page. Local and test stages read them from `VIPPS_*`
variables; with none set, the local Vipps test flow stands in for Vipps."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from chalicelib.config import env_bool, env_int, env_str, get_settings

LOCAL_WEBHOOK_SECRET = "vipps_local_test_mode_secret"  # noqa: S105 - local only
LOCAL_MSN = "123456"
TEST_API = "https://apitest.vipps.no"
PROD_API = "https://api.vipps.no"
# name in the secret store -> the variable a local stage reads instead
SECRET_VARIABLES = {
    "vipps-client-id": "VIPPS_CLIENT_ID",
    "vipps-client-secret": "VIPPS_CLIENT_SECRET",
    "vipps-subscription-key": "VIPPS_SUBSCRIPTION_KEY",
    "vipps-msn": "VIPPS_MSN",
    "vipps-webhook-secret": "VIPPS_WEBHOOK_SECRET",
}


class VippsSettings(NamedTuple):
    api_base: str  # https://apitest.vipps.no, https://api.vipps.no, or a test server
    local_values: dict[str, str]  # secret name -> value, local stages only
    secrets_in_store: bool
    enabled: bool  # offered on /donate
    test_flow: bool  # no keys in a local stage: the local Vipps stands in
    system_name: str
    system_version: str
    reconcile_after_minutes: int  # a payment this old is asked about by the job

    def local(self, name: str) -> str:
        return self.local_values.get(name, "")


def _load() -> VippsSettings:
    settings = get_settings()
    local = settings.is_local
    in_store = bool(env_str("SECRETS_PATH", ""))
    values = {} if in_store else {name: env_str(variable, "")
                                  for name, variable in SECRET_VARIABLES.items()}
    keys = bool(values.get("vipps-client-id"))
    test_flow = local and not in_store and not keys and env_bool(
        "VIPPS_TEST_FLOW", True)
    if test_flow:
        values.setdefault("vipps-msn", "")
        values["vipps-msn"] = values["vipps-msn"] or LOCAL_MSN
        values["vipps-webhook-secret"] = (values.get("vipps-webhook-secret")
                                          or LOCAL_WEBHOOK_SECRET)
    enabled = env_bool("VIPPS_ENABLED", local) and (test_flow or keys or in_store)
    return VippsSettings(
        api_base=env_str("VIPPS_API_BASE", TEST_API if local else PROD_API).rstrip("/"),
        local_values=values,
        secrets_in_store=in_store,
        enabled=enabled,
        test_flow=test_flow,
        system_name=env_str("VIPPS_SYSTEM_NAME", "hjelp-platform")[:30],
        system_version=env_str("VIPPS_SYSTEM_VERSION", "1.0")[:30],
        reconcile_after_minutes=env_int("VIPPS_RECONCILE_AFTER_MINUTES", 15,
                                        minimum=1),
    )


@lru_cache(maxsize=1)
def vipps_settings() -> VippsSettings:
    """The validated Vipps settings of this process."""
    return _load()


def vipps_secret(name: str) -> str:
    """One of SECRET_VARIABLES' names: from the store in prod, else local."""
    from chalicelib.core.secrets import get_secret

    return get_secret(name, vipps_settings().local(name))
