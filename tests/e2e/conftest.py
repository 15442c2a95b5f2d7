"""End-to-end fixtures: the real app under gunicorn, Debian's chromium driven by Playwright.

``server`` (session): a fresh SQLite instance with a deterministic demo load (150 vendors, seed 7),
the search index built, and gunicorn on a free 127.0.0.1 port. ``browser`` (session): chromium.
``site`` (function): a helper that opens pages (one browser context per user) and checks every page
it is asked to: axe-core (vendored, no serious/critical violations), no console errors, no failed
requests, no horizontal scrolling at 390 px, full-page screenshots at 1280 and 390 px under
``tests/e2e/artifacts/``.

Without /usr/bin/chromium the journeys skip, unless REQUIRE_SERVICES=1 (then they fail).
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "vendor" / "axe.min.js"
ARTIFACTS = HERE / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
DEMO_PASSWORD = "marketplace-demo"
BUYER = "buyer@demo.test"
VENDOR = "vendor@demo.test"
ADMIN = "admin@demo.test"
AXE_ROUTE = "/__e2e__/axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}


def _require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if REQUIRE_SERVICES:
            pytest.fail(f"{CHROMIUM} is missing (REQUIRE_SERVICES=1)")
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the journeys")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if REQUIRE_SERVICES:
            pytest.fail("playwright is not installed (REQUIRE_SERVICES=1)")
        pytest.skip("playwright is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _bin(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


@dataclass
class Server:
    base_url: str
    instance: Path
    env: dict[str, str]
    log: Path

    @property
    def db_path(self) -> Path:
        return self.instance / "marketplace.db"

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Read the app's database (only for what a user would read elsewhere: the outbox)."""
        con = sqlite3.connect(self.db_path, timeout=10)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def flask(self, *args: str) -> str:
        out = subprocess.run(
            [_bin("flask"), "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if out.returncode:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
        return out.stdout + out.stderr

    def latest_mail_link(self, to: str, contains: str) -> str:
        """The newest link containing ``contains`` in a mail to ``to`` (from outbox_emails)."""
        rows = self.query(
            "SELECT body_text FROM outbox_emails WHERE to_address = ? ORDER BY id DESC", (to,)
        )
        for row in rows:
            for body in row:
                for url in re.findall(r"https?://[^\s\"'<>]+", body or ""):
                    if contains in url:
                        return url
        raise AssertionError(f"no mail to {to} with a link containing {contains!r}")


def _wait_http(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status < 500:
                    return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} in {timeout}s:\n{log.read_text()[-3000:]}")


def start_server(
    tmp: Path, extra_env: dict[str, str] | None = None
) -> tuple[Server, subprocess.Popen[bytes]]:
    instance = tmp / "instance"
    instance.mkdir(parents=True)
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    for key in ("DATABASE_URL", "REDIS_URL", "SMTP_HOST", "MARKETPLACE_ENV"):
        env.pop(key, None)
    env.update(
        {
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "e2e-secret-key",
            "RATELIMIT_ENABLED": "false",
            "SERVER_BASE_URL": base_url,
            "COOKIE_SECURE": "false",
            "STRIPE_SECRET_KEY": "",
            "STRIPE_PRICE_PRO": "",
            "STRIPE_WEBHOOK_SECRET": "",
            "STRIPE_API_BASE": "",
        }
    )
    env.update(extra_env or {})
    log = tmp / "gunicorn.log"
    server = Server(base_url, instance, env, log)
    server.flask("db", "upgrade")
    server.flask("demo", "load", "--vendors", "150", "--seed", "7")
    server.flask("search", "reindex")
    with log.open("wb") as log_fh:
        proc = subprocess.Popen(
            [_bin("gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "60", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log_fh,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_http(base_url + "/", proc, log)
    except Exception:
        proc.terminate()
        raise
    return server, proc


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    _require_chromium()
    srv, proc = start_server(tmp_path_factory.mktemp("e2e"))
    yield srv
    stop_server(proc)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Problems:
    console: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def take(self) -> list[str]:
        out = self.console + self.failed
        self.console.clear()
        self.failed.clear()
        return out


class Site:
    """Opens a browser context per user and checks pages; collects the pages checked."""

    checked: dict[str, str] = {}  # page name -> axe summary, across the session

    def __init__(self, browser: Any, server: Server, journey: str) -> None:
        self.browser = browser
        self.server = server
        self.journey = journey
        self.contexts: list[Any] = []
        self.problems: dict[int, Problems] = {}
        self.allowed_statuses: set[int] = set()
        ARTIFACTS.mkdir(exist_ok=True)

    def new_page(self, **context_args: Any) -> Any:
        ctx = self.browser.new_context(
            base_url=self.server.base_url, viewport=DESKTOP, accept_downloads=True, **context_args
        )
        ctx.set_default_timeout(10_000)
        axe_src = AXE_JS.read_text(encoding="utf-8")
        # CSP is script-src 'self': serve axe from the app's origin instead of inlining it.
        ctx.route(
            "**" + AXE_ROUTE,
            lambda route: route.fulfill(
                status=200, content_type="application/javascript", body=axe_src
            ),
        )
        self.contexts.append(ctx)
        page = ctx.new_page()
        probs = Problems()
        self.problems[id(page)] = probs
        page.on(
            "console",
            lambda msg: (
                probs.console.append(f"console.{msg.type}: {msg.text} @ {msg.location}")
                if msg.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda exc: probs.console.append(f"page error: {exc}"))
        page.on(
            "requestfailed",
            lambda req: (
                probs.failed.append(f"request failed: {req.url} ({req.failure})")
                if "net::ERR_ABORTED" not in (req.failure or "")
                else None
            ),
        )

        def on_response(resp: Any) -> None:
            if resp.status >= 400 and resp.status not in self.allowed_statuses:
                probs.failed.append(f"HTTP {resp.status}: {resp.request.method} {resp.url}")

        page.on("response", on_response)
        return page

    def login(self, page: Any, email: str, password: str = DEMO_PASSWORD) -> None:
        page.goto("/login")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        assert "/login" not in page.url, f"sign-in failed for {email}: {page.url}"

    def check(self, page: Any, name: str, *, screenshot: bool = True) -> None:
        """axe + console/request errors + no horizontal scroll at 390 px + screenshots."""
        page.wait_for_load_state("load")
        label = f"{self.journey}-{name}"
        # axe at desktop width.
        page.add_script_tag(url=self.server.base_url + AXE_ROUTE)
        result = page.evaluate(
            """async () => {
                const r = await axe.run(document, {resultTypes: ['violations']});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map(
                        n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
            }"""
        )
        bad = [v for v in result if v["impact"] in ("serious", "critical")]
        minor = [v for v in result if v["impact"] not in ("serious", "critical")]
        summary = (
            "pass"
            if not result
            else ("FAIL " if bad else "pass (minor: ")
            + ", ".join(f"{v['id']}({v['impact']})" for v in result)
            + ("" if bad or not result else ")")
        )
        Site.checked[label] = f"{page.url.replace(self.server.base_url, '')} — axe {summary}"
        assert not bad, f"{label}: axe serious/critical violations:\n" + "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
            for v in bad
        )
        del minor
        if screenshot:
            page.screenshot(path=str(ARTIFACTS / f"{label}-1280.png"), full_page=True)
        # Mobile width: no horizontal scrolling.
        page.set_viewport_size(MOBILE)
        try:
            page.wait_for_timeout(100)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > MOBILE["width"]:
                culprits = page.evaluate(
                    """() => [...document.querySelectorAll('body *')]
                        .filter(e => e.getBoundingClientRect().right > 391)
                        .slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                            (typeof e.className === 'string' && e.className
                                ? '.' + e.className.split(' ').join('.') : '') +
                            ' right=' + Math.round(e.getBoundingClientRect().right))"""
                )
                raise AssertionError(
                    f"{label}: horizontal scroll at 390 px (scrollWidth={width}): {culprits}"
                )
            if screenshot:
                page.screenshot(path=str(ARTIFACTS / f"{label}-390.png"), full_page=True)
        finally:
            page.set_viewport_size(DESKTOP)
        self.assert_clean(page, label)

    def assert_clean(self, page: Any, label: str = "") -> None:
        problems = self.problems[id(page)].take()
        assert not problems, (
            f"{label or page.url}: console errors / failed requests:\n" + "\n".join(problems)
        )

    def close(self) -> None:
        for ctx in self.contexts:
            ctx.close()


@pytest.fixture()
def site(browser: Any, server: Server, request: pytest.FixtureRequest) -> Iterator[Site]:
    journey = request.node.name.removeprefix("test_")
    s = Site(browser, server, journey)
    yield s
    s.close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if Site.checked:
        terminalreporter.section("e2e pages checked (axe-core 4.14.1)")
        for label, summary in Site.checked.items():
            terminalreporter.write_line(f"{label}: {summary}")


def focus_is_visible(page: Any) -> bool:
    """The focused element shows a focus indicator (outline or box-shadow)."""
    return bool(
        page.evaluate(
            """() => {
                const e = document.activeElement;
                if (!e || e === document.body) return false;
                const s = getComputedStyle(e);
                const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
                return outline || (s.boxShadow && s.boxShadow !== 'none');
            }"""
        )
    )


__all__ = ["ADMIN", "BUYER", "DEMO_PASSWORD", "VENDOR", "Server", "Site", "focus_is_visible"]


def wait_url(page: Any, pattern: str, timeout: float = 10_000) -> None:
    """Wait for a URL matching ``pattern``; on timeout, say what the page shows (form errors)."""
    try:
        page.wait_for_url(re.compile(pattern), timeout=timeout)
    except Exception as exc:
        errors = page.locator(".error, .flash").all_inner_texts()
        raise AssertionError(
            f"expected URL ~ {pattern}, still at {page.url}; page says: {errors}"
        ) from exc
