"""Numbers as the page's language writes them."""

from chalicelib.web.render import environment


def shown(lang: str, expression: str, **values) -> str:
    return environment(lang).from_string("{{ " + expression + " }}").render(**values)


def test_a_volunteers_hours_read_with_a_decimal_comma_in_norwegian_and_spanish():
    assert shown("nb", "(minutes / 60)|decimal(1)", minutes=90) == "1,5"
    assert shown("es", "(minutes / 60)|decimal(1)", minutes=90) == "1,5"
    assert shown("en", "(minutes / 60)|decimal(1)", minutes=90) == "1.5"


def test_whole_numbers_lose_their_decimals_and_thousands_are_grouped():
    assert shown("nb", "n|decimal", n=2.0) == "2"
    assert shown("nb", "n|decimal", n=100012) == "100\u00a0012"
    assert shown("en", "n|decimal", n=100012) == "100,012"
