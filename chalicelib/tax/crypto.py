"""Envelope encryption of identity numbers at rest.

Each number gets its own data key: AES-256-GCM encrypts the number, and the
data key is stored only wrapped. In prod AWS KMS makes and unwraps data keys
(`TAX_KMS_KEY_ID`, GenerateDataKey and Decrypt with an encryption context
naming the tax unit, so a ciphertext moved to another unit does not open); in
the local and test stages a local key wraps them (`TAX_LOCAL_KEY`, 64 hex
characters, or a random key per process: local data lives in memory anyway).
"""

from __future__ import annotations

import base64
import os
import secrets
from functools import lru_cache
from typing import Any, NamedTuple, Protocol

from chalicelib.config import ConfigError, env_str, get_settings

NONCE = 12  # bytes, AES-GCM's standard nonce


class Sealed(NamedTuple):
    """What is stored: the ciphertext and the wrapped data key (base64)."""

    ciphertext: str
    wrapped_key: str


class KeyService(Protocol):
    def data_key(self, context: dict[str, str]) -> tuple[bytes, bytes]: ...
    def unwrap(self, wrapped: bytes, context: dict[str, str]) -> bytes: ...


def _aad(context: dict[str, str]) -> bytes:
    return "&".join(f"{k}={v}" for k, v in sorted(context.items())).encode()


class LocalKeys:
    """Data keys wrapped with one local AES key (local and test stages)."""

    def __init__(self, master: bytes) -> None:
        self.master = master

    def data_key(self, context: dict[str, str]) -> tuple[bytes, bytes]:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        plain, nonce = secrets.token_bytes(32), secrets.token_bytes(NONCE)
        return plain, nonce + AESGCM(self.master).encrypt(nonce, plain, _aad(context))

    def unwrap(self, wrapped: bytes, context: dict[str, str]) -> bytes:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        return AESGCM(self.master).decrypt(wrapped[:NONCE], wrapped[NONCE:],
                                           _aad(context))


class KmsKeys:
    """Data keys from AWS KMS; the plaintext key never leaves this process."""

    def __init__(self, client: Any, key_id: str) -> None:
        self.client, self.key_id = client, key_id

    def data_key(self, context: dict[str, str]) -> tuple[bytes, bytes]:
        answer = self.client.generate_data_key(
            KeyId=self.key_id, KeySpec="AES_256", EncryptionContext=context)
        return answer["Plaintext"], answer["CiphertextBlob"]

    def unwrap(self, wrapped: bytes, context: dict[str, str]) -> bytes:
        answer = self.client.decrypt(CiphertextBlob=wrapped, KeyId=self.key_id,
                                     EncryptionContext=context)
        return bytes(answer["Plaintext"])


@lru_cache(maxsize=1)
def key_service() -> KeyService:
    """KMS in prod, the local key otherwise (settings checked on first use)."""
    settings = get_settings()
    if not settings.is_local:
        import boto3

        key_id = env_str("TAX_KMS_KEY_ID", required=True)
        return KmsKeys(boto3.client("kms", region_name=settings.aws_region), key_id)
    raw = env_str("TAX_LOCAL_KEY", "")
    try:
        master = bytes.fromhex(raw) if raw else os.urandom(32)
    except ValueError:
        raise ConfigError("TAX_LOCAL_KEY must be 64 hex characters") from None
    if len(master) != 32:
        raise ConfigError("TAX_LOCAL_KEY must be 64 hex characters")
    return LocalKeys(master)


def seal(text: str, context: dict[str, str], keys: KeyService | None = None) -> Sealed:
    """`text` encrypted under a new data key bound to `context`."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    plain_key, wrapped = (keys or key_service()).data_key(context)
    nonce = secrets.token_bytes(NONCE)
    sealed = nonce + AESGCM(plain_key).encrypt(nonce, text.encode(), _aad(context))
    return Sealed(base64.b64encode(sealed).decode(), base64.b64encode(wrapped).decode())


def unseal(stored: Sealed, context: dict[str, str],
           keys: KeyService | None = None) -> str:
    """The text back; callers audit every call (tax.requests.reveal)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    plain_key = (keys or key_service()).unwrap(base64.b64decode(stored.wrapped_key),
                                               context)
    raw = base64.b64decode(stored.ciphertext)
    return AESGCM(plain_key).decrypt(raw[:NONCE], raw[NONCE:], _aad(context)).decode()
