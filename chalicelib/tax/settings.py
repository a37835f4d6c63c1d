"""Settings of the RF-1310 delivery, read from the environment once.

The organisation's Maskinporten key (PEM, RSA) is the secret
`skatteetaten-private-key` (core.secrets: the parameter store in prod,
`TAX_MASKINPORTEN_KEY` in local and test stages). Without an API address in
a local stage the in-process stand-in (tax/standin.py) answers for
Maskinporten and Skatteetaten, so the whole flow can be tried."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from chalicelib.config import env_str, get_settings

SCOPE = "skatteetaten:innrapporteringgaverfrivilligeorganisasjoner"
KEY_SECRET = "skatteetaten-private-key"  # noqa: S105 - a secret's name
TEST_API = "https://innrapporteringgavertilfrivillige.api.test.no"  # unverified
PROD_API = "https://innrapporteringgavertilfrivillige.api.skatteetaten.no"
TEST_MASKINPORTEN = "https://test.maskinporten.no"
PROD_MASKINPORTEN = "https://maskinporten.no"


class TaxSettings(NamedTuple):
    organisation_number: str  # the reporting organisation (oppgavegiver)
    contact_name: str
    contact_phone: str
    contact_email: str
    contact_sms: str
    source_system: str  # kildesystem
    api_base: str  # "" in a local stage: the stand-in
    maskinporten: str  # issuer and audience of the JWT grant
    client_id: str  # the Maskinporten client (iss)
    key_id: str  # kid of the organisation's key in Maskinporten
    local_key: str  # PEM, local and test stages only
    missing: tuple[str, ...] = ()  # variables prod must set before a send

    @property
    def stand_in(self) -> bool:
        return not self.api_base


#: What prod must set (local stages use the demo values below): the
#: organisation, its contact, its Maskinporten client and the API's host.
REQUIRED_IN_PROD = ("TAX_ORGANISATION_NUMBER", "TAX_CONTACT_NAME", "TAX_CONTACT_PHONE",
                    "TAX_CONTACT_EMAIL", "TAX_MASKINPORTEN_CLIENT_ID",
                    "TAX_MASKINPORTEN_KID", "TAX_API_BASE")


def _load() -> TaxSettings:
    local = get_settings().is_local
    api = env_str("TAX_API_BASE", "" if local else PROD_API).rstrip("/")
    missing = () if local else tuple(n for n in REQUIRED_IN_PROD if not env_str(n))
    return TaxSettings(
        organisation_number=env_str("TAX_ORGANISATION_NUMBER", "974760673"),
        contact_name=env_str("TAX_CONTACT_NAME", "Økonomiansvarlig"),
        contact_phone=env_str("TAX_CONTACT_PHONE", "80080000"),
        contact_email=env_str("TAX_CONTACT_EMAIL", "okonomi@hjelp.example.org"),
        contact_sms=env_str("TAX_CONTACT_SMS", "80080000" if local else ""),
        source_system=env_str("TAX_SOURCE_SYSTEM", "hjelp-platform 1.0")[:100],
        api_base=api,
        maskinporten=env_str("TAX_MASKINPORTEN_URL", TEST_MASKINPORTEN if local
                             else PROD_MASKINPORTEN).rstrip("/"),
        client_id=env_str("TAX_MASKINPORTEN_CLIENT_ID", "local-client"),
        key_id=env_str("TAX_MASKINPORTEN_KID", "local-key"),
        local_key=env_str("TAX_MASKINPORTEN_KEY", "") if local else "",
        missing=missing,
    )


@lru_cache(maxsize=1)
def tax_settings() -> TaxSettings:
    return _load()


def signing_key() -> str:
    """The organisation's private key (PEM): the store in prod; locally the
    variable, or the stand-in's own key."""
    from chalicelib.core.secrets import get_secret

    settings = tax_settings()
    local = settings.local_key
    if not local and settings.stand_in:
        from chalicelib.tax import standin

        local = standin.private_key_pem()
    return get_secret(KEY_SECRET, local)
