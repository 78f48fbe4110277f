"""Each tenant's practice scenarios: the set its team published, else the shipped one.

A team publishes its own set through /v1/admin/scenarios (versioned like its bank, kind
"scenarios" in app.tenancy.tenants). The check before each use is one small query; the set is
parsed again only when its version changed. While the database is unreachable the last
known set stays in use.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable

from app.core.errors import InvalidRequestError, ScenarioNotFoundError, StoreUnavailableError
from app.core.labels import CustomerType, TriggerType
from app.practice.scenarios import Difficulty, Scenario, ScenarioError, ScenarioSet
from app.store.conversations import ConversationStore
from app.tenancy.tenants import current_version, latest_versions

log = logging.getLogger("triage.practice")


def parse_scenarios(raw: object) -> ScenarioSet:
    """A scenario set document (the format of practice_scenarios.yaml); a 422 when invalid."""
    if not isinstance(raw, dict):
        raise InvalidRequestError("a scenario set is a mapping with version and scenarios")
    try:
        return ScenarioSet.parse(raw)
    except ScenarioError as exc:
        raise InvalidRequestError(str(exc)) from exc


class ScenarioLibrary:
    """Hands out each tenant's current scenario set."""

    def __init__(
        self, store: Callable[[], ConversationStore | None], *, default: ScenarioSet
    ) -> None:
        self._store = store
        self.default = default
        self._known: dict[str, tuple[int, ScenarioSet]] = {}
        self._lock = threading.Lock()

    def for_tenant(self, tenant_id: str) -> ScenarioSet:
        """The tenant's set; blocking (a database read): call it from a worker thread."""
        with self._lock:
            version, known = self._known.get(tenant_id, (0, self.default))
        store = self._store()
        if store is None:
            return known
        try:
            latest = latest_versions(store, tenant_id)["scenarios"]
            if latest == version:
                return known
            content = current_version(store, tenant_id, "scenarios").content
        except StoreUnavailableError:
            log.warning("tenant scenarios unavailable; using the last known")
            return known
        found = self.default
        if content is not None:
            try:
                found = ScenarioSet.parse(content)
            except ScenarioError:
                # Stored valid, but a newer release may check more: the shipped set answers.
                log.error("stored tenant scenarios are invalid; using the shipped set")
        with self._lock:
            self._known[tenant_id] = (latest, found)
        return found

    def forget(self, tenant_id: str) -> None:
        with self._lock:
            self._known.pop(tenant_id, None)


def matching(
    scenarios: ScenarioSet,
    *,
    customer_type: CustomerType | None = None,
    difficulty: Difficulty | None = None,
    trigger: TriggerType | None = None,
) -> list[Scenario]:
    """The scenarios that fit every filter given."""
    return [
        s
        for s in scenarios.scenarios
        if (customer_type is None or s.customer_type == customer_type)
        and (difficulty is None or s.difficulty == difficulty)
        and (trigger is None or trigger in s.triggers)
    ]


def choose(
    scenarios: ScenarioSet,
    *,
    scenario_id: str | None = None,
    customer_type: CustomerType | None = None,
    difficulty: Difficulty | None = None,
    trigger: TriggerType | None = None,
    rng: random.Random | None = None,
) -> Scenario:
    """The scenario asked for by id, else one at random among those matching the filters."""
    found = matching(scenarios, customer_type=customer_type, difficulty=difficulty, trigger=trigger)
    if scenario_id is not None:
        found = [s for s in found if s.id == scenario_id]
    if not found:
        wanted = scenario_id or "matching these filters"
        raise ScenarioNotFoundError(f"no practice scenario {wanted}")
    return (rng or random).choice(found)


def find(scenarios: ScenarioSet, fallback: ScenarioSet, scenario_id: str) -> Scenario:
    """A session's scenario: in the tenant's set, else the shipped one (a set since replaced)."""
    found = scenarios.get(scenario_id) or fallback.get(scenario_id)
    if found is None:
        raise ScenarioNotFoundError(f"the scenario {scenario_id!r} is no longer published")
    return found
