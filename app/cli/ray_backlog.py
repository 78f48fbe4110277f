"""`triage batch --ray`: a backlog triaged by a pool of Ray actors, each with its own model.

Only the triage moves. The driver (the `triage` process) reads the input, skips what the output
already holds, cuts the same batches as a local run and writes the output with the same writer
(app.cli.backlog.BacklogRun.write), so the file is the one a local run writes, byte for byte,
and resumes the same way. Ray Data carries the batches: one dataset row per batch, `map_batches`
over an actor pool, one batch per call, so every actor's model sees exactly the batches a local
run's model would (int8 scores move by up to a few hundredths with the batch around them). The
rows come back in input order (`preserve_order`) and are written as they arrive.

Ray is imported here only: the service and a local `triage batch` never load it.
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import ray
import ray.data
import ray.exceptions

from app.cli.backlog import BacklogRun, Record, Summary, readable_of, triage_records
from app.core.config import Settings
from app.core.errors import TriageError
from app.core.logs import configure_logging
from app.engine.memory import ConversationMemory
from app.engine.triage import TriageEngine
from app.model.base import Classifier
from app.model.loading import load_classifier
from app.replies.bank import load_bank

if TYPE_CHECKING:
    from ray.data import Dataset


class BatchTriager:
    """One actor: the engine and its model, loaded once; each call triages whole batches.

    Built as `triage batch` builds its engine, without conversation memory (--store needs one
    ordered writer, so it stays local). `classifier` None: the actor loads the settings' model.
    """

    def __init__(self, settings: Settings, classifier: Classifier | None = None) -> None:
        configure_logging("WARNING")
        bank = load_bank(settings)
        model = classifier or load_classifier(settings)
        memory = ConversationMemory.from_settings(settings)
        self.engine = TriageEngine.from_settings(model, settings, bank=bank, memory=memory)

    def __call__(self, rows: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        # A JSON line holds no raw newline (json.dumps escapes it): one string per batch.
        lines = [
            "".join(triage_records(self.engine, pickle.loads(blob), store=False))
            for blob in rows["records"]
        ]
        return {"batch": rows["batch"], "lines": np.array(lines, dtype=object)}


def run_on_ray(
    run: BacklogRun,
    records: Iterable[Record],
    *,
    settings: Settings,
    classifier: Classifier | None = None,
    address: str | None = None,
    actors: int | None = None,
    actor_cpus: int = 1,
) -> Summary:
    """Triages the records on Ray and writes them through `run`, in input order.

    Joins the cluster at `address` (None: RAY_ADDRESS, else a Ray started here for the run)
    unless this process is already connected, and leaves it at the end if it joined it here.
    `actors` None lets Ray Data size the pool to the cluster; each actor reserves
    `actor_cpus` CPUs, and its model runs that many threads.
    """
    # Ray Data needs its input whole before it starts: the driver keeps each batch's ids and
    # line numbers, and Ray's object store the pickled messages (a few hundred bytes each).
    batches: list[list[Record]] = []
    rows: list[dict[str, Any]] = []
    for batch in run.batches(records):
        readable = readable_of(batch)
        if readable:
            rows.append({"batch": len(batches), "records": pickle.dumps(readable)})
        batches.append([r if r.error else Record(r.line, r.id) for r in batch])
    if not rows:  # nothing for a model: the error lines alone, and no cluster to start
        for batch in batches:
            run.write(batch, [])
        return run.summary
    joined = not ray.is_initialized()
    if joined:
        ray.init(address=address, logging_level=logging.WARNING, include_dashboard=False)
    try:
        results = _triaged(rows, _for_workers(settings, actor_cpus), classifier, actors, actor_cpus)
        rows.clear()  # the dataset holds them now, in the object store
        for number, batch in enumerate(batches):
            run.write(batch, results(number) if readable_of(batch) else [])
        results.finish()
    except ray.exceptions.RayError as exc:
        # Ray's text ends with the worker's own exception (a model that cannot load, say),
        # after its traceback, which Ray has already shown on stderr.
        lines = [line for line in str(exc).splitlines() if line.strip()]
        cause = lines[-1].strip() if lines else ""
        raise TriageError(f"the Ray run failed ({type(exc).__name__}): {cause}") from exc
    finally:
        if joined:
            ray.shutdown()
    return run.summary


def _for_workers(settings: Settings, actor_cpus: int) -> Settings:
    """The settings as an actor needs them: absolute paths, and threads for its CPUs."""
    update: dict[str, Any] = {
        name: value.resolve()
        for name, value in settings
        if isinstance(value, Path) and not value.is_absolute()
    }
    if not settings.torch_threads:
        # onnxruntime would size its pool to the whole machine, not to the actor's share.
        update["torch_threads"] = actor_cpus
    return settings.model_copy(update=update)


class _Lines:
    """The lines of each batch, as Ray gives them back, checked to be in input order."""

    def __init__(self, rows: Iterator[dict[str, Any]]) -> None:
        self.rows = rows

    def __call__(self, number: int) -> list[str]:
        row = next(self.rows)
        if int(row["batch"]) != number:
            raise TriageError(f"Ray gave back batch {row['batch']} where {number} was due")
        text: str = row["lines"]
        return [line + "\n" for line in text.split("\n")[:-1]]

    def finish(self) -> None:
        """Runs the dataset to its end, so that Ray is left with nothing half read."""
        extra = next(self.rows, None)
        if extra is not None:
            raise TriageError(f"Ray gave back batch {extra['batch']}, one too many")


def _triaged(
    rows: list[dict[str, Any]],
    settings: Settings,
    classifier: Classifier | None,
    actors: int | None,
    actor_cpus: int,
) -> _Lines:
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    # Ray Data's warnings stay (an actor pool the cluster cannot fit, say), its notes on each
    # execution go, and so does the notice that its progress bars are off: stderr belongs to
    # the driver's own bar, which counts written messages, and to the summary.
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    logging.getLogger("ray.data._internal.progress").setLevel(logging.ERROR)
    pool = (
        ray.data.ActorPoolStrategy(size=actors)
        if actors
        else ray.data.ActorPoolStrategy(min_size=1, max_size=None)
    )
    dataset: Dataset = ray.data.from_items(rows).map_batches(
        BatchTriager,
        fn_constructor_kwargs={"settings": settings, "classifier": classifier},
        batch_size=1,  # one local batch per call: the model sees the local run's batches
        batch_format="numpy",
        compute=pool,
        num_cpus=actor_cpus,
    )
    return _Lines(iter(dataset.iter_rows()))
