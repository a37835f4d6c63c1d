"""axe-core (axe-playwright-python) in a real Chromium finds no serious or critical
violation on any public page or any page a role reaches, on a phone and on a
desktop, nor on the page a form answers when it is sent with its fields empty."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from chalicelib.auth.roles import ALL_ROLES
from chalicelib.demo import load_demo_data
from tests.conftest import DEMO_PASSWORD, OUTPUT_DIR
from tests.platform.test_crawl_deployed import Links

VIEWPORTS = {"phone": {"width": 390, "height": 844},
             "desktop": {"width": 1366, "height": 768}}
BLOCKING = ("serious", "critical")
PUBLIC_STARTS = ["/", "/auth/login", "/no-such-page"]
# A logged-in walk stays on the pages of work; the public walk covers the rest.
STAFF_AREAS = ("/staff", "/me", "/volunteer/me", "/partner")
MAX_PAGES = 150  # per walk: the demo data gives about a third of that
AXE = Axe()

# Blank every field a person types into, then send the form with its first
# button, skipping the browser's own checks so the server answers.
SEND_EMPTY = """i => {
  const form = document.forms[i];
  form.noValidate = true;
  for (const field of form.elements) {
    if (TYPED.includes(field.type)) field.value = "";
  }
  form.requestSubmit(form.querySelector("button:not([type=button]), input[type=submit]"));
}""".replace("TYPED", json.dumps(
    ["text", "number", "email", "date", "tel", "search", "password", "textarea",
     "url", "datetime-local", "month"]))
# The forms (by index) with a field a person types into, shown on the page.
TYPED_FORMS = """() => [...document.forms].flatMap((form, i) =>
  [...form.elements].some(field => !["hidden", "checkbox", "radio", "submit",
    "button", "select-one", "select-multiple"].includes(field.type)
    && field.offsetParent !== null) ? [i] : [])"""
# axe is injected once per document (it is 570 kB), then run again as is.
RUN_AGAIN = """() => axe.run(document, {resultTypes: ["violations"]})
  .then(results => results.violations)"""


def violations(page) -> list[dict]:
    if page.evaluate("() => typeof window.axe === 'undefined'"):
        return AXE.run(page).response["violations"]
    return page.evaluate(RUN_AGAIN)


ROUTES = json.loads((Path(__file__).parents[2] / "chalicelib/web/routes.json")
                    .read_text())
FIXED = {route["path"] for route in ROUTES if "{" not in route["path"]}
# The routes with a parameter (`/staff/funds/{fund_id}`), as regexes.
PATTERNS = [(re.compile("^" + re.sub(r"\\{\w+\\}", "[^/]+", re.escape(route["path"]))
                        + "$"), route["path"]) for route in ROUTES
            if "{" in route["path"]]


def shape(url: str) -> tuple[str, tuple[str, ...]]:
    """One visit per route and set of query names: a record's id in the path
    (a fund, a client code, a year) and the language make no other page."""
    parts = urlsplit(url)
    path = parts.path if parts.path in FIXED else next(
        (route for pattern, route in PATTERNS if pattern.match(parts.path)), parts.path)
    names = sorted(set(parse_qs(parts.query, keep_blank_values=True)) - {"lang"})
    return path, tuple(names)


class AxeWalk:
    """Opens every page reachable from the start pages in one tab, runs axe in
    each viewport, and sends each form with typed fields once, empty."""

    def __init__(self, page, base: str, inside=lambda path: True) -> None:
        self.page, self.base, self.inside = page, base, inside
        self.seen: set[tuple[str, tuple[str, ...]]] = set()
        self.queue: list[str] = []
        self.pages: dict[str, Counter] = {}  # label -> violations, for the report
        self.problems: list[str] = []

    def add(self, url: str) -> None:
        if not url.startswith("/") or url.startswith("//") or "/auth/logout" in url:
            return
        path = urlsplit(url).path
        if re.search(r"\.\w+$", path) or path.startswith("/api/"):
            return  # downloads, the stylesheet and JSON are no pages
        if self.inside(path) and shape(url) not in self.seen:
            self.seen.add(shape(url))
            self.queue.append(url)

    def check(self, label: str) -> None:
        impacts: Counter = Counter()
        for name, size in VIEWPORTS.items():
            self.page.set_viewport_size(size)
            for rule in violations(self.page):
                impacts[f"{rule['impact']} {rule['id']}"] += len(rule["nodes"])
                if rule["impact"] in BLOCKING:
                    targets = "; ".join(" ".join(node["target"])
                                        for node in rule["nodes"])
                    self.problems.append(f"{label} ({name}): {rule['id']} "
                                         f"[{rule['impact']}] at {targets}")
        self.pages[label] = impacts

    def visit(self, url: str) -> None:
        response = self.page.goto(self.base + url)
        if "text/html" not in (response.headers.get("content-type", "")):
            return
        parsed = Links()
        parsed.feed(self.page.content())
        self.check(url)
        for href in parsed.links:
            self.add(href)
        for form in parsed.forms:
            if form["method"] == "GET" and "/auth/" not in form["action"]:
                joiner = "&" if "?" in form["action"] else "?"
                self.add(form["action"] + joiner + urlencode(form["fields"]))
        self.send_forms_empty(url, parsed.forms)

    def send_forms_empty(self, url: str, forms: list[dict]) -> None:
        typed, sent = self.page.evaluate(TYPED_FORMS), False
        for index, form in enumerate(forms):
            name = form["fields"].get("_form") or shape(form["action"])[0]
            key = (shape(url)[0] + " form " + name, ())
            if form["method"] != "POST" or key in self.seen or index not in typed:
                continue
            self.seen.add(key)
            if sent:
                self.page.goto(self.base + url)
            with self.page.expect_navigation():
                self.page.evaluate(SEND_EMPTY, index)
            sent = True
            self.check(f"{url} form {name} sent empty")

    def send_wrong(self, url: str, values: dict[str, str]) -> None:
        """A form that is valid when empty, sent with a wrong value typed."""
        self.page.goto(self.base + url)
        for selector, value in values.items():
            self.page.fill(selector, value)
        self.page.evaluate("s => document.querySelector(s).form.noValidate = true",
                           selector)
        with self.page.expect_navigation():
            self.page.click(f"form:has({selector}) button[type=submit]")
        self.check(f"{url} sent with {values}")

    def run(self, starts: list[str]) -> None:
        for url in starts:
            self.add(url)
        while self.queue:
            assert len(self.pages) < MAX_PAGES, "the walk did not end"
            self.visit(self.queue.pop(0))

    def report(self, name: str) -> None:
        OUTPUT_DIR.mkdir(exist_ok=True)
        (OUTPUT_DIR / f"axe-{name}.json").write_text(json.dumps(
            {label: dict(impacts) for label, impacts in self.pages.items()},
            indent=1, sort_keys=True))


@pytest.fixture
def tab(browser):
    # bypass_csp: the 404 page is sandboxed (no scripts), axe must still run
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="nb-NO",
                                  bypass_csp=True)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def log_in(tab, base: str, role: str) -> None:
    tab.goto(f"{base}/auth/login")
    tab.fill("#email", f"{role}@demo.local")
    tab.fill("#password", DEMO_PASSWORD)
    with tab.expect_navigation():
        tab.click("main button[type=submit]")


def test_no_public_page_or_its_forms_sent_empty_has_a_serious_axe_violation(
        live_server, tab):
    load_demo_data(DEMO_PASSWORD)
    walk = AxeWalk(tab, live_server,
                   inside=lambda path: not path.startswith(STAFF_AREAS))
    walk.run(PUBLIC_STARTS)
    walk.send_wrong("/donate?lang=es", {"#custom_amount": "doce"})
    assert tab.locator("#custom_amount").get_attribute("aria-invalid") == "true"
    walk.report("public")
    assert not walk.problems, "\n".join(["serious or critical:", *walk.problems])
    assert {"/", "/donate", "/needs", "/volunteer", "/auth/login"} <= set(walk.pages)


@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_no_page_a_role_reaches_or_its_forms_sent_empty_has_a_serious_axe_violation(
        live_server, tab, role):
    load_demo_data(DEMO_PASSWORD)
    log_in(tab, live_server, role)
    walk = AxeWalk(tab, live_server, inside=lambda path: path.startswith(STAFF_AREAS))
    walk.run(["/me" if role in ("volunteer", "shelter") else "/staff"])
    walk.report(role)
    assert not walk.problems, "\n".join(["serious or critical:", *walk.problems])
    assert len(walk.pages) > 2  # the walk really went somewhere


# Every control a keyboard reaches, menus open: its focus outline's colour and width, the
# background around it (the nearest ancestor that paints one) and its own.
FOCUS_RINGS = """() => {
  const painted = el => {
    for (; el; el = el.parentElement) {
      const colour = getComputedStyle(el).backgroundColor;
      if (!/rgba\\(.*, 0\\)|transparent/.test(colour)) return colour;
    }
    return "rgb(255, 255, 255)";
  };
  document.querySelectorAll("details").forEach(details => { details.open = true; });
  const reached = [...document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex='0']")]
    .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden");
  return reached.map(el => {
    el.focus();
    if (document.activeElement !== el) return null;  // in a closed menu
    const style = getComputedStyle(el);
    return {what: el.outerHTML.slice(0, 80), outline: style.outlineColor,
            style: style.outlineStyle, width: parseFloat(style.outlineWidth),
            around: painted(el.parentElement), control: painted(el)};
  }).filter(Boolean);
}"""


def luminance(colour: str) -> float:
    red, green, blue = (int(float(part)) / 255 for part in
                        re.findall(r"[\d.]+", colour)[:3])
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
              for c in (red, green, blue)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def weak_focus_rings(tab, url: str) -> list[str]:
    tab.goto(url)
    weak = []
    for ring in tab.evaluate(FOCUS_RINGS):
        against = {"page": contrast(ring["outline"], ring["around"]),
                   "control": contrast(ring["outline"], ring["control"])}
        if ring["style"] == "none" or ring["width"] < 2 or min(against.values()) < 3:
            weak.append(f"{url}: {ring['what']} outline {ring['outline']} "
                        f"{ring['style']} {ring['width']}px, "
                        + ", ".join(f"{ratio:.1f}:1 on the {name}"
                                    for name, ratio in against.items()))
    return weak


def test_the_focus_ring_has_3_to_1_contrast_with_the_page_and_the_control(
        live_server, tab):
    load_demo_data(DEMO_PASSWORD)
    weak = weak_focus_rings(tab, f"{live_server}/") + weak_focus_rings(
        tab, f"{live_server}/donate")
    log_in(tab, live_server, "admin")
    for path in ("/staff", "/staff/disbursements", "/staff/cash-boxes"):
        weak += weak_focus_rings(tab, live_server + path)
    assert not weak, "\n".join(["focus rings under 3:1:", *weak])
