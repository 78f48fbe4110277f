"""Authentication and roles over HTTP: which key may call which route, and from where."""

from __future__ import annotations

from collections.abc import Callable

import anyio
import pytest
from fastapi.testclient import TestClient

from app.api.auth import LOCAL_ADMIN, Principal, get_principal

ORIGIN = "https://shop.example.com"
TRIAGE = {"text": "I want to speak to your manager!"}

# (method, path, body): one route of each kind.
SERVICE_ROUTES = [
    ("POST", "/v1/triage", TRIAGE),
    ("POST", "/v1/triage/batch", {"items": [TRIAGE]}),
    ("GET", "/v1/conversations/c-1", None),
    ("DELETE", "/v1/conversations/c-1", None),
    ("POST", "/v1/conversations/c-1/outcome", {"resolved": True}),
    ("POST", "/v1/replies/review", {"draft": "Calm down, that's our policy."}),
]
ADMIN_ROUTES = [
    ("GET", "/v1/admin/keys", None),
    ("POST", "/v1/admin/keys", {"role": "service"}),
    ("GET", "/v1/admin/bank", None),
    ("GET", "/v1/admin/bank/versions", None),
    ("GET", "/v1/admin/settings", None),
    ("PUT", "/v1/admin/settings", {"refund_limit": 50}),
    ("GET", "/v1/admin/origins", None),
]
SCREEN = ("POST", "/v1/screen", {"text": "This is unacceptable!!"})
OPEN_ROUTES = ["/livez", "/readyz", "/docs", "/openapi.json", "/metrics"]


def call(
    client: TestClient,
    route: tuple[str, str, dict | None],
    key: str | None = None,
    **headers: str,
) -> int:
    method, path, body = route
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    return client.request(method, path, json=body, headers=headers).status_code


def test_auth_off_every_request_is_the_local_admin(client: TestClient) -> None:
    assert client.post("/v1/triage", json=TRIAGE).status_code == 200
    assert client.get("/v1/admin/keys").status_code == 200
    assert client.post("/v1/screen", json={"text": "hello"}).status_code == 200


def test_a_missing_key_is_401_with_a_challenge(auth_client: TestClient) -> None:
    for route in [*SERVICE_ROUTES, *ADMIN_ROUTES, SCREEN]:
        response = auth_client.request(route[0], route[1], json=route[2])
        assert response.status_code == 401, route
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "unauthorized"


def test_an_unknown_key_is_401_invalid_token(auth_client: TestClient) -> None:
    fake = "tri_sk_" + "a" * 40
    response = auth_client.post("/v1/triage", json=TRIAGE, headers={"X-API-Key": fake})
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_open_routes_need_no_key(auth_client: TestClient) -> None:
    for path in OPEN_ROUTES:
        assert auth_client.get(path).status_code == 200, path


def test_the_key_works_in_either_header(auth_client: TestClient, mint_key: Callable) -> None:
    key = mint_key(auth_client, "acme", "service")
    assert (
        auth_client.post("/v1/triage", json=TRIAGE, headers={"X-API-Key": key}).status_code == 200
    )
    bearer = {"Authorization": f"Bearer {key}"}
    assert auth_client.post("/v1/triage", json=TRIAGE, headers=bearer).status_code == 200
    both = {**bearer, "X-API-Key": key}
    assert auth_client.post("/v1/triage", json=TRIAGE, headers=both).status_code == 200


def test_two_different_keys_in_one_request_are_refused(
    auth_client: TestClient, mint_key: Callable
) -> None:
    one, other = mint_key(auth_client, "acme", "service"), mint_key(auth_client, "acme", "admin")
    headers = {"Authorization": f"Bearer {one}", "X-API-Key": other}
    assert auth_client.post("/v1/triage", json=TRIAGE, headers=headers).status_code == 401


def test_other_authorization_schemes_are_refused(
    auth_client: TestClient, mint_key: Callable
) -> None:
    key = mint_key(auth_client, "acme", "service")
    headers = {"Authorization": f"Basic {key}"}
    assert auth_client.post("/v1/triage", json=TRIAGE, headers=headers).status_code == 401


@pytest.mark.parametrize("name", ["api_key", "key", "access_token", "API_KEY"])
def test_a_key_in_the_query_is_refused_and_never_authenticates(
    auth_client: TestClient, mint_key: Callable, name: str
) -> None:
    key = mint_key(auth_client, "acme", "admin")
    response = auth_client.post(f"/v1/triage?{name}={key}", json=TRIAGE)
    assert response.status_code == 400
    assert response.json()["code"] == "credentials_in_query"
    # Even with a valid key in the header as well: the URL has leaked it already.
    both = auth_client.get(f"/v1/admin/keys?{name}={key}", headers={"X-API-Key": key})
    assert both.status_code == 400


def test_a_key_in_the_query_is_refused_with_auth_off_too(client: TestClient) -> None:
    assert client.post("/v1/triage?api_key=tri_sk_x", json=TRIAGE).status_code == 400


def test_service_keys_triage_but_do_not_administer(
    auth_client: TestClient, mint_key: Callable
) -> None:
    key = mint_key(auth_client, "acme", "service")
    for route in [*SERVICE_ROUTES, SCREEN]:
        assert call(auth_client, route, key) not in (401, 403), route
    for route in ADMIN_ROUTES:
        response = auth_client.request(
            route[0], route[1], json=route[2], headers={"X-API-Key": key}
        )
        assert response.status_code == 403, route
        assert response.json()["code"] == "forbidden"


def test_admin_keys_may_do_everything(auth_client: TestClient, mint_key: Callable) -> None:
    key = mint_key(auth_client, "acme", "admin")
    for route in [*SERVICE_ROUTES, *ADMIN_ROUTES, SCREEN]:
        assert call(auth_client, route, key) not in (401, 403), route


def test_widget_keys_only_screen_and_only_from_their_origins(
    auth_client: TestClient, mint_key: Callable
) -> None:
    key = mint_key(auth_client, "acme", "widget", origins=[ORIGIN])
    assert call(auth_client, SCREEN, key, Origin=ORIGIN) == 200
    assert call(auth_client, SCREEN, key, Origin="https://evil.example.com") == 403
    assert call(auth_client, SCREEN, key) == 403  # no Origin: not a browser on an allowed page
    for route in [*SERVICE_ROUTES, *ADMIN_ROUTES]:
        assert call(auth_client, route, key, Origin=ORIGIN) == 403, route


def test_widget_keys_also_work_from_the_tenants_origins(
    auth_client: TestClient, mint_key: Callable
) -> None:
    admin = mint_key(auth_client, "acme", "admin")
    widget = mint_key(auth_client, "acme", "widget")
    help_page = "https://help.acme.example"
    assert call(auth_client, SCREEN, widget, Origin=help_page) == 403
    put = auth_client.put(
        "/v1/admin/origins", json={"origins": [help_page]}, headers={"X-API-Key": admin}
    )
    assert put.status_code == 200 and put.json() == {"origins": [help_page]}
    assert call(auth_client, SCREEN, widget, Origin=help_page) == 200


def test_a_revoked_key_is_refused_at_once(auth_client: TestClient, mint_key: Callable) -> None:
    admin = mint_key(auth_client, "acme", "admin")
    created = auth_client.post(
        "/v1/admin/keys", json={"role": "service"}, headers={"X-API-Key": admin}
    ).json()
    service = created["key"]
    assert call(auth_client, SERVICE_ROUTES[0], service) == 200
    revoke = auth_client.delete(f"/v1/admin/keys/{created['id']}", headers={"X-API-Key": admin})
    assert revoke.status_code == 204
    assert call(auth_client, SERVICE_ROUTES[0], service) == 401


def test_cors_preflight_is_answered_for_allowed_origins_only(
    auth_client: TestClient, mint_key: Callable
) -> None:
    mint_key(auth_client, "acme", "widget", origins=[ORIGIN])
    preflight = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
    allowed = auth_client.options("/v1/screen", headers=preflight)
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    assert "x-api-key" in allowed.headers["access-control-allow-headers"]
    other = {**preflight, "Origin": "https://evil.example.com"}
    refused = auth_client.options("/v1/screen", headers=other)
    assert "access-control-allow-origin" not in refused.headers


def test_the_screen_answer_is_readable_only_by_the_keys_origins(
    auth_client: TestClient, mint_key: Callable
) -> None:
    widget = mint_key(auth_client, "acme", "widget", origins=[ORIGIN])
    service = mint_key(auth_client, "acme", "service")
    body = SCREEN[2]
    mine = auth_client.post(
        "/v1/screen", json=body, headers={"X-API-Key": widget, "Origin": ORIGIN}
    )
    assert mine.headers["access-control-allow-origin"] == ORIGIN
    # A secret service key used from a page gets no CORS header: no page should hold one.
    page = auth_client.post(
        "/v1/screen", json=body, headers={"X-API-Key": service, "Origin": ORIGIN}
    )
    assert page.status_code == 200
    assert "access-control-allow-origin" not in page.headers


def test_get_principal_caches_the_caller_on_the_request(
    auth_client: TestClient, mint_key: Callable
) -> None:
    from starlette.requests import Request

    key = mint_key(auth_client, "acme", "service")
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "query_string": b"",
        "headers": [(b"x-api-key", key.encode())],
        "app": auth_client.app,
    }
    request = Request(scope)
    first = anyio.run(get_principal, request)
    assert (first.tenant_id, first.role) == ("acme", "service") and first.key_id
    assert anyio.run(get_principal, request) is first


def test_local_admin_is_the_default_tenants_admin() -> None:
    assert (LOCAL_ADMIN.tenant_id, LOCAL_ADMIN.role, LOCAL_ADMIN.key_id) == (
        "default",
        "admin",
        None,
    )
    assert isinstance(LOCAL_ADMIN, Principal)
