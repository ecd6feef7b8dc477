"""Run cases in child processes with a per-case time limit (the engine of ``mednec triage``).

Design: the parent process builds the pipeline once, then *forks one child per case*,
keeping at most ``workers`` children alive. A child inherits the built pipeline
(copy-on-write, a fork costs milliseconds), reviews its case, writes the outputs, sends
the :class:`~mednec.triage.CaseOutcome` back through a pipe and exits. The parent waits
on all pipes and process sentinels with the nearest deadline as timeout; a child still
running at its deadline is killed (SIGKILL) and its case gets an ``[E501] ... time limit
exceeded`` row; a child that dies without an answer (crash, out-of-memory kill) gets
``[E502]``. The same design serves ``workers=1`` and ``workers=N``, and, unlike a
``ProcessPoolExecutor`` (whose running tasks cannot be cancelled) or ``signal.alarm``
(which cannot interrupt C code and leaves the process in an unknown state), a stuck case
is really stopped and can never stall or poison the cases after it.

Each child also gets a memory limit (``RLIMIT_AS``: its size at the fork plus
``MEMORY_LIMIT_MB``, default 4096, environment ``MEDNEC_CASE_MEMORY_MB``), so a document
that makes the pipeline allocate without bound fails its own case with ``[E503]``
instead of waking the kernel's out-of-memory killer on a shared machine.

Outcomes are yielded in job order whatever order the children finish in. Where ``fork``
is not available (Windows), cases run one by one in this process without a time limit.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
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


@dataclass
class _Running:
    job: Job
    index: int
    proc: mp.process.BaseProcess
    conn: Connection
    deadline: float | None


CaseFn = Callable[..., object]
"""``process_case(folder, out_dir, ocr_workers, input_sha256=...) -> CaseOutcome``."""
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
            yield run(job.folder, out_dir, input_sha256=job.input_sha256)
        return
    if warm is not None:
        warm()  # build the pipeline before the first fork: every child inherits it
    yield from _Scheduler(jobs, out_dir, run, failed, max(1, workers), timeout).outcomes()


class _Scheduler:
    """At most ``workers`` forked children at a time, each with its own deadline."""

    def __init__(self, jobs: Sequence[Job], out_dir: str, run: CaseFn, failed: FailFn, workers: int,
                 timeout: float | None) -> None:
        self.jobs, self.out_dir, self.run, self.failed = list(jobs), out_dir, run, failed
        self.workers, self.timeout = workers, timeout if timeout and timeout > 0 else None
        self.ctx = mp.get_context("fork")
        self.running: dict[int, _Running] = {}
        self.done: dict[int, object] = {}

    def outcomes(self) -> Iterator[object]:
        next_start = next_yield = 0
        try:
            while next_yield < len(self.jobs):
                while next_start < len(self.jobs) and len(self.running) < self.workers:
                    self._start(next_start)
                    next_start += 1
                self._collect()
                while next_yield in self.done:
                    yield self.done.pop(next_yield)
                    next_yield += 1
        finally:
            for r in self.running.values():  # interrupted (Ctrl-C, an error in the caller): stop the children
                _stop(r.proc)
                r.conn.close()

    def _start(self, index: int) -> None:
        job = self.jobs[index]
        recv, send = self.ctx.Pipe(duplex=False)
        proc = self.ctx.Process(target=_child, name=f"mednec-case-{index}",
                                args=(self.run, job, self.out_dir, send, self.workers > 1, os.getpid()))
        proc.start()
        send.close()
        deadline = time.monotonic() + self.timeout if self.timeout else None
        self.running[index] = _Running(job, index, proc, recv, deadline)

    def _collect(self) -> None:
        """Wait for a child to answer, die or pass its deadline; record what happened."""
        deadlines = [r.deadline for r in self.running.values() if r.deadline is not None]
        wait_s = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        handles: list[object] = []
        for r in self.running.values():
            handles += [r.conn, r.proc.sentinel]
        ready = set(wait(handles, timeout=wait_s))
        now = time.monotonic()
        for index, r in list(self.running.items()):
            if r.conn in ready or r.proc.sentinel in ready:
                self.done[index] = self._answer(r)
            elif r.deadline is not None and now >= r.deadline:
                _stop(r.proc)
                log.warning("%s: stopped at the %g s time limit", r.job.folder, self.timeout)
                self.done[index] = self.failed(r.job, "E501", f"time limit exceeded ({self.timeout:g} s)")
            else:
                continue
            r.conn.close()
            del self.running[index]

    def _answer(self, r: _Running) -> object:
        outcome = None
        try:
            if r.conn.poll():
                outcome = r.conn.recv()
        except (EOFError, OSError):
            outcome = None
        r.proc.join(timeout=30)
        if r.proc.exitcode is None:
            _stop(r.proc)
        if outcome is None:
            code = r.proc.exitcode
            how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            return self.failed(r.job, "E502", f"the review process ended without a result ({how})")
        return outcome


def _stop(proc: mp.process.BaseProcess) -> None:
    if proc.is_alive():
        proc.kill()
    proc.join()


def _child(run: CaseFn, job: Job, out_dir: str, send: Connection, limit_threads: bool, parent: int) -> None:
    """Body of a child: review one case, send the outcome, exit."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent(parent)
    _limit_memory()
    if limit_threads:
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    outcome = run(job.folder, out_dir, input_sha256=job.input_sha256)
    send.send(outcome)
    send.close()


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
