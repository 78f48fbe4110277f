"""API keys: only a hash is kept, lookups find live keys only, revocation, the outage grace."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from app.core.errors import InvalidRequestError, StoreUnavailableError
from app.store.conversations import ConversationStore
from app.store.db import ApiKeyRow
from app.tenancy.keys import KeyRing, create_key, find_key, generate, list_keys, revoke_key


@pytest.fixture
def tenant() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"  # the PostgreSQL database is shared between tests


def stored_rows(store: ConversationStore, tenant: str) -> list[dict]:
    query = select(ApiKeyRow).where(ApiKeyRow.tenant_id == tenant)
    return [dict(r._mapping) for r in store.transaction(lambda c: c.execute(query).all())]


@pytest.mark.parametrize(
    ("role", "kind"),
    [("admin", "ak"), ("service", "sk"), ("widget", "pk"), ("agent", "tk"), ("lead", "lk")],
)
def test_keys_name_their_kind_and_are_random(role: str, kind: str) -> None:
    first, second = generate(role), generate(role)  # type: ignore[arg-type]
    assert first.startswith(f"tri_{kind}_") and len(first) == len(f"tri_{kind}_") + 40
    assert first != second


def test_only_the_hash_of_a_key_is_stored(store: ConversationStore, tenant: str) -> None:
    made = create_key(store, tenant, "service", name="helpdesk")
    [row] = stored_rows(store, tenant)
    assert row["secret_hash"] == hashlib.sha256(made.secret.encode()).hexdigest()
    assert all(made.secret not in str(value) for value in row.values())
    assert row["prefix"] == made.secret[:15] == made.key.prefix
    assert made.key.tenant_id == tenant and made.key.role == "service"


def test_find_key_knows_the_owner_and_nothing_else(store: ConversationStore, tenant: str) -> None:
    made = create_key(store, tenant, "admin")
    found = find_key(store, made.secret)
    assert found is not None
    assert (found.key_id, found.tenant_id, found.role) == (made.key.id, tenant, "admin")
    # Same prefix, another secret: the hash comparison refuses it.
    assert find_key(store, made.secret[:-1] + ("A" if made.secret[-1] != "A" else "B")) is None
    assert find_key(store, "not-a-key") is None


def test_a_revoked_key_is_found_no_more(store: ConversationStore, tenant: str) -> None:
    made = create_key(store, tenant, "service")
    revoked = revoke_key(store, tenant, made.key.id)
    assert revoked is not None and revoked.revoked_at is not None
    assert find_key(store, made.secret) is None
    again = revoke_key(store, tenant, made.key.id)
    assert again is not None and again.revoked_at == revoked.revoked_at


def test_a_tenant_cannot_revoke_or_list_another_tenants_key(
    store: ConversationStore, tenant: str
) -> None:
    made = create_key(store, tenant, "service")
    assert revoke_key(store, f"{tenant}-other", made.key.id) is None
    assert find_key(store, made.secret) is not None
    assert list_keys(store, f"{tenant}-other") == []
    assert [k.id for k in list_keys(store, tenant)] == [made.key.id]


def test_widget_origins_are_normalised_and_joined_with_the_tenants(
    store: ConversationStore, tenant: str
) -> None:
    from app.tenancy.tenants import set_tenant_origins

    set_tenant_origins(store, tenant, ["https://help.example.com"])
    made = create_key(store, tenant, "widget", origins=["HTTPS://Shop.Example.com/"])
    assert made.key.allowed_origins == ["https://shop.example.com"]
    found = find_key(store, made.secret)
    assert found is not None
    assert found.origins == {"https://shop.example.com", "https://help.example.com"}


@pytest.mark.parametrize(
    ("tenant_id", "role", "origins"),
    [
        ("Acme", "admin", []),  # tenant ids are lower case
        ("", "admin", []),
        ("acme", "root", []),
        ("acme", "service", ["https://a.example"]),  # origins are for widget keys
        ("acme", "widget", ["https://a.example/path"]),
        ("acme", "widget", ["javascript:alert(1)"]),
    ],
)
def test_invalid_keys_are_refused(
    tmp_path: Path, tenant_id: str, role: str, origins: list[str]
) -> None:
    store = ConversationStore.open("sqlite:///", data_dir=tmp_path)
    with pytest.raises(InvalidRequestError):
        create_key(store, tenant_id, role, origins=origins)  # type: ignore[arg-type]
    store.close()


class FlakyStore:
    """A store whose database can be switched off."""

    def __init__(self, real: ConversationStore) -> None:
        self.real = real
        self.down = False

    def transaction(self, work, *, write=False):  # type: ignore[no-untyped-def]
        if self.down:
            raise StoreUnavailableError("database down")
        return self.real.transaction(work, write=write)


def test_a_recently_verified_key_survives_an_outage_within_the_grace(tmp_path: Path) -> None:
    real = ConversationStore.open("sqlite:///", data_dir=tmp_path)
    flaky = FlakyStore(real)
    ring = KeyRing(lambda: flaky, grace=300)  # type: ignore[arg-type,return-value]
    known = create_key(real, "acme", "service").secret
    unseen = create_key(real, "acme", "service").secret
    assert ring.verify(known) is not None
    flaky.down = True
    assert ring.verify(known) is not None
    with pytest.raises(StoreUnavailableError):
        ring.verify(unseen)  # never verified: the outage cannot vouch for it
    real.close()


def test_no_grace_means_an_outage_refuses_every_key(tmp_path: Path) -> None:
    real = ConversationStore.open("sqlite:///", data_dir=tmp_path)
    flaky = FlakyStore(real)
    ring = KeyRing(lambda: flaky, grace=0)  # type: ignore[arg-type,return-value]
    known = create_key(real, "acme", "service").secret
    assert ring.verify(known) is not None
    flaky.down = True
    with pytest.raises(StoreUnavailableError):
        ring.verify(known)
    real.close()


def test_a_revoked_key_is_not_revived_by_an_outage(tmp_path: Path) -> None:
    real = ConversationStore.open("sqlite:///", data_dir=tmp_path)
    flaky = FlakyStore(real)
    ring = KeyRing(lambda: flaky, grace=300)  # type: ignore[arg-type,return-value]
    made = create_key(real, "acme", "service")
    assert ring.verify(made.secret) is not None
    revoke_key(real, "acme", made.key.id)
    assert ring.verify(made.secret) is None  # the database says so at once
    flaky.down = True
    with pytest.raises(StoreUnavailableError):
        ring.verify(made.secret)
    real.close()


def test_forget_drops_a_key_revoked_on_this_replica(tmp_path: Path) -> None:
    real = ConversationStore.open("sqlite:///", data_dir=tmp_path)
    flaky = FlakyStore(real)
    ring = KeyRing(lambda: flaky, grace=300)  # type: ignore[arg-type,return-value]
    made = create_key(real, "acme", "service")
    ring.verify(made.secret)
    ring.forget(made.key.id)
    flaky.down = True
    with pytest.raises(StoreUnavailableError):
        ring.verify(made.secret)
    real.close()


def test_a_key_is_found_with_its_name(store: ConversationStore, tenant: str) -> None:
    made = create_key(store, tenant, "agent", name="Ana Lima")
    found = find_key(store, made.secret)
    assert found is not None
    assert (found.role, found.name) == ("agent", "Ana Lima")
    assert made.secret.startswith("tri_tk_")
