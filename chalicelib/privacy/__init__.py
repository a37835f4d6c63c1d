"""The free-text guard: the one check every field that staff or the public
type into goes through before anything is stored.

Each field declares who will read it (`PUBLIC`, `VOLUNTEER` or `STAFF`) and
gets that audience's rules. Every audience is refused national identity and
D-numbers, passport-like numbers, phone numbers, email addresses, dates of
birth, personal names and client codes (a code has its own field; text that
carries one links records others read). Text for volunteers or the public is
also refused any registered shelter's name or address.

    guard_texts({"note": note}, STAFF)   # raises IdentityInText, writes nothing

The refusal names the field and the kind of identity, never the text found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from chalicelib.errors import N_, ValidationFailed
from chalicelib.privacy import patterns
from chalicelib.privacy.patterns import plain

PUBLIC, VOLUNTEER, STAFF = "public", "volunteer", "staff"
AUDIENCES = (PUBLIC, VOLUNTEER, STAFF)

# (kind, finder, message), in the order a refusal names them.
RULES: list[tuple[str, Callable[[str], bool], str]] = [
    ("national_id", patterns.has_national_id,
     N_("Remove the national identity number (fødselsnummer or D-number).")),
    ("document_number", patterns.has_document_number,
     N_("Remove the passport or ID document number.")),
    ("email", patterns.has_email, N_("Remove the email address.")),
    ("phone", patterns.has_phone, N_("Remove the phone number.")),
    ("birth_date", patterns.has_birth_date, N_("Remove the date of birth.")),
    ("client_code", patterns.has_client_code,
     N_("Remove the client code: others read this text. A client code goes only "
        "in its own field.")),
]
SHELTER_MESSAGE = N_("Remove the shelter's name or address: volunteers and the "
                     "public must never learn where a shelter is.")
NAME_MESSAGE = N_("Remove the person's name. Refer to a client only by the client "
                  "code field.")


class IdentityInText(ValidationFailed):
    """Free text would carry an identity; `fields` says which and what kind."""

    code = "identity_in_text"
    status = 422
    message = N_("Nothing was saved: some text could identify a person or a "
                 "shelter.")


def _words(text: str) -> str:
    """Lower case, apostrophes dropped, anything else but letters and digits a
    space: "Laura's  Hus," and "lauras hus" read the same."""
    text = re.sub(r"['’`´]", "", plain(text).casefold())
    return " " + " ".join(re.findall(r"\w+", text)) + " "


def shelter_phrases() -> list[str]:
    """Every registered shelter's name, address and street line (as `_words`)."""
    from chalicelib.shelters.models import Shelter, ShelterSecret  # a short list

    phrases: set[str] = set()
    for shelter in Shelter.scan():
        phrases.add(_words(shelter.name))
    for secret in ShelterSecret.scan():
        for part in re.split(r"[,;(\n]", secret.address or ""):
            phrases.add(_words(part))
            street = re.match(r"\D+\d+\s*[a-zA-Z]?\b", part.strip())
            if street:
                phrases.add(_words(street.group(0)))
    return sorted(p for p in phrases if len(p.strip()) >= 4)


def findings(text: str, audience: str, shelters: Iterable[str] = ()) -> list[str]:
    """The kinds of identity `text` carries for `audience`, in refusal order."""
    if audience not in AUDIENCES:
        raise ValueError(audience)
    flat = plain(text)
    found = [kind for kind, finder, _ in RULES if finder(flat)]
    if audience != STAFF:
        spoken = _words(text)
        if any(phrase in spoken for phrase in shelters):
            found.append("shelter")
    if patterns.has_name(flat):
        found.append("name")
    return found


def _message(kind: str) -> str:
    if kind == "shelter":
        return SHELTER_MESSAGE
    if kind == "name":
        return NAME_MESSAGE
    return next(message for k, _, message in RULES if k == kind)


def refusals(texts: Mapping[str, object], audience: str) -> dict[str, str]:
    """{field: message} for each field of `texts` that carries an identity."""
    values = {k: v for k, v in texts.items() if isinstance(v, str) and v.strip()}
    if not values:
        return {}
    shelters = shelter_phrases() if audience != STAFF else []
    fields = {}
    for field, text in values.items():
        found = findings(str(text), audience, shelters)
        if found:
            fields[field] = _message(found[0])
    return fields


def refuse(fields: Mapping[str, str], identity: Mapping[str, str]) -> None:
    """Raise for a form's field errors plus its identity refusals: IdentityInText
    (422) when any text carries an identity, ValidationFailed otherwise."""
    if identity:
        raise IdentityInText({**fields, **identity})
    if fields:
        raise ValidationFailed(dict(fields))


def guard_texts(texts: Mapping[str, object], audience: str) -> None:
    """Refuse (IdentityInText, 422) when any of `texts` carries an identity."""
    fields = refusals(texts, audience)
    if fields:
        raise IdentityInText(fields)


__all__ = ["AUDIENCES", "PUBLIC", "STAFF", "VOLUNTEER", "IdentityInText",
           "findings", "guard_texts", "refusals", "refuse", "shelter_phrases"]
