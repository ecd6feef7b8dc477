"""``mednec triage --engine dask [--scheduler ADDRESS]``: cases as tasks on a Dask distributed cluster.

Each case is one task running :func:`run_case` on a worker, which runs the same per-case
function as the local engine (:func:`mednec.worker.process_case`) in a child forked from
the worker and kept for its next cases (``mednec.runner.KeptChild``), with the same
per-case time limit; the case is read from
and its JSON and HTML written to paths every worker shares. The client keeps at most a few
tasks per worker in flight, streams the outcomes back in folder order and writes
``triage.csv`` and the queue page itself, so the outputs are byte-identical to the local
engine's.

Workers build the pipeline once: :class:`WarmPlugin` (a worker plugin registered by the
client) runs :func:`mednec.worker.warm` when a worker starts, and every case reuses it.
With no scheduler address a ``LocalCluster`` is started: ``n_workers`` = ``--workers``,
processes, one thread each. Workers that are daemonic processes (Dask's default for an
external cluster: ``distributed.worker.daemon``) cannot fork; their cases then run in the
worker process itself without a time limit (set ``DASK_DISTRIBUTED__WORKER__DAEMON=False``
on the workers to keep it; see docs/performance.md).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing as mp
import os
import threading
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import dask
from distributed import Client, Future, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin

from mednec.runner import KeptChild
from mednec.state import CasePlan
from mednec.worker import CaseOutcome

log = logging.getLogger(__name__)

IN_FLIGHT_PER_WORKER = 4
"""Tasks submitted ahead per worker thread: enough to keep workers busy, few enough to stream."""


class WarmPlugin(WorkerPlugin):
    """Warms a worker when it starts: builds the pipeline once (``mednec.worker.warm``)."""

    name = "mednec-warm"

    async def setup(self, worker) -> None:  # noqa: ANN001 - distributed.Worker
        """Run the warm-up off the worker's event loop (it takes seconds)."""
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # Tesseract: one thread per case
        from mednec.worker import warm

        await asyncio.get_running_loop().run_in_executor(None, warm)


def run_case(plan: CasePlan, out_dir: str, timeout: float | None, fhir: bool = False) -> CaseOutcome:
    """Review one case on a worker: ``process_case`` in a forked child with the time limit."""
    from mednec.runner import Job, fork_available
    from mednec.worker import failed_outcome, process_case, warm

    warm()  # a no-op when the plugin already ran
    job = Job(str(plan.folder), plan.input_sha256, fhir)
    if mp.current_process().daemon or not fork_available():
        if timeout:
            log.warning("%s: a daemonic Dask worker cannot fork; the case runs without a time limit",
                        plan.folder)
        return process_case(job.folder, out_dir, input_sha256=job.input_sha256, fhir=fhir)
    with _kept_lock:
        kept = _kept.get((out_dir, timeout))
        if kept is None:
            kept = _kept[out_dir, timeout] = KeptChild(out_dir, process_case, timeout)
    return kept.run_one(job, failed_outcome({job.folder: plan}))


_kept: dict[tuple[str, float | None], KeptChild] = {}
"""The forked child of this worker process that reviews its cases, per output folder and time limit."""
_kept_lock = threading.Lock()


def _client(scheduler: str | None, workers: int) -> tuple[Client, LocalCluster | None]:
    if scheduler:
        return Client(scheduler), None
    # Workers of the local cluster may fork (the per-case time limit needs a child process).
    dask.config.set({"distributed.worker.daemon": False})
    if not log.isEnabledFor(logging.DEBUG):  # the scheduler runs here: keep its INFO lines out of stderr
        logging.getLogger("distributed").setLevel(logging.ERROR)
    cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)
    return Client(cluster), cluster


def run_dask(plans: Sequence[CasePlan], out_dir: str, *, workers: int, timeout: float | None,
             scheduler: str | None = None, fhir: bool = False) -> Iterator[CaseOutcome]:
    """Review ``plans`` on a Dask cluster; yield their outcomes in the order of ``plans``."""
    if not plans:
        return
    if scheduler:  # remote workers do not share this process's working directory
        plans = [replace(p, folder=p.folder.resolve()) for p in plans]
        out_dir = str(Path(out_dir).resolve())
    client, cluster = _client(scheduler, workers)
    try:
        client.register_plugin(WarmPlugin(), name=WarmPlugin.name)
        threads = sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()) or 1
        yield from _stream(client, plans, out_dir, timeout, threads * IN_FLIGHT_PER_WORKER, fhir)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _stream(client: Client, plans: Sequence[CasePlan], out_dir: str, timeout: float | None,
            window: int, fhir: bool = False) -> Iterator[CaseOutcome]:
    """Submit at most ``window`` cases ahead; yield each outcome in order as soon as it is ready."""
    from mednec.runner import Job
    from mednec.worker import failed_outcome

    batch = uuid.uuid4().hex[:12]
    pending: deque[tuple[CasePlan, Future]] = deque()
    upcoming = iter(enumerate(plans))

    def submit() -> None:
        for i, plan in upcoming:
            pending.append((plan, client.submit(run_case, plan, out_dir, timeout, fhir, pure=False,
                                                key=f"mednec-case-{batch}-{i}")))
            return

    for _ in range(window):
        submit()
    while pending:
        plan, future = pending.popleft()
        try:
            outcome = future.result()
        except Exception as exc:  # noqa: BLE001 - a lost worker must not stop the batch
            log.debug("Dask task of %s failed", plan.folder, exc_info=True)
            job = Job(str(plan.folder), plan.input_sha256)
            outcome = failed_outcome({job.folder: plan})(job, "E502", f"the Dask task failed ({type(exc).__name__})")
        finally:
            future.release()
        submit()
        yield outcome
