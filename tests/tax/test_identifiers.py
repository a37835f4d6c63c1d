"""Identifiers a deduction is reported under: mod-11 checks without I/O.
The valid numbers were cross-checked with python-stdnum's no.fodselsnummer
and no.orgnr."""

import pytest

from chalicelib.tax.identifiers import (
    ORGANISATION,
    PERSON,
    is_d_number,
    is_organisation_number,
    is_person_number,
    kind_of,
    masked,
)

VALID_PERSONS = ["01019010046", "15087710073", "29020050754", "31129910065"]
VALID_D_NUMBERS = ["41019013772", "55127710065", "71039913733"]
VALID_ORGANISATIONS = ["974760673", "923609016", "971526920"]


@pytest.mark.parametrize("number", VALID_PERSONS + VALID_D_NUMBERS)
def test_a_fodselsnummer_or_d_number_with_both_check_digits_right_is_accepted(number):
    assert is_person_number(number)
    assert kind_of(number) == PERSON


@pytest.mark.parametrize("number", VALID_D_NUMBERS)
def test_a_d_number_is_recognised_by_its_first_digit(number):
    assert is_d_number(number)


@pytest.mark.parametrize("number", VALID_PERSONS)
def test_an_ordinary_fodselsnummer_is_not_a_d_number(number):
    assert not is_d_number(number)


@pytest.mark.parametrize("number", VALID_PERSONS + VALID_D_NUMBERS)
@pytest.mark.parametrize("position", [9, 10])
def test_a_wrong_check_digit_is_refused(number, position):
    wrong = str((int(number[position]) + 1) % 10)
    assert not is_person_number(number[:position] + wrong + number[position + 1:])


def test_a_number_whose_first_check_digit_would_be_ten_is_refused():
    # a stem whose first check digit cannot exist: no ending makes it valid
    stems = [f"010190{n:03d}" for n in range(1000)]
    weights = (3, 7, 6, 1, 8, 9, 4, 5, 2)
    ten = next(s for s in stems
               if 11 - sum(int(d) * w for d, w in zip(s, weights, strict=True)) % 11 == 10)
    assert not any(is_person_number(f"{ten}{a}{b}") for a in range(10)
                   for b in range(10))


@pytest.mark.parametrize("number", [
    "3202901004",  # ten digits
    "010190100461",  # twelve digits
    "31029010046",  # 31 February
    "29020150754",  # 29 February 2001
    "0101901004a",
    "٠١٠١٩٠١٠٠٤٦",  # Arabic-Indic digits are digits to Python, not to Skatteetaten
    "",
])
def test_malformed_person_numbers_are_refused(number):
    assert not is_person_number(number)


def test_spaces_people_type_inside_the_number_are_ignored():
    assert is_person_number("010190 100 46")
    assert is_organisation_number("974 760 673")


@pytest.mark.parametrize("number", VALID_ORGANISATIONS)
def test_an_organisation_number_with_its_check_digit_is_accepted(number):
    assert is_organisation_number(number)
    assert kind_of(number) == ORGANISATION


@pytest.mark.parametrize("number", VALID_ORGANISATIONS)
def test_an_organisation_number_with_a_wrong_check_digit_is_refused(number):
    assert not is_organisation_number(number[:8] + str((int(number[8]) + 1) % 10))
    assert kind_of(number[:8] + str((int(number[8]) + 1) % 10)) is None


def test_an_organisation_number_is_not_a_person_and_the_reverse():
    assert not is_person_number("974760673")
    assert not is_organisation_number("01019010046")


def test_a_page_shows_only_the_last_five_digits():
    assert masked("01019010046") == "******10046"
    assert masked("974760673") == "****60673"
