"""An address that matches no route: the 404 page, as API Gateway answers it
in the deployed stack (tests/infra/test_template.py) and `make run` locally."""

from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest


@pytest.mark.parametrize("path", ["/no/such/page", "/staff/no-such-area", "/donat"])
def test_a_mistyped_address_shows_the_not_found_page_not_json(live_server, path):
    with pytest.raises(HTTPError) as answer:
        urlopen(Request(live_server + path, headers={"Accept": "text/html"}))
    error = answer.value
    assert error.code == 404
    assert error.headers["Content-Type"].startswith("text/html")
    assert error.headers["X-Frame-Options"] == "DENY"
    assert error.headers["X-Content-Type-Options"] == "nosniff"
    page = error.read().decode()
    assert "Missing Authentication Token" not in page
    assert '<section lang="nb">' in page and "Fant ikke siden" in page
    assert '<section lang="es">' in page and "Página no encontrada" in page
    assert '<a href="/">Gå til forsiden</a>' in page


def test_a_known_address_with_a_wrong_method_is_not_the_not_found_page(live_server):
    with pytest.raises(HTTPError) as answer:
        urlopen(Request(live_server + "/donate", method="DELETE"))
    assert answer.value.code != 404
