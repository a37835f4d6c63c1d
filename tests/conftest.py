"""Shared fixtures. moto's DynamoDB server starts before any model is imported,
so every test talks to a real DynamoDB endpoint through the production code."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from urllib.parse import urlencode

import pytest

os.environ.update(
    {
        "STAGE": "test",
        "TABLE_PREFIX": "ngo-test",
        "AWS_DEFAULT_REGION": "eu-north-1",
        "AUTH_ISSUER": "http://127.0.0.1/local-idp",
        "AUTH_AUDIENCE": "ngo-platform",
        "DEMO_PASSWORD": "demo-password-for-tests",
    }
)
os.environ.pop("AWS_PROFILE", None)

from devtools.localstack import start_dynamodb  # noqa: E402

DYNAMODB = start_dynamodb()

from chalice.test import Client  # noqa: E402

from app import app  # noqa: E402
from chalicelib.auth.tokens import issue_local_token  # noqa: E402
from chalicelib.db import all_models  # noqa: E402
from chalicelib.web import csrf  # noqa: E402

DEMO_PASSWORD = os.environ["DEMO_PASSWORD"]


def create_tables() -> None:
    for model in all_models():
        if not model.exists():
            model.create_table(wait=False)  # moto's tables are ACTIVE at once


def reset_tables() -> None:
    """Empty every table (cheaper than creating them again for each test)."""
    for model in all_models():
        with model.batch_write() as batch:
            for item in model.scan():
                batch.delete(item)


create_tables()


@pytest.fixture(autouse=True)
def tables():
    reset_tables()
    yield


@pytest.fixture
def client():
    with Client(app, stage_name="test") as test_client:
        yield test_client.http


def token_for(role: str, user_id: str | None = None,
              shelters: list[str] | None = None) -> str:
    """A session token as the local identity provider issues it (`shelters`:
    a partner's own shelters)."""
    return issue_local_token(user_id or f"u-{role}", f"{role}@demo.local", [role],
                             shelters=shelters)


def bearer(role: str, user_id: str | None = None,
           shelters: list[str] | None = None) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token_for(role, user_id, shelters)}",
        "Content-Type": "application/json",
    }


class Browserless:
    """A logged-in browser session for page tests: cookie plus CSRF token."""

    def __init__(self, role: str, user_id: str | None = None,
                 shelters: list[str] | None = None) -> None:
        from chalicelib.auth.tokens import verify

        self.token = token_for(role, user_id, shelters)
        self.csrf = csrf.token_for(verify(self.token)["jti"])
        self.cookie = f"session={self.token}"

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Cookie": self.cookie, **extra}

    def form(
        self, fields: dict[str, object], with_csrf: bool = True
    ) -> tuple[dict, str]:
        data = dict(fields)
        if with_csrf:
            data["csrf_token"] = self.csrf
        headers = self.headers(**{"Content-Type": "application/x-www-form-urlencoded"})
        return headers, urlencode(data, doseq=True)

    def follow(self, client, response, lang: str = "en"):
        """The page a form's redirect leads to, as the browser asks for it:
        with the cookies that response set (a one-time confirmation)."""
        assert response.status_code in (302, 303), response.status_code
        location = response.headers["Location"].split("#")[0]
        sep = "&" if "?" in location else "?"
        return client.get(f"{location}{sep}lang={lang}", headers={
            "Cookie": "; ".join([self.cookie, *set_cookies(response)])})


def set_cookies(response) -> list[str]:
    """`name=value` of each cookie a response sets (none that it clears)."""
    raw = response.headers.get("Set-Cookie") or response.headers.get("set-cookie") or []
    values = raw if isinstance(raw, list) else [raw]
    return [v.split(";")[0] for v in values if "Max-Age=0" not in v]


@pytest.fixture
def session_as():
    return Browserless


def json_body(response) -> dict:
    return json.loads(response.body)


OUTPUT_DIR = Path(__file__).resolve().parents[1] / "test-output"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def live_server():
    """The app behind Chalice's local HTTP server (what `make run` serves)."""
    from devtools.localstack import free_port, make_http_server

    port = free_port()
    server = make_http_server(app, port, stage="test")
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download needed)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab; `page.console_errors` collects console errors."""
    context = browser.new_context(locale="nb-NO")
    tab = context.new_page()
    tab.console_errors = []
    tab.on("console", lambda msg: msg.type == "error" and tab.console_errors.append(
        msg.text))
    tab.on("pageerror", lambda error: tab.console_errors.append(str(error)))
    yield tab
    context.close()


def browser_login(page, base_url: str, role: str) -> None:
    """Log in through the real form as a demo user (load demo users first)."""
    page.goto(f"{base_url}/auth/login?lang=en")
    page.fill("#email", f"{role}@demo.local")
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button[type=submit]")


def screenshot(page, name: str) -> Path:
    OUTPUT_DIR.mkdir(exist_ok=True)
    path = OUTPUT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


__all__ = ["bearer", "browser_login", "json_body", "screenshot", "token_for",
           "DEMO_PASSWORD"]


@pytest.fixture(scope="session")
def package_dir(tmp_path_factory):
    """`make package` output (zip + sam.json), built once per test session."""
    from devtools.package import package

    return package(tmp_path_factory.mktemp("package"))


@pytest.fixture(scope="session")
def lambda_task(package_dir, tmp_path_factory):
    """The zip unpacked as Lambda's read-only /var/task, and a folder with what
    the runtime adds to the path (boto3, botocore), unpacked once per session."""
    from devtools.package import lambda_runtime_path, unpack_read_only

    folder = tmp_path_factory.mktemp("lambda")
    task = unpack_read_only(package_dir / "deployment.zip", folder / "task")
    return task, lambda_runtime_path(folder / "runtime")
