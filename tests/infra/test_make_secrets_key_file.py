"""`make secrets SKATTEETATEN_KEY_FILE=<key>.pem`: the Maskinporten key, a
PEM of many lines a terminal prompt cannot take, is read from a file and
stored whole where the function reads it."""
from __future__ import annotations

import os

import boto3
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from devtools import secrets

STACK = "key-file-test"
NAME = f"/{STACK}/skatteetaten-private-key"


@pytest.fixture
def ssm(monkeypatch):
    monkeypatch.setenv("STACK", STACK)
    monkeypatch.setenv("AWS_ENDPOINT_URL", os.environ["DYNAMODB_HOST"])
    monkeypatch.setattr(secrets.getpass, "getpass", lambda prompt: "")
    client = boto3.client("ssm", region_name="eu-north-1",
                          endpoint_url=os.environ["DYNAMODB_HOST"])
    try:
        client.delete_parameter(Name=NAME)
    except client.exceptions.ParameterNotFound:
        pass
    return client


def pem(key, password: bytes | None = None) -> bytes:
    encryption = (serialization.BestAvailableEncryption(password) if password
                  else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.PKCS8, encryption)


def stored(ssm):
    try:
        return ssm.get_parameter(Name=NAME, WithDecryption=True)["Parameter"]
    except ssm.exceptions.ParameterNotFound:
        return None


def test_the_operator_stores_the_maskinporten_key_from_its_pem_file(
        ssm, monkeypatch, tmp_path, capsys):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "maskinporten.pem"
    path.write_bytes(pem(key))
    monkeypatch.setenv("SKATTEETATEN_KEY_FILE", str(path))
    assert secrets.main() == 0
    parameter = stored(ssm)
    assert parameter["Type"] == "SecureString"
    assert parameter["Value"] == path.read_text()  # every line of it
    # What the function reads signs a grant Maskinporten can check.
    grant = jwt.encode({"iss": "client"}, parameter["Value"], algorithm="RS256")
    assert jwt.decode(grant, key.public_key(), algorithms=["RS256"]) == {"iss": "client"}
    out = capsys.readouterr().out
    assert NAME in out and "PRIVATE KEY" not in out


@pytest.mark.parametrize("content, says", [
    (None, "no file at"),
    (b"not a key\n", "holds no PEM private key"),
    ("passphrase", "protected by a passphrase"),
    ("ec", "not an RSA key"),
])
def test_a_file_that_is_not_an_rsa_key_is_refused_before_anything_is_asked(
        ssm, monkeypatch, tmp_path, capsys, content, says):
    path = tmp_path / "key.pem"
    if content == "passphrase":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.write_bytes(pem(key, b"secret words"))
    elif content == "ec":
        path.write_bytes(pem(ec.generate_private_key(ec.SECP256R1())))
    elif content is not None:
        path.write_bytes(content)
    monkeypatch.setenv("SKATTEETATEN_KEY_FILE", str(path))

    def asked(prompt):
        raise AssertionError("asked for a secret before the key file was checked")

    monkeypatch.setattr(secrets.getpass, "getpass", asked)
    assert secrets.main() == 2
    err = capsys.readouterr().err
    assert "SKATTEETATEN_KEY_FILE" in err and says in err
    if path.exists():  # nothing of the file is printed
        assert not [line for line in path.read_text().splitlines()
                    if "-----" not in line and line in err]
    assert stored(ssm) is None


def test_without_the_file_the_stored_key_is_kept_and_the_operator_is_told_how(
        ssm, monkeypatch, capsys):
    ssm.put_parameter(Name=NAME, Value="stored before", Type="SecureString")
    monkeypatch.delenv("SKATTEETATEN_KEY_FILE", raising=False)
    assert secrets.main() == 0
    assert stored(ssm)["Value"] == "stored before"
    assert "SKATTEETATEN_KEY_FILE=<key>.pem" in capsys.readouterr().out
