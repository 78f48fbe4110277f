"""The widget demo and the dashboard in a real headless Chromium, against a real server.

Needs Debian's chromium (`make test` installs it when missing and it can) and Playwright's
Python package, which drives that browser: Playwright never downloads one of its own here.
Screenshots go to docs/screenshots/, where the README shows them.
"""

from __future__ import annotations

import json
import random
import re
import threading
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from app.core.config import Settings
from app.core.domain import Scores
from app.main import create_app
from app.tenancy.keys import create_key
from scripts.demo_data import seed
from tests.conftest import FakeClassifier, make_scores
from tests.live_server import free_socket, serving

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing: `make test` installs Debian's chromium as root "
        "(apt-get install chromium)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]'")
expect = sync_api.expect

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ANGRY = (
    "I want to speak to your manager right now, this is the third time I'm writing! Unacceptable!!"
)
CALM = "Hello, could you tell me your opening hours on Saturday?"
# Chromium reports a refused, failed or CORS-blocked request on the console itself; that is
# the browser's note, not an error of the page.
NETWORK_NOISE = ("net::ERR_", "Failed to load resource", "blocked by CORS policy")


class KeywordClassifier(FakeClassifier):
    """The suite's fake model, naming a root cause from a few words, so the dashboard has
    the variety real traffic has; the rest of the engine runs for real."""

    CAUSES = (
        (("charged", "payment", "bill", "refund", "invoice"), "billing"),
        (("broke", "crash", "damaged", "fault", "not fixed"), "service_failure"),
        (("passed away", "lost my job"), "personal_stress"),
        (("confused", "understand", "thought"), "miscommunication"),
        (("supposed to", "promised"), "missed_promise"),
        (("parcel", "arrive", "tracking", "order"), "delay"),
    )

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Scores]:
        out = super().predict(texts, batch_size=batch_size)
        for i, text in enumerate(texts):
            lowered = text.lower()
            for words, cause in self.CAUSES:
                if any(w in lowered for w in words):
                    scores = out[i]
                    negative = max(scores.sentiment["negative"], 0.55)
                    out[i] = make_scores(
                        negative=negative, positive=0.05, root_cause=cause, anger=0.5
                    )
                    break
        return out


@dataclass
class Server:
    url: str
    app: Any


@dataclass
class Console:
    """What the page said: console messages by type, and uncaught errors."""

    messages: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def of(self, kind: str) -> list[str]:
        return [text for t, text in self.messages if t == kind]

    def page_errors(self) -> list[str]:
        """Uncaught exceptions and console errors that are not the browser's network notes."""
        console = [e for e in self.of("error") if not any(n in e for n in NETWORK_NOISE)]
        return self.errors + console


@contextmanager
def running(settings: Settings) -> Iterator[Server]:
    """A real uvicorn on a free loopback port, the fake model behind it."""
    app = create_app(settings, classifier=KeywordClassifier())
    with serving(app) as port:
        yield Server(f"http://127.0.0.1:{port}", app)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running(Settings(data_dir=tmp_path_factory.mktemp("browser") / "data")) as started:
        yield started


@pytest.fixture(scope="module")
def keyed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The same with API keys required, as the Docker image runs it."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("keyed") / "data", auth=True)
    with running(settings) as started:
        yield started


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        # Root in a container: Chromium's sandbox needs user namespaces it may not have.
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Console]]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    opened = context.new_page()
    opened.set_default_timeout(20_000)
    console = Console()
    opened.on("console", lambda m: console.messages.append((m.type, m.text)))
    opened.on("pageerror", lambda e: console.errors.append(str(e)))
    yield opened, console
    context.close()


def post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def get(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def banner(page: Any) -> Any:
    # Playwright's CSS selectors reach into the widget's open shadow root.
    return page.locator("[data-triage-widget] .b")


def test_an_angry_message_is_flagged_with_its_evidence(
    server: Server, page: tuple[Any, Console]
) -> None:
    tab, console = page
    expected = post(f"{server.url}/v1/screen", {"text": ANGRY, "suggest": True})
    tab.goto(f"{server.url}/demo")
    tab.fill("#message", ANGRY)
    banner(tab).wait_for()

    shown = banner(tab)
    assert shown.get_attribute("data-flagged") == "true"
    assert shown.locator(".c.type").text_content() == expected["customer_type"]
    assert expected["customer_type"] in ("angry", "demanding")
    assert f"{expected['priority']} priority" in shown.text_content()
    for trigger in expected["triggers"]:
        item = shown.locator(f"li[data-trigger={trigger['type']}]")
        assert item.locator("mark").text_content() == trigger["evidence"]
    assert shown.locator("li[data-trigger=human_request] mark").text_content() == (
        "speak to your manager"
    )
    status = tab.locator("#status").text_content()
    assert status.startswith(f"Flagged ({expected['priority']} priority)")

    # A suggested reply, clicked, lands in the agent's reply box and is remembered.
    first = expected["suggestions"][0]
    shown.locator(f".r button[data-id='{first['id']}']").click()
    assert tab.input_value("#reply") == first["text"]
    assert tab.evaluate("TriageWidget.instances[0].used") == [first["id"]]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "demo-widget.png"))
    assert console.page_errors() == []


def test_a_calm_message_shows_no_banner(server: Server, page: tuple[Any, Console]) -> None:
    tab, console = page
    tab.goto(f"{server.url}/demo")
    tab.fill("#message", ANGRY)
    banner(tab).wait_for()
    tab.fill("#message", CALM)
    expect(tab.locator("#status")).to_have_text(re.compile("^Not flagged"))
    assert banner(tab).count() == 0
    assert console.page_errors() == []


HOST_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>A shop's support console</title></head><body>
<textarea id="chat"></textarea><textarea id="answer"></textarea><p id="status">ready</p>
<script src="{widget}" data-target="#chat" data-reply="#answer" {attributes} async></script>
<script src="/host.js"></script>
</body></html>"""
HOST_SCRIPT = """const chat = document.getElementById("chat");
const say = (text) => { document.getElementById("status").textContent = text; };
chat.addEventListener("triage:result", (e) => say("flagged: " + e.detail.flagged));
chat.addEventListener("triage:unavailable", (e) => say("unavailable: " + e.detail.reason));"""


@contextmanager
def host_site(files: dict[str, str]) -> Iterator[str]:
    """Another site on its own port, serving the given files, where the widget is embedded;
    a POST gets a 503."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            kind = "text/html" if self.path.endswith(".html") else "text/javascript"
            self.send_response(200)
            self.send_header("content-type", f"{kind}; charset=utf-8")
            self.end_headers()
            self.wfile.write(body.encode())

        def do_POST(self) -> None:
            # The service behind the site, failing as one does while its model still loads.
            self.rfile.read(int(self.headers.get("content-length", 0)))
            body = json.dumps({"status": 503, "code": "model_not_ready"}).encode()
            self.send_response(503)
            self.send_header("content-type", "application/problem+json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    site = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{site.server_address[1]}"
    finally:
        site.shutdown()
        site.server_close()


@pytest.mark.parametrize("failure", ["refused", "silent", "error status"])
def test_the_widget_fails_open(server: Server, page: tuple[Any, Console], failure: str) -> None:
    """Embedded on another site with the service down, hanging or failing: no banner, a
    console warning, and the site works on."""
    tab, console = page
    silent = free_socket()
    silent.listen()  # accepts connections, never answers
    closed = free_socket()  # bound, not listening: connections are refused
    files = {"/host.js": HOST_SCRIPT}
    try:
        with host_site(files) as site:
            api = {
                "refused": f"http://127.0.0.1:{closed.getsockname()[1]}",
                "silent": f"http://127.0.0.1:{silent.getsockname()[1]}",
                "error status": f"{site}/api",
            }[failure]
            files["/support.html"] = HOST_PAGE.format(
                widget=f"{server.url}/widget.js",
                attributes=f'data-api="{api}" data-timeout="500" data-debounce="100"',
            )
            tab.goto(f"{site}/support.html")
            expect(tab.locator("[data-triage-widget]")).to_have_count(1)
            tab.fill("#chat", ANGRY)
            expect(tab.locator("#status")).to_have_text(re.compile("^unavailable: "))
            # The page itself works on: the agent can still write a reply.
            tab.fill("#answer", "We are looking into it.")
            assert tab.input_value("#answer") == "We are looking into it."
    finally:
        silent.close()
        closed.close()
    assert banner(tab).count() == 0
    warnings = [w for w in console.of("warning") if w.startswith("[triage-widget]")]
    assert len(warnings) == 1 and "no banner shown" in warnings[0]
    reason = {"refused": "Failed to fetch", "silent": "timed out after 500 ms"}
    assert reason.get(failure, "HTTP 503 model_not_ready") in warnings[0]
    assert console.page_errors() == []


def test_another_site_embeds_the_widget_with_one_script_tag(
    server: Server, page: tuple[Any, Console]
) -> None:
    tab, console = page
    files = {"/host.js": HOST_SCRIPT}
    with host_site(files) as site:
        files["/support.html"] = HOST_PAGE.format(widget=f"{server.url}/widget.js", attributes="")
        tab.goto(f"{site}/support.html")
        tab.fill("#chat", ANGRY)
        banner(tab).wait_for()
        expect(tab.locator("#status")).to_have_text("flagged: true")
        banner(tab).locator(".r button").first.click()
        assert tab.input_value("#answer") != ""
    assert console.page_errors() == []


def test_a_widget_pointed_at_nothing_only_warns(server: Server, page: tuple[Any, Console]) -> None:
    tab, console = page
    page_html = HOST_PAGE.format(widget=f"{server.url}/widget.js", attributes="").replace(
        'data-target="#chat"', 'data-target="#no-such-box"'
    )
    with host_site({"/support.html": page_html, "/host.js": HOST_SCRIPT}) as site:
        tab.goto(f"{site}/support.html")
        expect(tab.locator("#status")).to_have_text("ready")
        tab.wait_for_load_state("load")
        tab.fill("#chat", ANGRY)
    assert tab.locator("[data-triage-widget]").count() == 0
    warnings = [w for w in console.of("warning") if w.startswith("[triage-widget]")]
    assert warnings == ["[triage-widget] not attached: no element matches data-target #no-such-box"]
    assert console.page_errors() == []


def test_a_publishable_key_works_from_its_own_sites_only(
    keyed_server: Server, page: tuple[Any, Console]
) -> None:
    tab, console = page
    store = keyed_server.app.state.services.store_keeper.store
    files = {"/host.js": HOST_SCRIPT}
    with host_site(files) as site:
        mine = create_key(store, "shop", "widget", origins=[site]).secret
        elsewhere = create_key(store, "shop", "widget", origins=["https://other.example"]).secret
        for key, outcome in ((mine, "^flagged: true$"), (elsewhere, "^unavailable: ")):
            files["/support.html"] = HOST_PAGE.format(
                widget=f"{keyed_server.url}/widget.js", attributes=f'data-key="{key}"'
            )
            tab.goto(f"{site}/support.html")
            tab.fill("#chat", ANGRY)
            expect(tab.locator("#status")).to_have_text(re.compile(outcome))
            assert banner(tab).count() == (1 if key == mine else 0)
    assert console.page_errors() == []


def test_the_dashboard_asks_for_a_key_when_auth_is_on(
    keyed_server: Server, page: tuple[Any, Console]
) -> None:
    tab, console = page
    engine = keyed_server.app.state.services.loader.engine
    seeded = seed(engine, conversations=10, rng=random.Random(5))
    store = keyed_server.app.state.services.store_keeper.store
    service_key = create_key(store, "default", "service").secret
    tab.goto(f"{keyed_server.url}/dashboard")
    tab.wait_for_selector("body[data-state=error]")
    assert "API key" in tab.locator("#error").text_content()
    tab.fill("#key", service_key)
    tab.click("button[type=submit]")
    tab.wait_for_selector("body[data-state=loaded]")
    assert tab.locator("[data-kpi=turns] .kpi-value").text_content() == str(seeded.turns)
    # Kept for the tab only, never in the address.
    assert service_key not in tab.url
    assert tab.evaluate("sessionStorage.length") == 1
    assert console.page_errors() == []


def nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {label: n for label, n in counts.items() if n}


def bars(tab: Any, chart: str) -> dict[str, int]:
    rects = tab.locator(f"#{chart} rect.bar")
    return {
        rects.nth(i).get_attribute("data-label"): int(rects.nth(i).get_attribute("data-value"))
        for i in range(rects.count())
    }


def test_the_dashboard_charts_the_demo_data(server: Server, page: tuple[Any, Console]) -> None:
    tab, console = page
    seeded = seed(server.app.state.services.loader.engine, conversations=80, rng=random.Random(3))
    tab.goto(f"{server.url}/dashboard")
    tab.wait_for_selector("body[data-state=loaded]")
    start, end = tab.input_value("#from"), tab.input_value("#to")
    expected = get(f"{server.url}/v1/insights?from={start}&to={end}&bucket=day")

    assert expected["totals"]["turns"] == seeded.turns > 0
    assert tab.locator("svg").count() >= 6
    kpi = tab.locator("[data-kpi=turns] .kpi-value").text_content()
    assert kpi == str(expected["totals"]["turns"])
    assert bars(tab, "chart-types") == nonzero(expected["customer_types"])
    assert bars(tab, "chart-triggers") == nonzero(expected["triggers"])
    assert bars(tab, "chart-causes") == nonzero(expected["root_causes"])
    dots = tab.locator("#chart-volume circle[data-series=messages]")
    assert [int(dots.nth(i).get_attribute("data-value")) for i in range(dots.count())] == [
        b["turns"] for b in expected["series"]
    ]
    sentiment = tab.locator("#chart-sentiment circle")
    assert sentiment.count() == sum(1 for b in expected["series"] if b["turns"])
    assert tab.locator("#problems tbody tr").count() == len(expected["problems"]) > 0
    assert tab.locator("#responses tbody tr").count() == min(15, len(expected["responses"]))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)

    # By week, then a period without data.
    tab.select_option("#bucket", "week")
    tab.click("button[type=submit]")
    weekly = get(f"{server.url}/v1/insights?from={start}&to={end}&bucket=week")
    weekly_dots = tab.locator("#chart-volume circle[data-series=messages]")
    expect(weekly_dots).to_have_count(len(weekly["series"]))
    tab.fill("#from", "2001-01-01")
    tab.fill("#to", "2001-01-31")
    tab.click("button[type=submit]")
    tab.wait_for_selector("body[data-state=empty]")
    assert tab.locator("#empty").is_visible() and not tab.locator("#report").is_visible()
    assert console.page_errors() == []
