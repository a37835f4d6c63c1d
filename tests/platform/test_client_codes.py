"""Every area reads a client code the same way (chalicelib/clients.py)."""
from __future__ import annotations

import pytest

from chalicelib.clients import mentions_client_code, normalise_client_code


@pytest.mark.parametrize("typed", ["K-2025-031", "k-2025-031", "K-２０２５-０３１",
                                   "K－2025－031", "\tK\u20132025\u2013031 "])
def test_every_spelling_of_a_code_is_one_client(typed):
    assert normalise_client_code(typed) == "K-2025-031"


@pytest.mark.parametrize("typed", ["", "K-2025", "Maria Hansen", "K-2025-03",
                                   "K-٢٠٢٥-٠٣١x", None, 2025])
def test_what_is_not_a_code_is_refused(typed):
    assert normalise_client_code(typed) is None


def test_free_text_carrying_a_code_in_wide_digits_is_noticed():
    assert mentions_client_code("Kjøre K-２０２５-０３１ til legen")
    assert not mentions_client_code("Kjøre matkasser til lageret")
