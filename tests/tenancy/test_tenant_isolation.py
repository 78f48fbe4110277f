"""Tenant isolation, end to end with API keys on, on SQLite and PostgreSQL.

Each test names the point of issue 7 it proves: reads and writes scoped to the tenant,
the same ids kept apart, history and learning per tenant, and each tenant's own bank and
settings deciding its messages only.
"""

from __future__ import annotations

import copy
import io
import uuid
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from app.replies.bank import ResponseBank
from tests.conftest import POSTGRES_URL, FakeClassifier

REFUND_50 = "Please refund the 50 dollars you charged me for the broken kettle."


@pytest.fixture(params=["sqlite", "postgres"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    url = None if request.param == "sqlite" else POSTGRES_URL
    # tenant_refresh_s=0: every message checks for a new version, as a second replica would.
    return Settings(data_dir=tmp_path / "data", database_url=url, auth=True, tenant_refresh_s=0)


@pytest.fixture
def app_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, classifier=FakeClassifier())) as client:
        yield client


@pytest.fixture
def tenants() -> tuple[str, str]:
    run = uuid.uuid4().hex[:8]  # the PostgreSQL database is shared: fresh tenants each test
    return f"acme-{run}", f"globex-{run}"


class Caller:
    """One tenant's service and admin keys against the app."""

    def __init__(self, client: TestClient, service: str, admin: str) -> None:
        self.client = client
        self.service = {"X-API-Key": service}
        self.admin = {"X-API-Key": admin}

    def triage(self, text: str, **fields: object) -> dict:
        response = self.client.post(
            "/v1/triage", json={"text": text, **fields}, headers=self.service
        )
        assert response.status_code == 200, response.text
        return response.json()

    def get(self, path: str) -> int:
        return self.client.get(path, headers=self.service).status_code


@pytest.fixture
def acme(app_client: TestClient, tenants: tuple[str, str], mint_key: Callable) -> Caller:
    tenant = tenants[0]
    return Caller(
        app_client, mint_key(app_client, tenant, "service"), mint_key(app_client, tenant, "admin")
    )


@pytest.fixture
def globex(app_client: TestClient, tenants: tuple[str, str], mint_key: Callable) -> Caller:
    tenant = tenants[1]
    return Caller(
        app_client, mint_key(app_client, tenant, "service"), mint_key(app_client, tenant, "admin")
    )


def new_id(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:10]}"


def trigger_types(body: dict) -> set[str]:
    return {t["type"] for t in body["escalation"]["triggers"]}


def playbook_texts(body: dict) -> list[str]:
    return [r["text"] for step in body["playbook"] for r in step["responses"]]


def test_another_tenant_cannot_read_delete_or_close_a_conversation(
    acme: Caller, globex: Caller
) -> None:
    conversation = new_id("c")
    acme.triage("This is the worst, my order came broken!!", conversation_id=conversation)
    path = f"/v1/conversations/{conversation}"
    assert globex.get(path) == 404
    assert globex.client.delete(path, headers=globex.service).status_code == 404
    outcome = globex.client.post(f"{path}/outcome", json={"resolved": True}, headers=globex.service)
    assert outcome.status_code == 404
    record = acme.client.get(path, headers=acme.service).json()
    assert len(record["turns"]) == 1 and record["outcomes"] == []  # untouched


def test_the_same_conversation_and_customer_ids_stay_separate(acme: Caller, globex: Caller) -> None:
    conversation, customer = new_id("shared"), new_id("cust")
    acme.triage(
        "This is the worst, my order came broken!!",
        conversation_id=conversation,
        customer_id=customer,
    )
    globex.triage("Thanks, that was great.", conversation_id=conversation, customer_id=customer)
    globex.triage("Great, all sorted.", conversation_id=conversation, customer_id=customer)
    path = f"/v1/conversations/{conversation}"
    mine = acme.client.get(path, headers=acme.service).json()
    theirs = globex.client.get(path, headers=globex.service).json()
    assert [t["sentiment_label"] for t in mine["turns"]] == ["negative"]
    assert [t["sentiment_label"] for t in theirs["turns"]] == ["positive", "positive"]
    assert globex.client.delete(path, headers=globex.service).status_code == 204
    assert acme.get(path) == 200 and globex.get(path) == 404


def test_repeated_contact_counts_only_the_tenants_own_conversations(
    acme: Caller, globex: Caller
) -> None:
    customer = new_id("cust")
    text = "Hello, the app still logs me out every hour."
    acme.triage(text, conversation_id=new_id("a1"), customer_id=customer)
    acme.triage(text, conversation_id=new_id("a2"), customer_id=customer)
    # The same customer id at another tenant is somebody else: a first contact.
    elsewhere = globex.triage(text, conversation_id=new_id("g1"), customer_id=customer)
    assert "repeated_contact" not in trigger_types(elsewhere)
    third = acme.triage(text, conversation_id=new_id("a3"), customer_id=customer)
    assert "repeated_contact" in trigger_types(third)


def test_a_tenants_bank_changes_its_playbooks_only(acme: Caller, globex: Caller) -> None:
    bank = ResponseBank.default().model_dump(mode="json")
    own = copy.deepcopy(bank)
    own["version"] = "acme-own-1"
    for entry in own["entries"]:
        entry["text"] = "[acme] " + entry["text"]
    put = acme.client.put("/v1/admin/bank", json=own, headers=acme.admin)
    assert put.status_code == 200, put.text
    message = "I want to speak to your manager, this is the third time I'm writing!"
    mine, theirs = acme.triage(message), globex.triage(message)
    # Every reply is the tenant's own (an acknowledgement may open on the restatement).
    assert playbook_texts(mine) and all("[acme] " in t for t in playbook_texts(mine))
    assert playbook_texts(theirs) and not any("[acme]" in t for t in playbook_texts(theirs))
    assert (mine["bank_version"], theirs["bank_version"]) == ("acme-own-1", bank["version"])
    # Rolled back to the deployment's bank, the tenant's playbooks are the shared ones again.
    acme.client.post("/v1/admin/bank/rollback", json={"version": 0}, headers=acme.admin)
    assert playbook_texts(acme.triage(message)) == playbook_texts(globex.triage(message))


def test_a_tenants_settings_change_its_decisions_only(acme: Caller, globex: Caller) -> None:
    before = acme.triage(REFUND_50)
    assert "authority_exceeded" not in trigger_types(before)  # 50 is within the shared 100
    put = acme.client.put("/v1/admin/settings", json={"refund_limit": 10}, headers=acme.admin)
    assert put.status_code == 200
    assert "authority_exceeded" in trigger_types(acme.triage(REFUND_50))
    assert "authority_exceeded" not in trigger_types(globex.triage(REFUND_50))
    screened = acme.client.post("/v1/screen", json={"text": REFUND_50}, headers=acme.service)
    assert "authority_exceeded" in {t["type"] for t in screened.json()["triggers"]}
    acme.client.post("/v1/admin/settings/rollback", json={"version": 0}, headers=acme.admin)
    assert "authority_exceeded" not in trigger_types(acme.triage(REFUND_50))


def test_a_batch_is_decided_and_kept_under_the_callers_tenant(acme: Caller, globex: Caller) -> None:
    acme.client.put("/v1/admin/settings", json={"refund_limit": 10}, headers=acme.admin)
    conversation = new_id("batch")
    batch = {"items": [{"text": REFUND_50, "conversation_id": conversation}]}
    response = acme.client.post("/v1/triage/batch", json=batch, headers=acme.service)
    [result] = response.json()["results"]
    assert "authority_exceeded" in trigger_types(result)
    assert acme.get(f"/v1/conversations/{conversation}") == 200
    assert globex.get(f"/v1/conversations/{conversation}") == 404


def test_outcome_statistics_are_per_tenant(
    app_client: TestClient, acme: Caller, globex: Caller, tenants: tuple[str, str]
) -> None:
    conversation = new_id("won")
    body = acme.triage("This is the worst, my order came broken!!", conversation_id=conversation)
    used = playbook_texts(body) and [body["playbook"][0]["responses"][0]["id"]]
    recorded = acme.client.post(
        f"/v1/conversations/{conversation}/outcome",
        json={"resolved": True, "responses_used": used},
        headers=acme.service,
    )
    assert recorded.status_code == 201
    store = app_client.app.state.services.store_keeper.store  # type: ignore[attr-defined]
    assert store.outcome_stats(tenant_id=tenants[0]) == {used[0]: (1, 1)}
    assert store.outcome_stats(tenant_id=tenants[1]) == {}


def test_a_second_replica_uses_a_new_version_without_a_restart(
    settings: Settings, acme: Caller, tenants: tuple[str, str]
) -> None:
    with TestClient(create_app(settings, classifier=FakeClassifier())) as replica:
        assert "authority_exceeded" not in trigger_types(
            replica.post("/v1/triage", json={"text": REFUND_50}, headers=acme.service).json()
        )
        acme.client.put("/v1/admin/settings", json={"refund_limit": 10}, headers=acme.admin)
        after = replica.post("/v1/triage", json={"text": REFUND_50}, headers=acme.service)
        assert "authority_exceeded" in trigger_types(after.json())


def test_the_cli_creates_a_working_key(
    settings: Settings, app_client: TestClient, tenants: tuple[str, str]
) -> None:
    from app.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(
            ["keys", "create", "--tenant", tenants[0], "--role", "admin"], settings=settings
        )
    assert status == 0
    key = out.getvalue().strip()
    assert key.startswith("tri_ak_") and "only its hash is stored" in err.getvalue()
    response = app_client.get("/v1/admin/keys", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert [k["tenant_id"] for k in response.json()["keys"]] == [tenants[0]]
