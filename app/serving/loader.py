"""The engine's life, owned by one object: loading, ready, failed (with the error), draining."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Literal

from app.core.config import Settings
from app.core.errors import ModelNotReadyError
from app.engine.memory import ConversationMemory
from app.engine.triage import TriageEngine
from app.model.base import Classifier
from app.model.loading import load_classifier
from app.model.score_cache import CachedClassifier
from app.replies.bank import ResponseBank
from app.tenancy.configs import TenantConfigs

log = logging.getLogger("triage.app")
EngineState = Literal["loading", "ready", "failed", "draining"]


class EngineLoader:
    """Builds the engine in the background and says where it stands (KServe's load + ready).

    /readyz, the routes and the webhook worker read this object, never app.state: `state`
    for the probe, `require()` for a route (503 model_not_ready until loaded), `ready` for
    the worker. Draining (from SIGTERM on) changes only what the probe says: the requests
    that still arrive are served.
    """

    def __init__(self) -> None:
        self._engine: TriageEngine | None = None
        self.error: str | None = None
        self.draining = False

    @property
    def engine(self) -> TriageEngine | None:
        return self._engine

    @property
    def ready(self) -> bool:
        return self._engine is not None

    @property
    def state(self) -> EngineState:
        if self.draining:
            return "draining"
        if self._engine is not None:
            return "ready"
        return "failed" if self.error is not None else "loading"

    def require(self) -> TriageEngine:
        """The engine, or ModelNotReadyError while it loads (or failed to)."""
        if self._engine is None:
            raise ModelNotReadyError("the model is still loading; retry shortly")
        return self._engine

    def set_engine(self, engine: TriageEngine) -> None:
        self._engine = engine

    def start(self, build: Callable[[], TriageEngine]) -> threading.Thread:
        """Run `build` in a daemon thread; the engine it returns, or its error, is kept."""
        thread = threading.Thread(target=self._load, args=(build,), name="engine-loader")
        thread.daemon = True
        thread.start()
        return thread

    def _load(self, build: Callable[[], TriageEngine]) -> None:
        try:
            engine = build()
        except Exception as exc:
            self.error = f"model failed to load: {exc}"
            log.critical("model failed to load", extra={"error": str(exc)})
            return
        self._engine = engine
        log.info("model loaded", extra={"model_version": engine.model_version})


def build_engine(
    settings: Settings,
    *,
    bank: ResponseBank,
    memory: ConversationMemory,
    configs: TenantConfigs,
    classifier: Classifier | None = None,
) -> TriageEngine:
    """The engine over the given classifier, or over the shipped model loaded as settings say."""
    if classifier is None:
        classifier = load_classifier(settings)
        if settings.score_cache_size:
            classifier = CachedClassifier(classifier, max_entries=settings.score_cache_size)
        classifier.predict(["warm-up"])  # the first forward pass allocates; pay before ready
    return TriageEngine.from_settings(
        classifier, settings, bank=bank, memory=memory, configs=configs
    )
