"""Run cases in child processes with a per-case time limit (the engine of ``mednec triage``).

Design: the parent process builds the pipeline once (and warms it on a small case), then
*forks* at most ``workers`` children. A child inherits the built pipeline (copy-on-write, a
fork costs milliseconds) and reviews cases one after another: it receives a job through
its pipe, writes the outputs, sends the :class:`~mednec.worker.CaseOutcome` back, and
waits for the next job; after ``CASES_PER_WORKER`` cases it exits and a fresh child is
forked from the parent, so caches a long batch fills cannot grow without bound. The
parent waits on all pipes and process sentinels with the nearest deadline as timeout; a
child still running its case at the deadline is killed (SIGKILL) and the case gets an
``[E501] ... time limit exceeded`` row; a child that dies without an answer (crash,
out-of-memory kill) gets ``[E502]``; either way a fresh child takes the next case. The
same design serves ``workers=1`` and ``workers=N``, and, unlike a ``ProcessPoolExecutor``
(whose running tasks cannot be cancelled) or ``signal.alarm`` (which cannot interrupt C
code and leaves the process in an unknown state), a stuck case is really stopped and can
never stall or poison the cases after it. Keeping a child for many cases (rather than one
child per case) saves the fork, the copy-on-write faults and the first-use costs of every
case: about a third of the time of a batch of small cases.

Each child also gets a memory limit (``RLIMIT_AS``: its size at the fork plus
``MEMORY_LIMIT_MB``, default 4096, environment ``MEDNEC_CASE_MEMORY_MB``), so a document
that makes the pipeline allocate without bound fails its own case with ``[E503]``
instead of waking the kernel's out-of-memory killer on a shared machine; a child that
ran out of memory is replaced after that case.

Outcomes are yielded in job order whatever order the children finish in. Where ``fork``
is not available (Windows), cases run one by one in this process without a time limit.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

log = logging.getLogger(__name__)

MEMORY_LIMIT_MB = 4096
"""Memory a case may allocate beyond what its forked child starts with (0: no limit)."""


@dataclass(frozen=True)
class Job:
    """One case to review: its folder and the input hash to record with its outputs."""

    folder: str
    input_sha256: str | None = None
    fhir: bool = False  # also write the case's FHIR response Bundle

    def options(self) -> dict[str, bool]:
        """Keyword options for the case function beyond the folder and hash (only those set)."""
        return {"fhir": True} if self.fhir else {}


CASES_PER_WORKER = 100
"""Cases a forked child reviews before it exits and a fresh one is forked from the parent."""


@dataclass
class _Worker:
    """A forked child, and the case it is reviewing (``index`` None: idle)."""

    proc: mp.process.BaseProcess
    conn: Connection
    served: int = 0
    index: int | None = None
    job: Job | None = None
    deadline: float | None = None


CaseFn = Callable[..., object]
"""``process_case(folder, out_dir, ocr_workers, input_sha256=..., **job.options()) -> CaseOutcome``."""
FailFn = Callable[[Job, str, str], object]
"""``failed(job, code, problem) -> CaseOutcome`` for a case whose child gave no answer."""


def fork_available() -> bool:
    """Whether children can be forked (POSIX)."""
    return "fork" in mp.get_all_start_methods()


def run_jobs(jobs: Sequence[Job], out_dir: str, *, run: CaseFn, failed: FailFn, workers: int = 1,
             timeout: float | None = None, warm: Callable[[], None] | None = None) -> Iterator[object]:
    """Run ``run`` on every job in forked children; yield the outcomes in job order."""
    if not jobs:
        return
    if not fork_available():
        if timeout:
            log.warning("no fork on this platform: cases run in this process without a time limit")
        for job in jobs:
            yield run(job.folder, out_dir, input_sha256=job.input_sha256, **job.options())
        return
    if warm is not None:
        warm()  # build the pipeline before the first fork: every child inherits it
    yield from _Scheduler(jobs, out_dir, run, failed, max(1, workers), timeout).outcomes()


class KeptChild:
    """A forked child kept between calls, for engines whose own workers run one case at a time.

    A Dask worker calls :meth:`run_one` for each of its cases: the child is forked on the first
    call, reused for the next ones and replaced after ``CASES_PER_WORKER`` cases, a crash or a
    time limit, exactly as in the local pool, so a case costs the same on either engine.
    """

    def __init__(self, out_dir: str, run: CaseFn, timeout: float | None) -> None:
        self._pool = _Scheduler([], out_dir, run, _no_failure, 1, timeout)
        self._lock = threading.Lock()  # one case at a time per kept child

    def run_one(self, job: Job, failed: FailFn) -> object:
        """Review ``job`` in the kept child (its outcome, or ``failed(job, code, problem)``)."""
        with self._lock:
            pool = self._pool
            pool.jobs, pool.failed, pool.done = [job], failed, {}
            pool._assign(0)  # the kept child is idle (or gone): this never waits
            while 0 not in pool.done:
                pool._collect()
            return pool.done.pop(0)


def _no_failure(job: Job, code: str, problem: str) -> object:
    raise AssertionError("KeptChild.run_one sets the failure function of each job")


class _Scheduler:
    """At most ``workers`` forked children, each reviewing one case at a time with its own deadline."""

    def __init__(self, jobs: Sequence[Job], out_dir: str, run: CaseFn, failed: FailFn, workers: int,
                 timeout: float | None) -> None:
        self.jobs, self.out_dir, self.run, self.failed = list(jobs), out_dir, run, failed
        self.workers, self.timeout = workers, timeout if timeout and timeout > 0 else None
        self.ctx = mp.get_context("fork")
        self.pool: list[_Worker] = []
        self.done: dict[int, object] = {}

    def outcomes(self) -> Iterator[object]:
        next_start = next_yield = 0
        try:
            while next_yield < len(self.jobs):
                while next_start < len(self.jobs) and self._assign(next_start):
                    next_start += 1
                self._collect()
                while next_yield in self.done:
                    yield self.done.pop(next_yield)
                    next_yield += 1
        finally:
            for w in self.pool:  # done, or interrupted (Ctrl-C, an error in the caller)
                self._retire(w, graceful=w.index is None)
            self.pool.clear()

    def _assign(self, index: int) -> bool:
        """Give job ``index`` to an idle child (forking one if the pool has room); False if all are busy."""
        idle = next((w for w in self.pool if w.index is None), None)
        if idle is None and len(self.pool) >= self.workers:
            return False
        if idle is None:
            idle = self._fork()
        job = self.jobs[index]
        try:
            idle.conn.send(job)
        except (OSError, ValueError):  # the idle child is gone: retire it, try again with a fresh one
            self._retire(idle, graceful=False)
            self.pool.remove(idle)
            return self._assign(index)
        idle.index, idle.job = index, job
        idle.deadline = time.monotonic() + self.timeout if self.timeout else None
        return True

    def _fork(self) -> _Worker:
        mine, theirs = self.ctx.Pipe(duplex=True)
        proc = self.ctx.Process(target=_serve, name="mednec-worker",
                                args=(self.run, self.out_dir, theirs, self.workers > 1, os.getpid()))
        proc.start()
        theirs.close()
        worker = _Worker(proc, mine)
        self.pool.append(worker)
        return worker

    def _collect(self) -> None:
        """Wait for a busy child to answer, die or pass its deadline; record what happened."""
        busy = [w for w in self.pool if w.index is not None]
        deadlines = [w.deadline for w in busy if w.deadline is not None]
        wait_s = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        ready = set(wait([h for w in busy for h in (w.conn, w.proc.sentinel)], timeout=wait_s))
        now = time.monotonic()
        for w in busy:
            if w.index is None or w.job is None:  # not busy (for the type checker)
                continue
            if w.conn in ready or w.proc.sentinel in ready:
                outcome = self._answer(w)
                if outcome is not None:
                    self.done[w.index] = outcome
                    w.served += 1
                    w.index = w.job = w.deadline = None
                    error = getattr(outcome, "error", None) or ""
                    if w.served < CASES_PER_WORKER and "[E503]" not in error:
                        continue  # idle, ready for the next case
                    self._retire(w, graceful=True)
                else:
                    self.done[w.index] = self.failed(w.job, "E502", _died(w.proc.exitcode))
            elif w.deadline is not None and now >= w.deadline:
                _stop(w.proc)
                log.warning("%s: stopped at the %g s time limit", w.job.folder, self.timeout)
                self.done[w.index] = self.failed(w.job, "E501", f"time limit exceeded ({self.timeout:g} s)")
                w.conn.close()
            else:
                continue
            self.pool.remove(w)

    def _answer(self, w: _Worker) -> object | None:
        """The outcome a child sent, or None when it died without one (then it is reaped)."""
        try:
            if w.conn.poll():
                return w.conn.recv()
        except (EOFError, OSError):
            pass
        w.proc.join(timeout=30)
        if w.proc.exitcode is None:
            _stop(w.proc)
        w.conn.close()
        return None

    def _retire(self, w: _Worker, *, graceful: bool) -> None:
        """Stop a child: ask an idle one to exit (it finishes nothing half-way), kill a busy one."""
        if graceful and w.proc.is_alive():
            try:
                w.conn.send(None)
            except (OSError, ValueError):
                pass
            w.proc.join(timeout=10)
        _stop(w.proc)
        w.conn.close()


def _died(code: int | None) -> str:
    how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
    return f"the review process ended without a result ({how})"


def _stop(proc: mp.process.BaseProcess) -> None:
    if proc.is_alive():
        proc.kill()
    proc.join()


def _serve(run: CaseFn, out_dir: str, conn: Connection, limit_threads: bool, parent: int) -> None:
    """Body of a child: review the cases the parent sends, one at a time, until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent(parent)
    _limit_memory()
    if limit_threads:
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            break
        if job is None:
            break
        conn.send(run(job.folder, out_dir, input_sha256=job.input_sha256, **job.options()))
    conn.close()


def _limit_memory() -> None:
    """Cap this child's address space at its current size plus the per-case budget."""
    try:
        import resource

        budget = int(os.environ.get("MEDNEC_CASE_MEMORY_MB", MEMORY_LIMIT_MB)) * 2**20
        if budget <= 0:
            return
        with open("/proc/self/statm", encoding="ascii") as fh:
            size = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + budget if hard == resource.RLIM_INFINITY else min(size + budget, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):  # not Linux, or a bad setting: no limit
        log.debug("no memory limit for this case")


def _die_with_parent(parent: int) -> None:
    """Linux: have the kernel kill this child if the parent dies (no orphan keeps writing)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
