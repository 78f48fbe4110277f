"""The practice page (/practice) in a real headless Chromium, against a real server.

Like tests/test_browser.py: Debian's chromium driven by Playwright's Python package, a real
uvicorn on a loopback port with the suite's fake model behind it (the practice simulator and
judge run for real). The page's own checks (served under the strict policy, no HTML parsing
of text) run without a browser. The screenshot goes to docs/screenshots/practice.png, where
the README shows it.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.api.routes.pages import STATIC_DIR
from app.core.config import Settings
from app.engine.triage import TriageEngine
from app.main import create_app
from app.practice.coach import recommended_reply
from app.practice.scenarios import Scenario, ScenarioSet
from app.practice.simulator import MAX_REPLIES, open_session, reply
from app.tenancy.keys import create_key
from tests.conftest import FakeClassifier
from tests.live_server import serving

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CARELESS = "Calm down, that's our policy."
# Chromium's own notes on failed requests are not errors of the page.
NETWORK_NOISE = ("net::ERR_", "Failed to load resource")


def test_the_page_is_served_under_the_strict_policy(client: TestClient) -> None:
    response = client.get("/practice")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert '<script src="/static/practice.js"></script>' in response.text
    # Nothing inline and nothing from elsewhere.
    assert "<style" not in response.text and " style=" not in response.text
    assert not re.search(r"<script(?![^>]*\bsrc=\"/static/)", response.text)
    assert "http://" not in response.text and "https://" not in response.text
    script = client.get("/static/practice.js")
    assert script.status_code == 200
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert "/practice" not in client.get("/openapi.json").json()["paths"]


def test_the_script_never_parses_text_as_html() -> None:
    source = (STATIC_DIR / "practice.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in source
    assert 'setAttribute("style"' not in source  # inline style is blocked by the policy


# --- In the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is missing: `make test` installs Debian's chromium as root "
            "(apt-get install chromium)"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]'")
    with sync_api.sync_playwright() as playwright:
        # Root in a container: Chromium's sandbox needs user namespaces it may not have.
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


@contextmanager
def running(settings: Settings) -> Iterator[tuple[str, FastAPI]]:
    """A real uvicorn on a free loopback port, the fake model behind it."""
    app = create_app(settings, classifier=FakeClassifier())
    with serving(app) as port:
        yield f"http://127.0.0.1:{port}", app


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, FastAPI]]:
    with running(Settings(data_dir=tmp_path_factory.mktemp("practice-page") / "data")) as started:
        yield started


@pytest.fixture
def server(served: tuple[str, FastAPI]) -> str:
    return served[0]


@pytest.fixture(scope="module")
def keyed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, FastAPI]]:
    """The same with API keys required, as the Docker image runs it."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("practice-keyed") / "data", auth=True)
    with running(settings) as started:
        yield started


class Tab:
    """A page in a fresh context, 1280x900, recording what the page said on its console."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def page_errors(self) -> list[str]:
        return [e for e in self.errors if not any(n in e for n in NETWORK_NOISE)]


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:
    # Reduced motion: the mood meter moves at once, so what a screenshot shows is settled.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield Tab(page)
    context.close()


def recovers(scenario: Scenario, engine: TriageEngine) -> bool:
    """Whether the customer is still there after CARELESS (the calmer ones are) and the
    service's suggestion, as this server's model reads the customer, then calms them."""
    session = open_session(scenario)
    if reply(session, scenario, CARELESS).status != "active":
        return False
    before = session.mood
    reply(session, scenario, recommended_reply(engine, scenario, session))
    return session.mood > before


def mood(page: Any) -> int:
    return int(page.get_attribute("#mood", "aria-valuenow"))


def send(page: Any, text: str | None = None) -> None:
    """Send a reply with Enter, and wait for the service's answer to be shown."""
    sent = page.locator("#transcript li[data-role=agent]").count()
    if text is not None:
        page.fill("#reply", text)
    page.press("#reply", "Enter")
    sync_expect()(page.locator("#transcript li[data-role=agent]")).to_have_count(sent + 1)
    page.wait_for_selector("body:not([data-busy])")


def sync_expect() -> Any:
    return pytest.importorskip("playwright.sync_api").expect


def test_an_agent_practises_a_scenario_to_its_score_card(
    served: tuple[str, FastAPI], tab: Tab
) -> None:
    expect = sync_expect()
    server, app = served
    engine = app.state.services.loader.engine
    shipped = ScenarioSet.default().scenarios
    scenario = next(s for s in shipped if recovers(s, engine))
    page = tab.page
    page.goto(f"{server}/practice")
    page.wait_for_selector("body[data-state=picking]")
    cards = page.locator("#scenarios li[data-scenario]")
    assert cards.count() == len(shipped)

    # The filters narrow the list to the scenario's type and difficulty.
    page.select_option("#type", scenario.customer_type)
    page.select_option("#difficulty", str(scenario.difficulty))
    for i in range(cards.count()):
        assert scenario.customer_type in cards.nth(i).locator(".tag.type").text_content()
    card = page.locator(f"#scenarios li[data-scenario='{scenario.id}']")
    card.get_by_role("button").click()
    page.wait_for_selector("body[data-state=active]")

    # The case panel and the customer's opening message.
    assert page.locator("#case-title").text_content() == scenario.title
    assert page.locator("#persona-name").text_content() == scenario.persona.name
    assert page.locator("#fact-wrong").text_content() == scenario.facts.what_went_wrong
    may = page.locator("#fact-may li").all_text_contents()
    assert may == list(scenario.facts.may_offer)
    opening = page.locator("#transcript li[data-role=customer] .text")
    assert opening.all_text_contents() == [scenario.opening.text]
    assert page.get_attribute("#transcript", "aria-live") == "polite"
    start = mood(page)
    assert start == scenario.behaviour.start_mood
    assert page.locator("#reply").evaluate("e => e === document.activeElement")

    # Shift+Enter is a new line, not a send.
    page.fill("#reply", "Calm down,")
    page.press("#reply", "Shift+Enter")
    assert page.input_value("#reply") == "Calm down,\n"
    assert page.locator("#transcript li[data-role=agent]").count() == 0

    # A careless reply: the mood drops and the feedback marks the words that broke a rule.
    send(page, CARELESS)
    after_careless = mood(page)
    assert after_careless < start
    assert page.locator("#mood-change").text_content() == f"\u2212{start - after_careless}"
    assert page.get_attribute("#mood-change", "data-direction") == "down"
    broken = page.locator("#feedback li[data-outcome=broken]")
    assert broken.count() >= 1
    marked = broken.locator("mark").all_text_contents()
    assert marked and all(words in CARELESS for words in marked)
    assert "Calm down" in marked
    assert page.locator("#feedback-reply mark.o-broken").count() >= 1
    assert all(broken.nth(i).locator(".better-text").count() == 1 for i in range(broken.count()))
    assert page.input_value("#reply") == ""
    assert page.locator("#transcript li[data-role=customer]").count() == 2  # they answered
    # Mid-session, the feedback on the careless reply in view: the README's screenshot.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "practice.png"))

    # The service's own suggestion, filled in by the hint button and sent: the mood rises.
    page.click("#hint")
    expect(page.locator("#reply")).not_to_have_value("")
    suggestion = page.input_value("#reply")
    send(page)
    assert page.locator("#transcript li[data-role=agent] .text").last.text_content() == suggestion
    assert mood(page) > after_careless
    assert page.locator("#mood-change").text_content().startswith("+")
    assert page.locator("#feedback li[data-outcome=good]").count() >= 1

    # On to the end, with the suggested reply each time.
    for _ in range(MAX_REPLIES):
        if page.get_attribute("body", "data-state") != "active":
            break
        page.click("#hint")
        expect(page.locator("#reply")).not_to_have_value("")
        send(page)
    page.wait_for_selector("body[data-state=ended]")
    assert page.locator("#composer").is_hidden()
    status = page.get_attribute("#ending", "data-status")
    assert status in ("resolved", "escalated", "lost")
    title = {"resolved": "Resolved", "escalated": "Handed to a lead", "lost": "Lost"}[status]
    assert page.locator("#ending-title").text_content() == title
    score = int(page.locator("#card-score").text_content())
    assert 0 <= score <= 100
    replies = page.locator("#transcript li[data-role=agent]").count()
    assert page.locator("#card-replies").text_content() == str(replies)
    assert page.locator("#card-mood").text_content() == str(mood(page))
    assert page.locator("#card-skills tbody tr").count() >= 5
    assert page.locator("#card-strengths li").count() >= 1
    assert page.locator("#card-practise li").count() >= 1

    # Practise another: back to the scenarios.
    page.click("#again")
    page.wait_for_selector("body[data-state=picking]")
    assert cards.count() >= 1
    assert tab.page_errors() == []


def test_surprise_me_starts_a_scenario_of_the_chosen_kind(server: str, tab: Tab) -> None:
    page = tab.page
    with urllib.request.urlopen(f"{server}/v1/practice/scenarios", timeout=10) as response:
        offered = json.load(response)["scenarios"]
    wanted = offered[-1]
    page.goto(f"{server}/practice")
    page.wait_for_selector("body[data-state=picking]")
    page.select_option("#type", wanted["customer_type"])
    page.select_option("#difficulty", str(wanted["difficulty"]))
    page.click("#surprise")
    page.wait_for_selector("body[data-state=active]")
    title = page.locator("#case-title").text_content()
    kinds = {(s["customer_type"], s["difficulty"]) for s in offered if s["title"] == title}
    assert kinds == {(wanted["customer_type"], wanted["difficulty"])}
    # A reload resumes the session in progress.
    send(page, "Thank you for telling me about this.")
    page.reload()
    page.wait_for_selector("body[data-state=active]")
    assert page.locator("#case-title").text_content() == title
    assert page.locator("#transcript li[data-role=agent]").count() == 1
    assert page.locator("#feedback li").count() >= 1
    assert tab.page_errors() == []


def test_a_service_error_is_shown_with_its_detail(server: str, tab: Tab) -> None:
    page = tab.page
    page.goto(f"{server}/practice")
    page.wait_for_selector("body[data-state=picking]")
    page.click("#scenarios li[data-scenario] button >> nth=0")
    page.wait_for_selector("body[data-state=active]")
    # The session is gone on the server's side (as after a restart): the reply fails, and
    # the page says why instead of breaking.
    page.route(
        "**/replies",
        lambda route: route.fulfill(
            status=404,
            content_type="application/problem+json",
            body=json.dumps(
                {
                    "type": "about:blank",
                    "title": "Not Found",
                    "status": 404,
                    "code": "not_found",
                    "message": "no practice session abc",
                    "request_id": "r1",
                }
            ),
        ),
    )
    page.fill("#reply", "Hello <b>there</b>")
    page.press("#reply", "Enter")
    page.wait_for_selector("#error:not([hidden])")
    assert "no practice session abc" in page.locator("#error").text_content()
    assert page.get_attribute("body", "data-state") == "active"
    assert page.input_value("#reply") == "Hello <b>there</b>"  # nothing lost
    assert [e for e in tab.page_errors() if "404" not in e] == []


def test_with_auth_on_the_page_asks_for_a_key(keyed_server: tuple[str, FastAPI], tab: Tab) -> None:
    url, app = keyed_server
    store = app.state.services.store_keeper.store
    agent_key = create_key(store, "default", "agent", name="Sam").secret
    page = tab.page
    page.goto(f"{url}/practice")
    page.wait_for_selector("#error:not([hidden])")
    assert "API key" in page.locator("#error").text_content()
    assert page.locator("#scenarios li").count() == 0
    page.fill("#key", agent_key)
    page.click("#controls button[type=submit]")
    page.wait_for_selector("#scenarios li[data-scenario]")
    assert page.locator("#error").is_hidden()
    page.click("#scenarios li[data-scenario] button >> nth=0")
    page.wait_for_selector("body[data-state=active]")
    send(page, "Thank you for telling me about this.")
    assert page.locator("#feedback li").count() >= 1
    # Kept for the tab only, never in the address.
    assert agent_key not in page.url
    assert page.evaluate("() => sessionStorage.getItem('triage-practice-key')") == agent_key
    assert [e for e in tab.page_errors() if "401" not in e] == []
