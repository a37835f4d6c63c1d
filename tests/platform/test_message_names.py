"""Messages name records by their translated names, never by their ids."""

from chalicelib.errors import Label, Names
from chalicelib.web.i18n import translate


def test_a_records_name_and_a_catalogue_label_in_a_message_follow_the_readers_language():
    message = "There are only %(available)s of %(item)s at %(location)s."
    item = Names({"nb": "Hygienepakke", "en": "Hygiene pack"}, "hygiene-pack")
    place = Label("Office store room")
    nb = translate("nb", message, available=83, item=item, location=place)
    en = translate("en", message, available=83, item=item, location=place)
    assert "Hygienepakke" in nb and "hygiene-pack" not in nb and "Office" not in nb
    assert en == "There are only 83 of Hygiene pack at Office store room."


def test_a_name_missing_in_a_language_falls_back_to_bokmal_then_the_id():
    assert Names({"nb": "Jul"}, "christmas").in_language("es") == "Jul"
    assert Names({}, "christmas").in_language("es") == "christmas"


def test_a_refusal_names_a_payments_status_in_the_readers_language():
    from chalicelib.disbursements.service import WrongStatus

    paid = WrongStatus("paid")
    assert translate("nb", paid.message, **paid.params) == (
        "Utbetalingen har status betalt og kan ikke endres slik.")
