"""Each tenant's scenario set: parsed, chosen from, published and picked up again."""

from __future__ import annotations

import copy
import random
import uuid

import pytest

from app.core.errors import InvalidRequestError, ScenarioNotFoundError
from app.practice.library import ScenarioLibrary, choose, find, matching, parse_scenarios
from app.practice.scenarios import ScenarioSet
from app.store.conversations import ConversationStore
from app.tenancy.tenants import publish, rollback
from tests.data_scenarios import SCENARIOS

TEST_SET = ScenarioSet.parse(SCENARIOS)
SHIPPED = ScenarioSet.default()


def test_filters_narrow_the_choice() -> None:
    assert [s.id for s in matching(TEST_SET, customer_type="confused")] == ["plan-choice"]
    assert [s.id for s in matching(TEST_SET, difficulty=2)] == ["parcel-late"]
    assert [s.id for s in matching(TEST_SET, trigger="repeated_contact")] == ["parcel-late"]
    assert matching(TEST_SET, customer_type="angry", difficulty=1) == []
    assert len(matching(TEST_SET)) == 2


def test_choose_takes_the_id_or_one_at_random_among_the_matching() -> None:
    assert choose(TEST_SET, scenario_id="plan-choice").id == "plan-choice"
    picked = {choose(TEST_SET, rng=random.Random(seed)).id for seed in range(20)}
    assert picked == {"parcel-late", "plan-choice"}
    with pytest.raises(ScenarioNotFoundError) as caught:
        choose(TEST_SET, customer_type="satisfied")
    assert (caught.value.status, caught.value.code) == (404, "scenario_not_found")
    with pytest.raises(ScenarioNotFoundError):
        choose(TEST_SET, scenario_id="plan-choice", difficulty=3)


def test_find_falls_back_to_the_shipped_set() -> None:
    shipped_id = SHIPPED.scenarios[0].id
    assert find(TEST_SET, SHIPPED, shipped_id).id == shipped_id
    with pytest.raises(ScenarioNotFoundError):
        find(TEST_SET, SHIPPED, "never-published")


@pytest.mark.parametrize(
    "raw",
    [
        [],
        {"version": "x"},
        {"version": "x", "scenarios": []},
        {"version": "x", "scenarios": [SCENARIOS["scenarios"][0]] * 2},  # an id twice
        {"version": "x", "scenarios": [{**SCENARIOS["scenarios"][0], "difficulty": 4}]},
    ],
)
def test_an_invalid_set_is_a_422(raw: object) -> None:
    with pytest.raises(InvalidRequestError):
        parse_scenarios(raw)


def test_a_tenant_gets_its_published_set_and_back(store: ConversationStore) -> None:
    tenant = f"t-{uuid.uuid4().hex[:10]}"
    library = ScenarioLibrary(lambda: store, default=SHIPPED)
    assert library.for_tenant(tenant) is SHIPPED
    publish(store, tenant, "scenarios", SCENARIOS)
    assert library.for_tenant(tenant) == TEST_SET
    assert library.for_tenant(f"{tenant}-b") is SHIPPED  # another tenant keeps the shipped set
    changed = copy.deepcopy(SCENARIOS) | {"version": "test-2"}
    publish(store, tenant, "scenarios", changed)
    assert library.for_tenant(tenant).version == "test-2"
    rollback(store, tenant, "scenarios", 0)
    assert library.for_tenant(tenant) is SHIPPED


def test_without_a_store_the_last_known_set_answers() -> None:
    library = ScenarioLibrary(lambda: None, default=SHIPPED)
    assert library.for_tenant("acme") is SHIPPED
