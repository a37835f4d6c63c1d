"""Finance uploads a bank file in Chromium, checks the preview and imports it."""

from chalicelib.demo import load_demo_data
from chalicelib.gifts.models import Gift
from tests.conftest import DEMO_PASSWORD, browser_login, screenshot

BANK_FILE = ("dato;beløp;referanse;navn\n"
             "01.12.2025;1 234,50;BANK-UPLOAD-1;Bjørnstad Idrettslag\n"
             "02.12.2025;500;BANK-UPLOAD-2;\n")


def test_finance_uploads_a_bank_file_sees_the_preview_and_imports_it(
        live_server, browser, tmp_path):
    load_demo_data(DEMO_PASSWORD)
    path = tmp_path / "desember.csv"
    path.write_text(BANK_FILE, encoding="utf-8")
    for viewport, name in (({"width": 390, "height": 844}, "phone"),
                           ({"width": 1366, "height": 900}, "desktop")):
        context = browser.new_context(locale="nb-NO", viewport=viewport)
        tab = context.new_page()
        browser_login(tab, live_server, "finance")
        tab.wait_for_url(f"{live_server}/staff*")
        tab.goto(f"{live_server}/staff/gifts/import?lang=nb")
        screenshot(tab, f"gifts-upload-form-{name}-nb")
        tab.set_input_files("#file", str(path))
        tab.get_by_role("button", name="Vis forhåndsvisning").click()
        table = tab.locator("main table").last.inner_text()
        assert "BANK-UPLOAD-1" in table and "Bjørnstad Idrettslag" in table
        screenshot(tab, f"gifts-upload-preview-{name}-nb")
        if name == "desktop":
            tab.get_by_role("button", name="Bekreft og importer alle radene").click()
            assert "2 gaver ble importert" in tab.locator("p.notice").inner_text()
        context.close()
    for number in (1, 2):
        assert Gift.get(f"bank#BANK-UPLOAD-{number}").fund_id
