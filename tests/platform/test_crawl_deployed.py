"""Every role, logged in at the deployed address, follows every link and submits
every form it reaches: none drops the `/api` stage prefix (or gains one under a
custom domain), none is refused by API Gateway, none answers 404 or 500, and
none shows a time in UTC (people read Oslo time)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from app import app
from chalicelib.auth.roles import ALL_ROLES
from chalicelib.demo import load_demo_data
from tests.conftest import DEMO_PASSWORD
from tests.gateway import Gateway, GatewayResponse

CUSTOM_DOMAIN = "hjelp.example.org"
MAX_REQUESTS = 400  # per role: the demo data gives about half of that
FORM_TYPE = {"Content-Type": "application/x-www-form-urlencoded"}


class Links(HTMLParser):
    """The hrefs, srcs and forms (action, method, default fields) of a page,
    and the words a person reads on it (not attributes, scripts or styles)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self.words: set[str] = set()
        self._select: str | None = None
        self._hidden = 0

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.words.update(re.findall(r"[\w][\w\-]*[\w]|\w", data))

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("script", "style", "title"):
            self._hidden += 1
        if tag in ("a", "link") and "href" in a:
            self.links.append(a["href"])
        elif tag in ("img", "script") and "src" in a:
            self.links.append(a["src"])
        elif tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": {},
                               "method": a.get("method", "get").upper()})
        elif self.forms and tag in ("input", "textarea", "button") and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.forms[-1]["fields"].setdefault(a["name"], a.get("value", ""))
        elif self.forms and tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and self.forms:
            self.forms[-1]["fields"].setdefault(self._select, a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag in ("script", "style", "title"):
            self._hidden -= 1


def is_internal(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


class Crawl:
    def __init__(self, browser: Gateway, ids: set[str] = frozenset()) -> None:
        self.browser = browser
        self.ids = ids  # record ids no page may show where a name belongs
        self.seen: set[tuple[str, str, tuple[str, ...]]] = set()
        self.urls: list[str] = []
        self.problems: list[str] = []
        self.queue: list[tuple[str, str, str, str]] = []  # method, url, body, from

    def check_url(self, url: str, where: str) -> bool:
        """Internal URLs must start with the prefix; others are not followed."""
        if not is_internal(url):
            return False
        prefix = self.browser.prefix
        if prefix and not url.startswith(prefix + "/"):
            self.problems.append(f"{url} (on {where}) drops {prefix}")
        # Under a custom domain a link that gains /api matches no route, so
        # API Gateway refuses it: run() reports that.
        return True

    def add(self, method: str, url: str, body: str, where: str) -> None:
        if not self.check_url(url, where):
            return
        # One visit per path and set of query names: ?year=2025 and ?year=2024
        # (or /reports/2025 and /2024) are the same page, else "previous year"
        # would never end.
        parts = urlsplit(url)
        names = tuple(sorted(parse_qs(parts.query, keep_blank_values=True)))
        shape = re.sub(r"/\d+(?=/|$)", "/N", parts.path)  # /reports/2025 ~ /2024
        if (method, shape, names) not in self.seen:
            self.seen.add((method, shape, names))
            self.urls.append(url)
            self.queue.append((method, url, body, where))

    def page(self, response: GatewayResponse, where: str) -> None:
        if "text/html" not in response.headers.get("content-type", ""):
            return
        parsed = Links()
        parsed.feed(response.text)
        if re.search(r"\bUTC\b", response.text):
            self.problems.append(f"{where}: shows a time in UTC")
        shown = sorted(parsed.words & self.ids)
        if shown and not any(page in where.split(" (from")[0] for page in IDS_TYPED_ON):
            self.problems.append(f"{where}: shows ids {shown} instead of names")
        for href in parsed.links:
            if not href.startswith("#") and "/auth/logout" not in href:
                self.add("GET", href, "", where)
        for form in parsed.forms:
            action, fields = form["action"], form["fields"]
            if "/auth/" in action:
                continue  # logging in and out are tested on their own
            if form["method"] == "GET":
                joiner = "&" if "?" in action else "?"
                self.add("GET", action + joiner + urlencode(fields), "", where)
            else:
                self.add("POST", action, urlencode(fields), where)

    def run(self, start: str) -> None:
        self.add("GET", start, "", "start")
        count = 0
        while self.queue and count < MAX_REQUESTS:
            method, url, body, where = self.queue.pop(0)
            count += 1
            response = self.browser.request(
                method, url, body=body, headers=FORM_TYPE if body else {})
            label = f"{method} {url} (from {where})"
            if response.refused_by_gateway:
                self.problems.append(f"{label}: refused by API Gateway")
            elif response.status_code in (404, 500):
                self.problems.append(f"{label}: {response.status_code}")
            if response.location:
                self.add("GET", response.location, "", label)
            self.page(response, label)
        assert count < MAX_REQUESTS, "the crawl did not end: raise MAX_REQUESTS?"


def log_in(browser: Gateway, role: str) -> None:
    form = browser.get(f"{browser.prefix}/auth/login")
    token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    response = browser.post(
        f"{browser.prefix}/auth/login", headers=FORM_TYPE,
        body=f"email={role}%40demo.local&password={DEMO_PASSWORD}&csrf_token={token}")
    assert response.status_code == 303, role


@pytest.fixture
def demo():
    load_demo_data(DEMO_PASSWORD)


def record_ids() -> set[str]:
    """The demo's fund, campaign, item, location and purpose ids that are not
    also words of the page's language (bokmål)."""
    from chalicelib.donations.models import Campaign
    from chalicelib.funds.models import Fund
    from chalicelib.funds.purposes import PURPOSES
    from chalicelib.inkind.models import Item, Stock

    ids = {f.fund_id for f in Fund.scan()} | {c.campaign_id for c in Campaign.scan()}
    ids |= {i.item_id for i in Item.scan()} | {s.location for s in Stock.scan()}
    ids |= set(PURPOSES) | {"stripe", "emergency-cash", "offline"}
    return {i for i in ids if len(i) > 2} - NORWEGIAN_WORDS


NORWEGIAN_WORDS = {"transport", "administrasjon"}
# Pages where staff still type ids, so the page shows them as examples.
IDS_TYPED_ON = {"/staff/audit": "an audit entry names the exact record it touched"}


@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_every_link_and_form_a_role_reaches_at_the_execute_api_address_stays_under_api(
        demo, role):
    browser = Gateway(app)
    log_in(browser, role)
    crawl = Crawl(browser, record_ids())
    crawl.run("/api/me")
    assert crawl.problems == []
    assert len(crawl.urls) > 10  # the crawl really went somewhere


def test_every_public_link_and_form_at_the_execute_api_address_stays_under_api(demo):
    crawl = Crawl(Gateway(app))
    crawl.run("/api/")
    assert crawl.problems == []
    assert any(url.startswith("/api/donate") for url in crawl.urls)


@pytest.mark.parametrize("role", ["admin", "volunteer"])
def test_under_a_custom_domain_every_link_and_form_is_at_the_root(demo, role):
    browser = Gateway(app, host=CUSTOM_DOMAIN)
    log_in(browser, role)
    crawl = Crawl(browser)
    crawl.run("/me")
    assert crawl.problems == []
    assert len(crawl.urls) > 10

