"""Per-tenant banks and settings: validation, versions, rollback, and how replicas see them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from app.core.config import Settings
from app.core.errors import InvalidRequestError, StoreUnavailableError, VersionNotFoundError
from app.replies.bank import ResponseBank
from app.store.conversations import ConversationStore, NewTurn
from app.store.db import MIGRATIONS_DIR, Base
from app.tenancy.configs import TenantConfigs
from app.tenancy.tenants import (
    SettingsOverrides,
    current_version,
    latest_versions,
    list_versions,
    parse_bank,
    parse_settings,
    publish,
    rollback,
)


@pytest.fixture
def tenant() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"


def small_bank(
    text: str = "Thanks for your patience, {customer_name}.", version: str = "t-1"
) -> dict:
    return {
        "version": version,
        "entries": [{"id": "close-01", "step": "close", "text": text}],
    }


def test_parse_bank_names_the_bad_entry_and_field() -> None:
    bad = small_bank()
    bad["entries"].append({"id": "ack-02", "step": "shout", "text": "Hello"})
    with pytest.raises(InvalidRequestError) as error:
        parse_bank(bad)
    assert "entries[1] (id 'ack-02') field 'step'" in error.value.message


def test_parse_bank_refuses_unknown_placeholders_and_non_mappings() -> None:
    with pytest.raises(InvalidRequestError, match=r"\{account_pin\}"):
        parse_bank(small_bank("Your pin is {account_pin}."))
    with pytest.raises(InvalidRequestError, match="mapping"):
        parse_bank(["not", "a", "bank"])


def test_settings_overrides_are_validated_like_the_settings() -> None:
    assert parse_settings({"thresholds": {"escalate_intensity": 0.5}}).thresholds == {
        "escalate_intensity": 0.5
    }
    for bad in (
        {"thresholds": {"escalate_intensity": 1.5}},
        {"thresholds": {"no_such_threshold": 0.1}},
        {"refund_limit": -1},
        {"trigger_priority": {"churn_threat": "whenever"}},
        {"database_url": "postgresql://elsewhere"},  # not a tenant's to change
    ):
        with pytest.raises(InvalidRequestError):
            parse_settings(bad)


def test_overrides_apply_on_top_of_the_deployments_settings(tmp_path: Path) -> None:
    base = Settings(data_dir=tmp_path, refund_limit=100, discount_limit=20)
    overrides = SettingsOverrides(
        thresholds={"escalate_intensity": 0.5},
        refund_limit=25,
        trigger_priority={"churn_threat": "urgent"},
    )
    tenant = overrides.applied_to(base)
    assert tenant.refund_limit == 25 and tenant.discount_limit == 20
    assert tenant.thresholds.escalate_intensity == 0.5
    assert tenant.thresholds.peak_intensity == base.thresholds.peak_intensity
    assert tenant.trigger_priority["churn_threat"] == "urgent"
    assert tenant.trigger_priority["legal_threat"] == base.trigger_priority["legal_threat"]
    assert base.refund_limit == 100  # the deployment's own are untouched


def test_versions_grow_and_rollback_adds_a_version(store: ConversationStore, tenant: str) -> None:
    assert current_version(store, tenant, "bank").version == 0
    first = publish(store, tenant, "bank", small_bank(version="a"))
    second = publish(store, tenant, "bank", small_bank(version="b"))
    assert (first.version, second.version) == (1, 2)
    restored = rollback(store, tenant, "bank", 1)
    assert (restored.version, restored.restored_from) == (3, 1)
    assert current_version(store, tenant, "bank").content == small_bank(version="a")
    assert [v.version for v in list_versions(store, tenant, "bank")] == [3, 2, 1, 0]
    back_to_shared = rollback(store, tenant, "bank", 0)
    assert back_to_shared.content is None and back_to_shared.version == 4
    assert latest_versions(store, tenant) == {"bank": 4, "settings": 0, "scenarios": 0}


def test_rollback_to_an_unknown_version_is_404(store: ConversationStore, tenant: str) -> None:
    publish(store, tenant, "settings", {"refund_limit": 10})
    with pytest.raises(VersionNotFoundError) as error:
        rollback(store, tenant, "settings", 7)
    assert error.value.status == 404
    with pytest.raises(VersionNotFoundError):
        rollback(store, tenant, "bank", 1)  # versions are per kind


def test_versions_are_per_tenant(store: ConversationStore, tenant: str) -> None:
    publish(store, tenant, "settings", {"refund_limit": 10})
    assert latest_versions(store, f"{tenant}-b") == {"bank": 0, "settings": 0, "scenarios": 0}


def configs_for(store: object, tmp_path: Path, ttl: float) -> TenantConfigs:
    return TenantConfigs(
        lambda: store,  # type: ignore[arg-type,return-value]
        settings=Settings(data_dir=tmp_path),
        bank=ResponseBank.default(),
        ttl=ttl,
    )


def test_another_replica_picks_up_a_new_version(
    store: ConversationStore, tenant: str, tmp_path: Path
) -> None:
    replica = configs_for(store, tmp_path, ttl=0)
    assert replica.get(tenant).bank.version == ResponseBank.default().version
    publish(store, tenant, "bank", small_bank(version="team-7"))
    publish(store, tenant, "settings", {"refund_limit": 5})
    config = replica.get(tenant)
    assert (config.bank_version, config.settings_version) == (1, 1)
    assert config.bank.version == "team-7" and config.settings.refund_limit == 5


def test_within_the_ttl_the_cached_version_answers_until_forgotten(
    store: ConversationStore, tenant: str, tmp_path: Path
) -> None:
    replica = configs_for(store, tmp_path, ttl=3600)
    replica.get(tenant)
    publish(store, tenant, "settings", {"refund_limit": 5})
    assert replica.get(tenant).settings_version == 0  # not checked again yet
    replica.forget(tenant)  # what the replica that published does
    assert replica.get(tenant).settings_version == 1


class DownStore:
    def transaction(self, work, *, write=False):  # type: ignore[no-untyped-def]
        raise StoreUnavailableError("database down")


def test_an_unreachable_database_keeps_the_last_known_configuration(
    store: ConversationStore, tenant: str, tmp_path: Path
) -> None:
    current: list[object] = [store]
    replica = TenantConfigs(
        lambda: current[0],  # type: ignore[arg-type,return-value]
        settings=Settings(data_dir=tmp_path),
        bank=ResponseBank.default(),
        ttl=0,
    )
    publish(store, tenant, "settings", {"refund_limit": 5})
    assert replica.get(tenant).settings.refund_limit == 5
    current[0] = DownStore()
    assert replica.get(tenant).settings.refund_limit == 5
    assert replica.get(f"{tenant}-new").settings_version == 0  # never seen: the deployment's


def test_the_migration_keeps_old_conversations_in_the_default_tenant(
    tmp_path: Path, empty_database: str
) -> None:
    """A database at revision 0001 with a conversation upgrades to head without losing it."""
    url = empty_database
    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        at = datetime(2030, 1, 1, tzinfo=UTC).isoformat()
        conn.execute(
            text(
                "INSERT INTO conversations (id, customer_id, channel, created_at, updated_at) "
                "VALUES ('old-1', 'cust', 'chat', :at, :at)"
            ),
            {"at": at},
        )
        conn.execute(
            text(
                "INSERT INTO turns (id, conversation_id, at, channel, text, sentiment_label, "
                "sentiment_score, customer_type, intensity, triggers, responses_suggested) "
                "VALUES (7, 'old-1', :at, 'chat', 'hi', 'neutral', 0, 'neutral', 0, '[]', '[]')"
            ),
            {"at": at},
        )
        conn.execute(
            text(
                "INSERT INTO outcomes (conversation_id, at, resolved, responses_used, "
                "commitments, actions) VALUES ('old-1', :at, true, '[]', '[]', '[]')"
            ),
            {"at": at},
        )
    engine.dispose()
    store = ConversationStore.open(url, data_dir=tmp_path)  # migrates to head
    with store._engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    record = store.get("old-1")
    assert record is not None and record.customer_id == "cust"
    assert [t.id for t in record.turns] == [7] and len(record.outcomes) == 1
    assert store.get("old-1", tenant_id="acme") is None
    # Another tenant may now use the same id, and deleting one leaves the other.
    store.append_turn(
        NewTurn(
            tenant_id="acme",
            conversation_id="old-1",
            at=datetime(2030, 1, 2, tzinfo=UTC),
            channel="chat",
            text=None,
            sentiment_label="neutral",
            sentiment_score=0.0,
            customer_type="neutral",
            intensity=0.0,
        )
    )
    assert store.delete("old-1", tenant_id="acme")
    assert store.get("old-1") is not None
    store.close()
