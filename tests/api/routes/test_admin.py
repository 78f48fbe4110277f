"""The admin API: keys, origins, and the tenant's own bank and settings, versioned."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
import yaml
from fastapi.testclient import TestClient

from app.replies.bank import ResponseBank
from tests.data_scenarios import SCENARIOS

BANK = {
    "version": "acme-1",
    "entries": [
        {"id": "acme-close-01", "step": "close", "text": "Anything else, {customer_name}?"},
    ],
}


@pytest.fixture
def admin(auth_client: TestClient, mint_key: Callable) -> dict[str, str]:
    return {"X-API-Key": mint_key(auth_client, "acme", "admin")}


def test_keys_are_created_listed_and_revoked(auth_client: TestClient, admin: dict) -> None:
    created = auth_client.post(
        "/v1/admin/keys",
        json={"role": "widget", "name": "shop", "origins": ["https://shop.example.com"]},
        headers=admin,
    )
    assert created.status_code == 201
    body = created.json()
    assert body["key"].startswith("tri_pk_") and body["tenant_id"] == "acme"
    assert body["origins"] == ["https://shop.example.com"]
    listed = auth_client.get("/v1/admin/keys", headers=admin).json()["keys"]
    assert body["id"] in [k["id"] for k in listed]
    assert all("key" not in k and "secret_hash" not in k for k in listed)
    assert body["key"] not in auth_client.get("/v1/admin/keys", headers=admin).text
    assert auth_client.delete(f"/v1/admin/keys/{body['id']}", headers=admin).status_code == 204
    [revoked] = [
        k
        for k in auth_client.get("/v1/admin/keys", headers=admin).json()["keys"]
        if k["id"] == body["id"]
    ]
    assert revoked["revoked_at"] is not None


def test_revoking_an_unknown_or_foreign_key_is_404(
    auth_client: TestClient, admin: dict, mint_key: Callable
) -> None:
    unknown = "/v1/admin/keys/key_0123456789abcdef"
    assert auth_client.delete(unknown, headers=admin).status_code == 404
    assert auth_client.delete("/v1/admin/keys/nope", headers=admin).status_code == 422
    other_admin = {"X-API-Key": mint_key(auth_client, "globex", "admin")}
    theirs = auth_client.post("/v1/admin/keys", json={"role": "service"}, headers=other_admin)
    response = auth_client.delete(f"/v1/admin/keys/{theirs.json()['id']}", headers=admin)
    assert response.status_code == 404
    assert theirs.json()["id"] not in auth_client.get("/v1/admin/keys", headers=admin).text


@pytest.mark.parametrize(
    "body",
    [
        {"role": "owner"},
        {"role": "service", "origins": ["https://a.example.com"]},
        {"role": "widget", "origins": ["https://a.example.com/page"]},
        {"role": "service", "tenant_id": "globex"},  # an admin makes keys for its own tenant
        {"role": "service", "name": "line\nbreak"},
    ],
)
def test_invalid_key_requests_are_422(auth_client: TestClient, admin: dict, body: dict) -> None:
    response = auth_client.post("/v1/admin/keys", json=body, headers=admin)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_the_deployments_bank_is_version_0(auth_client: TestClient, admin: dict) -> None:
    body = auth_client.get("/v1/admin/bank", headers=admin).json()
    assert body["version"] == 0 and body["created_at"] is None
    assert body["bank_version"] == ResponseBank.default().version
    assert body["entries"] == len(ResponseBank.default().entries)


def test_a_bank_is_published_as_json_or_yaml(auth_client: TestClient, admin: dict) -> None:
    first = auth_client.put("/v1/admin/bank", json=BANK, headers=admin)
    assert first.status_code == 200
    assert (first.json()["version"], first.json()["bank_version"]) == (1, "acme-1")
    as_yaml = yaml.safe_dump({**BANK, "version": "acme-2"})
    second = auth_client.put(
        "/v1/admin/bank",
        content=as_yaml,
        headers={**admin, "Content-Type": "application/yaml"},
    )
    assert second.status_code == 200, second.text
    current = auth_client.get("/v1/admin/bank", headers=admin).json()
    assert (current["version"], current["bank_version"], current["entries"]) == (2, "acme-2", 1)
    assert current["bank"]["entries"][0]["id"] == "acme-close-01"


def test_an_invalid_bank_is_422_naming_the_entry_and_not_published(
    auth_client: TestClient, admin: dict
) -> None:
    bad = {**BANK, "entries": [*BANK["entries"], {"id": "x-2", "step": "close", "text": ""}]}
    for path in ("/v1/admin/bank", "/v1/admin/bank/validate"):
        response = auth_client.request(
            "PUT" if path.endswith("bank") else "POST", path, json=bad, headers=admin
        )
        assert response.status_code == 422, path
        assert "entries[1] (id 'x-2') field 'text'" in response.json()["message"]
    assert auth_client.get("/v1/admin/bank", headers=admin).json()["version"] == 0


def test_validate_is_a_dry_run(auth_client: TestClient, admin: dict) -> None:
    response = auth_client.post("/v1/admin/bank/validate", json=BANK, headers=admin)
    assert response.json() == {"valid": True, "bank_version": "acme-1", "entries": 1}
    assert auth_client.get("/v1/admin/bank", headers=admin).json()["version"] == 0


@pytest.mark.parametrize(
    ("content", "media", "status", "code"),
    [
        ("{not json", "application/json", 400, "malformed_document"),
        ("version: [unclosed", "application/yaml", 400, "malformed_document"),
        ("a: &x [1]\nb: *x\n", "application/yaml", 400, "malformed_document"),  # aliases
        ("version: x", "text/csv", 415, "unsupported_media_type"),
        ("- a list", "application/yaml", 422, "invalid_request"),
        ("[" * 100_000, "application/json", 400, "malformed_document"),
        ("[" * 100_000, "application/yaml", 400, "malformed_document"),  # stopped early
        ("a: " * 100, "application/yaml", 400, "malformed_document"),
    ],
)
def test_unreadable_banks_are_refused(
    auth_client: TestClient, admin: dict, content: str, media: str, status: int, code: str
) -> None:
    response = auth_client.put(
        "/v1/admin/bank", content=content, headers={**admin, "Content-Type": media}
    )
    assert response.status_code == status
    assert response.json()["code"] == code


def test_versions_and_rollback(auth_client: TestClient, admin: dict) -> None:
    auth_client.put("/v1/admin/bank", json=BANK, headers=admin)
    auth_client.put("/v1/admin/bank", json={**BANK, "version": "acme-2"}, headers=admin)
    rolled = auth_client.post("/v1/admin/bank/rollback", json={"version": 1}, headers=admin)
    assert rolled.status_code == 200
    assert (rolled.json()["version"], rolled.json()["restored_from"]) == (3, 1)
    assert rolled.json()["bank_version"] == "acme-1"
    versions = auth_client.get("/v1/admin/bank/versions", headers=admin).json()["versions"]
    assert [(v["version"], v["current"]) for v in versions] == [
        (3, True),
        (2, False),
        (1, False),
        (0, False),
    ]
    shared = auth_client.post("/v1/admin/bank/rollback", json={"version": 0}, headers=admin)
    assert shared.json()["bank_version"] == ResponseBank.default().version
    missing = auth_client.post("/v1/admin/bank/rollback", json={"version": 42}, headers=admin)
    assert missing.status_code == 404


def test_settings_overrides_are_versioned_and_show_their_effect(
    auth_client: TestClient, admin: dict
) -> None:
    overrides = {"refund_limit": 30, "thresholds": {"escalate_intensity": 0.6}}
    put = auth_client.put("/v1/admin/settings", json=overrides, headers=admin)
    assert put.status_code == 200
    body = put.json()
    assert body["version"] == 1 and body["overrides"] == overrides
    assert body["effective"]["refund_limit"] == 30
    assert body["effective"]["thresholds"]["escalate_intensity"] == 0.6
    assert body["effective"]["discount_limit"] == 20.0  # the deployment's
    back = auth_client.post("/v1/admin/settings/rollback", json={"version": 0}, headers=admin)
    assert back.json()["version"] == 2 and back.json()["effective"]["refund_limit"] == 100.0
    versions = auth_client.get("/v1/admin/settings/versions", headers=admin).json()["versions"]
    assert [v["version"] for v in versions] == [2, 1, 0]


@pytest.mark.parametrize(
    "overrides",
    [
        {"thresholds": {"escalate_intensity": 2}},
        {"thresholds": {"nonsense": 1}},
        {"refund_limit": -5},
        '{"refund_limit": Infinity}',  # Python's json reads it; JSON columns cannot keep it
        '{"thresholds": {"scale_cuts": [-Infinity, -0.2, 0.2, 0.6]}}',
        {"trigger_priority": {"churn_threat": "soonish"}},
        {"store_text": "none"},  # a deployment setting, not a tenant's
    ],
)
def test_invalid_settings_are_422_and_not_published(
    auth_client: TestClient, admin: dict, overrides: dict | str
) -> None:
    raw = overrides if isinstance(overrides, str) else json.dumps(overrides)
    headers = {**admin, "Content-Type": "application/json"}
    for method, path in (("POST", "/v1/admin/settings/validate"), ("PUT", "/v1/admin/settings")):
        response = auth_client.request(method, path, content=raw, headers=headers)
        assert response.status_code == 422, (path, response.text)
    assert auth_client.get("/v1/admin/settings", headers=admin).json()["version"] == 0


def test_settings_validate_is_a_dry_run(auth_client: TestClient, admin: dict) -> None:
    response = auth_client.post(
        "/v1/admin/settings/validate", json={"discount_limit": 5}, headers=admin
    )
    assert response.status_code == 200
    assert response.json()["effective"]["discount_limit"] == 5
    assert auth_client.get("/v1/admin/settings", headers=admin).json()["version"] == 0


def test_origins_are_normalised_and_checked(auth_client: TestClient, admin: dict) -> None:
    put = auth_client.put(
        "/v1/admin/origins",
        json={"origins": ["HTTPS://Help.Acme.example/", "https://help.acme.example"]},
        headers=admin,
    )
    assert put.json() == {"origins": ["https://help.acme.example"]}
    assert auth_client.get("/v1/admin/origins", headers=admin).json() == put.json()
    bad = auth_client.put("/v1/admin/origins", json={"origins": ["ftp://x"]}, headers=admin)
    assert bad.status_code == 422


# --- the tenant's practice scenarios ------------------------------------------------------


def test_the_shipped_scenarios_are_version_0(auth_client: TestClient, admin: dict) -> None:
    body = auth_client.get("/v1/admin/scenarios", headers=admin).json()
    assert body["version"] == 0 and body["count"] == len(body["scenarios"]["scenarios"]) > 0


def test_scenarios_are_published_as_json_or_yaml_and_used(
    auth_client: TestClient, admin: dict
) -> None:
    published = auth_client.put("/v1/admin/scenarios", json=SCENARIOS, headers=admin)
    assert published.status_code == 200
    assert (published.json()["version"], published.json()["count"]) == (1, 2)
    listed = auth_client.get("/v1/practice/scenarios", headers=admin).json()
    assert listed["version"] == "test-1"
    as_yaml = auth_client.put(
        "/v1/admin/scenarios",
        content=yaml.safe_dump({**SCENARIOS, "version": "test-2"}),
        headers={**admin, "content-type": "application/yaml"},
    )
    assert as_yaml.status_code == 200 and as_yaml.json()["scenarios_version"] == "test-2"


@pytest.mark.parametrize(
    "document",
    [
        {"version": "x", "scenarios": []},
        {"version": "x", "scenarios": [{**SCENARIOS["scenarios"][0], "difficulty": 9}]},
        ["not", "a", "mapping"],
    ],
)
def test_an_invalid_scenario_set_is_422_and_not_published(
    auth_client: TestClient, admin: dict, document: object
) -> None:
    for path in ("/v1/admin/scenarios", "/v1/admin/scenarios/validate"):
        method = "PUT" if path.endswith("scenarios") else "POST"
        response = auth_client.request(method, path, json=document, headers=admin)
        assert response.status_code == 422, path
        assert response.json()["code"] == "invalid_request"
    assert auth_client.get("/v1/admin/scenarios", headers=admin).json()["version"] == 0


def test_scenarios_validate_versions_and_rollback(auth_client: TestClient, admin: dict) -> None:
    check = auth_client.post("/v1/admin/scenarios/validate", json=SCENARIOS, headers=admin)
    assert check.json() == {"valid": True, "scenarios_version": "test-1", "count": 2}
    assert auth_client.get("/v1/admin/scenarios", headers=admin).json()["version"] == 0
    auth_client.put("/v1/admin/scenarios", json=SCENARIOS, headers=admin)
    restored = auth_client.post("/v1/admin/scenarios/rollback", json={"version": 0}, headers=admin)
    assert restored.json()["version"] == 2 and restored.json()["restored_from"] == 0
    versions = auth_client.get("/v1/admin/scenarios/versions", headers=admin).json()["versions"]
    assert [v["version"] for v in versions] == [2, 1, 0]
    listed = auth_client.get("/v1/practice/scenarios", headers=admin).json()
    assert listed["version"] != "test-1"  # the shipped set again
    missing = auth_client.post("/v1/admin/scenarios/rollback", json={"version": 7}, headers=admin)
    assert missing.status_code == 404


def test_only_an_admin_publishes_scenarios(auth_client: TestClient, mint_key: Callable) -> None:
    for role in ("lead", "service", "agent"):
        key = {"X-API-Key": mint_key(auth_client, "acme", role)}
        response = auth_client.put("/v1/admin/scenarios", json=SCENARIOS, headers=key)
        assert response.status_code == 403, role
