"""The pages and scripts the service serves, and the /v1/screen contract the widget relies on."""

from __future__ import annotations

import gzip

import pytest
from fastapi.testclient import TestClient

from app.api.routes.pages import STATIC_DIR
from app.replies.bank import ResponseBank

MANAGER = "I want to speak to your manager, this is unacceptable!!"
WIDGET_GZIP_BUDGET = 5 * 1024  # the README promises a small widget


def test_the_widget_is_served_as_a_script_any_site_may_load(client: TestClient) -> None:
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "window.TriageWidget" in response.text


@pytest.mark.parametrize(("path", "script"), [("/demo", "/widget.js"), ("/dashboard", "dashboard")])
def test_pages_are_html_under_a_strict_policy(client: TestClient, path: str, script: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert f'<script src="{script}' in response.text or f"/static/{script}.js" in response.text


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/static/dashboard.js", "text/javascript"),
        ("/static/demo.js", "text/javascript"),
        ("/static/style.css", "text/css"),
    ],
)
def test_assets_are_served(client: TestClient, path: str, media_type: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)


def test_only_the_named_assets_are_served(client: TestClient) -> None:
    for path in ("/static/demo.html", "/static/../config.py", "/static/widget.js.map"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


def test_pages_stay_out_of_the_api_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/v1/insights" in paths
    assert not {"/widget.js", "/demo", "/dashboard"} & set(paths)


@pytest.mark.parametrize("name", ["widget.js", "dashboard.js", "demo.js"])
def test_scripts_never_parse_text_as_html(name: str) -> None:
    # Message text and insights data go in with textContent only.
    source = (STATIC_DIR / name).read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in source


def test_the_widget_stays_small() -> None:
    packed = gzip.compress((STATIC_DIR / "widget.js").read_bytes(), compresslevel=9)
    assert len(packed) < WIDGET_GZIP_BUDGET


def test_screen_suggests_replies_from_the_bank_when_asked(client: TestClient) -> None:
    body = client.post("/v1/screen", json={"text": MANAGER, "suggest": True}).json()
    bank = {entry.id: entry for entry in ResponseBank.default().entries}
    assert 1 <= len(body["suggestions"]) <= 3
    for suggestion in body["suggestions"]:
        assert set(suggestion) == {"id", "step", "text", "needs_agent_input", "agent_input"}
        assert bank[suggestion["id"]].step == suggestion["step"]
        assert suggestion["text"]
        assert suggestion["text"].count("{") == len(suggestion["agent_input"])
    assert len({s["step"] for s in body["suggestions"]}) == len(body["suggestions"])


def test_screen_suggests_nothing_unless_asked(client: TestClient) -> None:
    body = client.post("/v1/screen", json={"text": MANAGER}).json()
    assert "suggestions" not in body
    assert body["flagged"] is True
