"""The RF-1310 delivery ("innrapportering gaver til frivillige
organisasjoner") as JSON and as the XML file, built from plain values.

Shape (NORWAY.md; Skatteetaten/api-dokumentasjon innrapportering-
gavertilfrivillige.md and its example): one `leveranse` for one
organisation and one income year; amounts, counts and the year are strings
of digits in whole kroner; each `oppgaveeier` has a `foedselsnummer`
(also D-numbers) or an `organisasjonsnummer`, and a `navn`. The XML file
uses the same element names in the namespace below (schema v2_0; the
schema file itself was not available to check against: docs/tax.md)."""

from __future__ import annotations

from typing import Any, NamedTuple

from chalicelib.tax.identifiers import PERSON
from chalicelib.tax.settings import TaxSettings

XML_NAMESPACE = "urn:ske:fastsetting:innsamling:gavefrivilligorganisasjon:v2"
ORDINARY = "ordinaer"
DIGITS = {"type": "string", "pattern": "^[0-9]+$"}


class Line(NamedTuple):
    """One unit as reported: its identifier in clear (report only)."""

    unit_key: str
    kind: str  # person | organisation
    identifier: str
    name: str
    kroner: int


def kroner(ore: int) -> int:
    """Whole kroner, rounded down: never more than was given."""
    return max(ore, 0) // 100


def _owner(line: Line) -> dict[str, str]:
    field = "foedselsnummer" if line.kind == PERSON else "organisasjonsnummer"
    return {field: line.identifier, "navn": line.name}


def body(settings: TaxSettings, year: int, reference: str,
         lines: list[Line]) -> dict[str, Any]:
    """The JSON body of `POST /v1/{inntektsaar}`."""
    return {"leveranse": {
        "kildesystem": settings.source_system,
        "oppgavegiver": {
            "organisasjonsnummer": settings.organisation_number,
            "kontaktinformasjon": {
                "navn": settings.contact_name,
                "telefonnummer": settings.contact_phone,
                "varselEpostadresse": settings.contact_email,
                **({"varselSmsMobilnummer": settings.contact_sms}
                   if settings.contact_sms else {})}},
        "inntektsaar": str(year),
        "oppgavegiversLeveranseReferanse": reference,
        "leveransetype": ORDINARY,
        "oppgave": [{"oppgaveeier": _owner(line), "beloep": str(line.kroner)}
                    for line in lines],
        "oppgaveoppsummering": {
            "antallOppgaver": str(len(lines)),
            "sumBeloep": str(sum(line.kroner for line in lines))},
    }}


def _closed(properties: dict[str, Any], required: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(required),
            "additionalProperties": False}


_TEXT = {"type": "string", "minLength": 1}
_OWNER = {"oneOf": [
    _closed({"foedselsnummer": {"type": "string", "pattern": "^[0-9]{11}$"},
             "navn": _TEXT}, ("foedselsnummer", "navn")),
    _closed({"organisasjonsnummer": {"type": "string", "pattern": "^[0-9]{9}$"},
             "navn": _TEXT}, ("organisasjonsnummer", "navn"))]}
#: JSON Schema of the body, from the documented fields only (the published
#: schema is on SwaggerHub, not in the sources checked: docs/tax.md).
SCHEMA: dict[str, Any] = _closed({"leveranse": _closed({
    "kildesystem": _TEXT,
    "oppgavegiver": _closed({
        "organisasjonsnummer": {"type": "string", "pattern": "^[0-9]{9}$"},
        "kontaktinformasjon": _closed({
            "navn": _TEXT, "telefonnummer": _TEXT, "varselEpostadresse": _TEXT,
            "varselSmsMobilnummer": _TEXT},
            ("navn", "telefonnummer", "varselEpostadresse"))},
        ("organisasjonsnummer", "kontaktinformasjon")),
    "inntektsaar": {"type": "string", "pattern": "^[0-9]{4}$"},
    "oppgavegiversLeveranseReferanse": {"type": "string", "maxLength": 200},
    "leveransetype": {"enum": [ORDINARY]},
    "oppgave": {"type": "array", "items": _closed(
        {"oppgaveeier": _OWNER, "beloep": DIGITS}, ("oppgaveeier", "beloep"))},
    "oppgaveoppsummering": _closed(
        {"antallOppgaver": DIGITS, "sumBeloep": DIGITS},
        ("antallOppgaver", "sumBeloep")),
}, ("kildesystem", "oppgavegiver", "inntektsaar", "leveransetype", "oppgave",
    "oppgaveoppsummering"))}, ("leveranse",))


def _element(parent: Any, name: str, value: Any) -> None:
    from xml.etree import ElementTree as ET

    child = ET.SubElement(parent, f"{{{XML_NAMESPACE}}}{name}")
    if isinstance(value, dict):
        for key, inner in value.items():
            _element(child, key, inner)
    else:
        child.text = str(value)


def xml_file(delivery: dict[str, Any]) -> bytes:
    """The same delivery as the XML file (one `oppgave` element per unit)."""
    from xml.etree import ElementTree as ET

    ET.register_namespace("", XML_NAMESPACE)
    root = ET.Element(f"{{{XML_NAMESPACE}}}melding")
    leveranse = ET.SubElement(root, f"{{{XML_NAMESPACE}}}leveranse")
    for key, value in delivery["leveranse"].items():
        for item in value if isinstance(value, list) else [value]:
            _element(leveranse, key, item)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
