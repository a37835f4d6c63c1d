"""Settings of online donations, read from the environment once."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from chalicelib.config import ConfigError, env_bool, env_int, env_str, get_settings

LOCAL_WEBHOOK_SECRET = "whsec_local_test_mode"  # noqa: S105 - local stage only


class DonationSettings(NamedTuple):
    stripe_secret_key: str  # local stages; prod reads core.secrets (SECRETS_PATH)
    stripe_webhook_secret: str
    secrets_in_store: bool  # SECRETS_PATH is set: Stripe's keys are in the store
    stripe_api_base: str  # empty: Stripe's own API; set in tests (local server)
    min_nok: int
    max_nok: int
    checkout_rate_limit: int
    checkout_rate_window: int
    turnstile_secret: str
    turnstile_site_key: str
    turnstile_verify_url: str
    public_base_url: str
    email_from: str
    organisation: str
    test_checkout_allowed: bool  # no key in a local stage: the test checkout
    stripe_livemode: bool  # what events must say in `livemode`: prod only
    stripe_account: str  # a Connect account events may name; empty: none

    @property
    def stripe_configured(self) -> bool:
        return bool(self.stripe_secret_key) or self.secrets_in_store


def _load() -> DonationSettings:
    local = get_settings().is_local
    minimum = env_int("DONATION_MIN_NOK", 50, minimum=1)
    maximum = env_int("DONATION_MAX_NOK", 100_000, minimum=1)
    if maximum < minimum:
        raise ConfigError("DONATION_MAX_NOK must be at least DONATION_MIN_NOK")
    in_store = bool(env_str("SECRETS_PATH", ""))
    secret_key = env_str("STRIPE_SECRET_KEY", "")
    webhook_secret = env_str(
        "STRIPE_WEBHOOK_SECRET",
        LOCAL_WEBHOOK_SECRET if local else "",
        required=bool(secret_key) and not local and not in_store,
    )
    return DonationSettings(
        stripe_secret_key=secret_key,
        stripe_webhook_secret=webhook_secret,
        secrets_in_store=in_store,
        stripe_api_base=env_str("STRIPE_API_BASE", ""),
        min_nok=minimum,
        max_nok=maximum,
        checkout_rate_limit=env_int("CHECKOUT_RATE_LIMIT", 10, minimum=1),
        checkout_rate_window=env_int("CHECKOUT_RATE_WINDOW", 600, minimum=1),
        turnstile_secret=env_str("TURNSTILE_SECRET", ""),
        turnstile_site_key=env_str("TURNSTILE_SITE_KEY", ""),
        turnstile_verify_url=env_str(
            "TURNSTILE_VERIFY_URL",
            "https://challenges.cloudflare.com/turnstile/v0/siteverify",
        ),
        public_base_url=env_str(
            "PUBLIC_BASE_URL", "http://127.0.0.1:8000", required=not local
        ).rstrip("/"),
        email_from=env_str("EMAIL_FROM", get_settings().mail_from),
        organisation=env_str("ORGANISATION_NAME", "Hjelpesenteret mot menneskehandel"),
        # Never in prod: it credits gifts nobody paid.
        test_checkout_allowed=local
        and not secret_key
        and not in_store
        and env_bool("DONATION_TEST_CHECKOUT", True),
        stripe_livemode=not local,
        stripe_account=env_str("STRIPE_ACCOUNT_ID", ""),
    )


@lru_cache(maxsize=1)
def donation_settings() -> DonationSettings:
    """The validated donation settings of this process."""
    return _load()
