"""Norwegian identifiers a tax deduction is reported under, checked without I/O.

A fødselsnummer or D-number has 11 digits and two mod-11 check digits (a
D-number adds 4 to the first digit of the day, so it starts with 4-7); an
organisation number has 9 digits and one mod-11 check digit.
"""

from __future__ import annotations

from datetime import date

PERSON, ORGANISATION = "person", "organisation"
_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_ORG = (3, 2, 7, 6, 5, 4, 3, 2)


def _check_digit(digits: str, weights: tuple[int, ...]) -> int | None:
    """The mod-11 check digit, or None when the number cannot have one."""
    rest = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    if rest == 11:
        return 0
    return None if rest == 10 else rest


def with_check_digits(base: str) -> str | None:
    """The 11-digit number whose first nine digits are `base`, or None when
    no check digits fit (demo data and benchmarks make numbers with it)."""
    first = _check_digit(base, _K1)
    second = None if first is None else _check_digit(base + str(first), _K2)
    return None if second is None else f"{base}{first}{second}"


def normalise(raw: str) -> str:
    """The digits as typed, without the spaces people put in (`010190 12345`)."""
    return "".join(raw.split()).replace(".", "").replace("-", "")


def _centuries(year: int, individual: int) -> list[int]:
    """The birth years the individual number allows (Folkeregisteret's table)."""
    found = []
    if individual < 500:
        found.append(1900 + year)
    if 500 <= individual < 750 and year >= 54:
        found.append(1800 + year)
    if individual >= 500 and year < 40:
        found.append(2000 + year)
    if individual >= 900 and year >= 40:
        found.append(1900 + year)
    return found


def _birth_date_exists(number: str) -> bool:
    day, month = int(number[0:2]), int(number[2:4])
    if day > 40:  # D-number
        day -= 40
    if month > 80:  # synthetic numbers of Skatteetaten's test population
        month -= 80
    for year in _centuries(int(number[4:6]), int(number[6:9])):
        try:
            born = date(year, month, day)
        except ValueError:
            continue
        if born <= date.today():
            return True
    return False


def is_person_number(raw: str) -> bool:
    """True for a fødselsnummer or D-number with correct check digits."""
    number = normalise(raw)
    if len(number) != 11 or not number.isascii() or not number.isdigit():
        return False
    first = _check_digit(number[:9], _K1)
    second = _check_digit(number[:10], _K2)
    return (first is not None and second is not None
            and number[9:] == f"{first}{second}" and _birth_date_exists(number))


def is_d_number(raw: str) -> bool:
    number = normalise(raw)
    return is_person_number(number) and number[0] in "4567"


def is_organisation_number(raw: str) -> bool:
    """True for a 9-digit organisation number with a correct check digit."""
    number = normalise(raw)
    if len(number) != 9 or not number.isascii() or not number.isdigit():
        return False
    check = _check_digit(number[:8], _ORG)
    return check is not None and number[8] == str(check)


def kind_of(raw: str) -> str | None:
    """PERSON, ORGANISATION, or None when the number is neither."""
    if is_person_number(raw):
        return PERSON
    if is_organisation_number(raw):
        return ORGANISATION
    return None


def masked(number: str) -> str:
    """What a page may show of an identifier: `******12345` (last five)."""
    digits = normalise(number)
    return "*" * max(len(digits) - 5, 0) + digits[-5:]
