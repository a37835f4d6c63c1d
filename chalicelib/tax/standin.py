"""A stand-in for Maskinporten and the RF-1310 API, for the local stage
(in-process: `make run`'s server answers one request at a time) and, behind
a local HTTP server, for the tests. It checks what a real one would refuse:

- `POST /token`: the JWT grant's RS256 signature against the organisation's
  public key, `aud`, `iss`, the scope and a lifetime of at most 120 s;
- `POST /v1/{inntektsaar}`: the bearer token, a UUID `idempotencyKey`, the
  body against rf1310.SCHEMA, the year of the path, the summary's count and
  sum; the same key with the same body answers the same ids (nothing new),
  with another body 409 GLD_019;
- `GET /v1/{inntektsaar}/{forsendelseId}/tilbakemelding`: the feedback,
  every row accepted but those whose identifier is in `rejects`.

Error bodies (`kode`, `melding`) follow the documented codes (GLD_*); their
exact shape is unverified (docs/tax.md)."""

from __future__ import annotations

import json
import re
import secrets
import threading
import uuid
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs

from chalicelib.tax.settings import SCOPE

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
DELIVERY = re.compile(r"^/v1/([0-9]{4})$")
FEEDBACK = re.compile(r"^/v1/([0-9]{4})/([0-9a-f-]{36})/tilbakemelding$")
Answer = tuple[int, dict[str, Any]]


@lru_cache(maxsize=1)
def _key_pair() -> tuple[str, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def private_key_pem() -> str:
    """This process's stand-in key (local stage only)."""
    return _key_pair()[0]


def public_key_pem() -> str:
    return _key_pair()[1]


def public_of(private_pem: str) -> str:
    """The public key (PEM) of a private one."""
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(private_pem.encode(), None)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _error(status: int, code: str, message: str) -> Answer:
    return status, {"kode": code, "melding": message}


class StandIn:
    """Maskinporten and the RF-1310 API for one organisation's client."""

    def __init__(self, public_key: str, issuer: str, client_id: str) -> None:
        self.public_key, self.issuer, self.client_id = public_key, issuer, client_id
        self.tokens: set[str] = set()
        self.grants: list[dict[str, Any]] = []
        self.deliveries: dict[str, tuple[str, Answer]] = {}  # key -> body, answer
        self.bodies: dict[str, dict[str, Any]] = {}  # forsendelseId -> body
        self.rejects: dict[str, str] = {}  # identifier -> reason
        self.posts = 0
        self._lock = threading.Lock()

    def handle(self, method: str, path: str, headers: dict[str, str],
               raw: bytes) -> Answer:
        headers = {k.lower(): v for k, v in headers.items()}
        path = path.split("?")[0]
        if method == "POST" and path == "/token":
            return self.token(raw.decode())
        bearer = headers.get("authorization", "")
        if bearer[7:] not in self.tokens or not bearer.startswith("Bearer "):
            return _error(401, "GLD_004", "GLD_1008 Ugyldig token")
        if method == "POST" and (match := DELIVERY.match(path)):
            return self.deliver(int(match.group(1)), headers, raw)
        if method == "GET" and (match := FEEDBACK.match(path)):
            return self.feedback(match.group(2))
        return _error(404, "GLD_021", "GLD_1023 Finner ingen ressurs for denne urlen")

    def token(self, form: str) -> Answer:
        import jwt

        fields = {k: v[0] for k, v in parse_qs(form).items()}
        if fields.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return 400, {"error": "unsupported_grant_type"}
        try:
            claims = jwt.decode(fields.get("assertion", ""), self.public_key,
                                algorithms=["RS256"], audience=self.issuer + "/",
                                issuer=self.client_id,
                                options={"require": ["exp", "iat", "jti"]})
        except jwt.InvalidTokenError as error:
            return 400, {"error": "invalid_grant", "error_description": str(error)}
        if claims.get("scope") != SCOPE or claims["exp"] - claims["iat"] > 120:
            return 400, {"error": "invalid_scope"}
        self.grants.append(claims)
        token = secrets.token_urlsafe(24)
        self.tokens.add(token)
        return 200, {"access_token": token, "token_type": "Bearer",
                     "expires_in": 120, "scope": SCOPE}

    def deliver(self, year: int, headers: dict[str, str], raw: bytes) -> Answer:
        key = headers.get("idempotencykey", "")
        if not UUID.match(key):
            return _error(400, "GLD_006", "GLD_1028 Header mangler: idempotencyKey")
        problem = self.problem(year, raw)
        if problem:
            return _error(400, "GLD_010", problem)
        with self._lock:
            self.posts += 1
            if key in self.deliveries:
                sent, answer = self.deliveries[key]
                if sent != raw.decode():
                    return _error(409, "GLD_019", "Idempotensnøkkel er benyttet "
                                  "tidligere")
                return answer
            body = json.loads(raw)["leveranse"]
            answer = (200, {"dialogId": str(uuid.uuid4()),
                            "forsendelseId": str(uuid.uuid4()),
                            "oppgavegiversLeveranseReferanse":
                                body.get("oppgavegiversLeveranseReferanse", ""),
                            "antallOppgaver": len(body["oppgave"])})
            self.deliveries[key] = (raw.decode(), answer)
            self.bodies[answer[1]["forsendelseId"]] = body
            return answer

    @staticmethod
    def problem(year: int, raw: bytes) -> str:
        """What the API would refuse in the body, or ''."""
        import jsonschema

        from chalicelib.tax.rf1310 import SCHEMA

        try:
            body = json.loads(raw)
            jsonschema.validate(body, SCHEMA)
        except (ValueError, jsonschema.ValidationError) as error:
            where = "/".join(str(p) for p in getattr(error, "absolute_path", []))
            return f"{where}: {getattr(error, 'message', error)}"[:500]
        delivery = body["leveranse"]
        if delivery["inntektsaar"] != str(year):
            return "GLD_1052 Inntektsår i path og i innsending er ulike"
        summary = delivery["oppgaveoppsummering"]
        total = sum(int(row["beloep"]) for row in delivery["oppgave"])
        if (int(summary["antallOppgaver"]) != len(delivery["oppgave"])
                or int(summary["sumBeloep"]) != total):
            return "oppgaveoppsummering stemmer ikke med oppgavene"
        return ""

    def feedback(self, forsendelse: str) -> Answer:
        body = self.bodies.get(forsendelse)
        if body is None:
            return _error(404, "GLD_021", "GLD_1061 Det finnes ingen forsendelse med "
                                          "denne IDen")
        rejected = []
        for row in body["oppgave"]:
            owner = row["oppgaveeier"]
            number = owner.get("foedselsnummer") or owner.get("organisasjonsnummer")
            if number in self.rejects:
                rejected.append({"oppgaveeier": {k: v for k, v in owner.items()
                                                 if k != "navn"},
                                 "melding": self.rejects[number]})
        return 200, {"status": "behandlet", "avvik": rejected}


_local: StandIn | None = None


def local() -> StandIn:
    """The local stage's stand-in (one per process)."""
    global _local
    if _local is None:
        from chalicelib.tax.settings import tax_settings

        settings = tax_settings()
        public = (public_of(settings.local_key) if settings.local_key
                  else public_key_pem())
        _local = StandIn(public, settings.maskinporten, settings.client_id)
    return _local
