"""The free-text guard (chalicelib/privacy) refuses what identifies a person,
in any spelling, and lets ordinary notes through."""
from __future__ import annotations

import pytest

from chalicelib.privacy import (
    PUBLIC,
    STAFF,
    VOLUNTEER,
    IdentityInText,
    findings,
    guard_texts,
)
from chalicelib.privacy.patterns import is_national_id

# Valid by both mod-11 control digits: a fødselsnummer, a D-number (day + 40)
# and an H-number (month + 40); none of them belongs to anyone we know.
FNR, DNR, HNR = "12039045697", "52039045680", "01529077756"


def kinds(text: str, audience: str = STAFF, shelters=()) -> list[str]:
    return findings(text, audience, shelters)


def test_the_reported_disbursement_note_is_refused_for_three_reasons():
    assert kinds("Til Maria Hansen, f. 12.03.1990, tlf 912 34 567") == [
        "phone", "birth_date", "name"]


@pytest.mark.parametrize("number", [FNR, DNR])
def test_national_id_and_d_numbers_pass_the_control_digits(number):
    assert is_national_id(number)


def test_a_number_with_a_wrong_control_digit_is_not_a_national_id():
    assert not is_national_id(FNR[:-1] + str((int(FNR[-1]) + 1) % 10))


@pytest.mark.parametrize("typed", [
    FNR, f"{FNR[:6]} {FNR[6:]}", f"{FNR[:2]}.{FNR[2:4]}.{FNR[4:6]} {FNR[6:]}",
    f"fnr: {FNR[:6]}-{FNR[6:]}", "".join(chr(0xFF10 + int(c)) for c in DNR),
    "".join(chr(0x0660 + int(c)) for c in FNR), f"{FNR[:5]}\u200b{FNR[5:]}",
    f"{FNR[:6]}\u00a0{FNR[6:9]}\u00a0{FNR[9:]}", f"ref 1234 {FNR} ok",
])
def test_national_ids_are_found_with_spaces_dots_dashes_and_any_digits(typed):
    assert "national_id" in kinds(typed)


def test_an_eleven_digit_number_failing_the_check_is_not_refused_as_an_id():
    assert "national_id" not in kinds("KID 12345678901")


@pytest.mark.parametrize("typed", ["pass FH1234567", "passnr: 30012345",
                                   "Pasaporte n.º AB123456", "ID-kort 123456789",
                                   "dokument C1234567 utløper"])
def test_passport_like_numbers_are_refused(typed):
    assert "document_number" in kinds(typed)


@pytest.mark.parametrize("typed", ["tlf 912 34 567", "ring 91 23 45 67",
                                   "+47 912 34 567", "004791234567",
                                   "Mob.: 4 1 2 3 4 5 6 7", "+234 803 123 4567",
                                   "９１２３４５６７", "whatsapp 0040721123456"])
def test_phone_numbers_are_refused_in_every_spelling(typed):
    assert "phone" in kinds(typed)


@pytest.mark.parametrize("typed", ["maria.hansen@gmail.com", "m_h+1@example.no",
                                   "maria (at) gmail (dot) com", "maria＠gmail.com",
                                   "maria [at] online.no"])
def test_email_addresses_are_refused_even_when_disguised(typed):
    assert "email" in kinds(typed)


@pytest.mark.parametrize("typed", ["f. 12.03.1990", "født 12/3/1990", "født 1990",
                                   "fødselsdato: 1990-03-12", "DOB 3/12/90",
                                   "nacida el 12 de marzo de 1990",
                                   "born 12 March 1990", "12.03.1990", "1990-03-12",
                                   "f.12.03.90"])
def test_dates_of_birth_are_refused(typed):
    assert "birth_date" in kinds(typed)


@pytest.mark.parametrize("typed", ["Til Maria Hansen", "for Blessing Okafor",
                                   "navn: Ioana Popescu", "Maria Hansen kommer",
                                   "mottaker Kari Nordmann", "hos Laura",
                                   "Betalt til Per Olsen-Berg", "Hente Maria Hansen",
                                   "Ring Ola Nordmann i dag"])
def test_personal_names_in_the_usual_patterns_are_refused(typed):
    assert "name" in kinds(typed)


@pytest.mark.parametrize("typed", [
    "Kjøre matkasser til lageret", "Kjøre til Oslo Legevakt", "Følge til NAV Grünerløkka",
    "Busskort for mars", "Kontroll 24.12.2025, 12 345 678 kr totalt",
    "Transport 350 kr", "Gave fra Kirkens Bymisjon", "Til Stiftelsen Nøkkelen",
    "Overføring til mat, 2 500 kr", "ref. 2026-03-01", "Fra 1. mars",
    "Innkjøp 14.02.2026 på Rema", "Bestilt 2026-03-01, levert 03.03.26",
])
def test_ordinary_notes_pass(typed):
    assert kinds(typed) == []


def test_a_client_code_is_refused_in_text_for_every_audience_in_any_digits():
    for audience in (STAFF, VOLUNTEER, PUBLIC):
        assert "client_code" in kinds("gjelder K-２０２５-０７７", audience)


def test_a_shelter_name_or_address_is_refused_for_volunteers_and_the_public_only():
    shelters = [" lauras hus ", " demoveien 12 "]
    typed = "Kjøre til Laura's  hus, DEMOVEIEN 12"
    assert "shelter" in kinds(typed, VOLUNTEER, shelters)
    assert "shelter" in kinds("Vi trenger sengetøy til Lauras Hus", PUBLIC, shelters)
    assert "shelter" not in kinds(typed, STAFF, shelters)
    assert "shelter" not in kinds("Demoveien 120 lager", VOLUNTEER, shelters)


def test_the_refusal_names_the_field_and_the_kind_never_the_text():
    with pytest.raises(IdentityInText) as refused:
        guard_texts({"note": "tlf 912 34 567", "reason": "ok"}, STAFF)
    assert refused.value.status == 422 and refused.value.code == "identity_in_text"
    assert list(refused.value.fields) == ["note"]
    assert "912" not in refused.value.fields["note"]


def test_an_unknown_audience_is_a_programming_error():
    with pytest.raises(ValueError):
        findings("x", "everyone")
