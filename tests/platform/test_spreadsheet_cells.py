"""Text in a CSV download never runs as a formula, whatever the separator."""
from __future__ import annotations

import pytest

from chalicelib.web.spreadsheet import safe_cell


@pytest.mark.parametrize(("text", "shown"), [
    ("=1+1", "'=1+1"),
    ("Kari;=HYPERLINK(\"x\")", "Kari;'=HYPERLINK(\"x\")"),
    ("a, +cmd", "a, '+cmd"),
    ("line\n@SUM(A1)", "line @SUM(A1)"), ("\t-2+3", "\t'-2+3"),
    ("＝1+1", "'＝1+1"),
    ("Sankt Olav menighet", "Sankt Olav menighet"),
])
def test_a_cell_that_could_start_a_formula_is_shown_as_text(text, shown):
    assert safe_cell(text) == shown
