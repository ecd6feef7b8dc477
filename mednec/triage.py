"""Pre-review triage of many cases: one JSON and one HTML view per case, and triage.csv.

Cases are streamed: each result is written as soon as it is ready and nothing is held
for the whole batch. A case that cannot be read gets an error row; the batch goes on.
Every case runs in a forked child with a time limit (``mednec.runner``); each finished
case records its input hash (``mednec.state``) so that ``resume=True`` skips the cases
whose outputs are complete and current and redoes the rest.
"""

from __future__ import annotations

import csv
import io
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mednec import state
from mednec.core.errors import (
    CaseError,
    OutputError,
    printable,
)
from mednec.outputs import QUEUE_ORDER, OutputLock, remove_stale_temps, spreadsheet_safe, write_atomic
from mednec.runner import Job, run_jobs
from mednec.state import CasePlan, plan_cases
from mednec.worker import FHIR_DIR, CaseOutcome, failed_outcome, process_case, rows_for, warm

log = logging.getLogger(__name__)

CSV_FIELDS = ["case_id", "code", "side", "outcome", "criteria_met", "criteria_total", "missing", "error"]
DEFAULT_TIMEOUT = 120.0
"""Seconds one case may take before it is stopped and gets an ``[E501]`` row."""


def case_folders(cases_dir: Path) -> list[Path]:
    """Sub-folders of ``cases_dir`` in name order; hidden ones are skipped (CONTRACT)."""
    return sorted(p for p in cases_dir.iterdir() if p.is_dir() and not p.name.startswith("."))


def _iter_outcomes(plans: list[CasePlan], out_dir: Path, workers: int, timeout: float | None, resume: bool,
                   summary: TriageSummary, *, engine: str = "local",
                   scheduler: str | None = None, fhir: bool = False) -> Iterator[tuple[CasePlan, CaseOutcome]]:
    """Outcomes in folder order: decided ones (duplicates, current cases on resume) and reviewed ones."""
    ready: dict[int, CaseOutcome] = {}
    jobs: list[Job] = []
    job_plans: list[CasePlan] = []
    for i, plan in enumerate(plans):
        if plan.error is not None:
            ready[i] = CaseOutcome(plan.folder.name, plan.case_id, (), plan.error)
            continue
        required = (f"{FHIR_DIR}/{plan.case_id}.json",) if fhir else ()
        result = state.current_result(out_dir, plan.case_id, plan.input_sha256, required) \
            if resume and plan.valid_id else None
        if result is not None:
            ready[i] = CaseOutcome(plan.folder.name, result.case_id, tuple(rows_for(result)))
            summary.skipped += 1
        else:
            jobs.append(Job(str(plan.folder), plan.input_sha256, fhir))
            job_plans.append(plan)
    failed = failed_outcome({str(p.folder): p for p in plans})
    if engine == "dask":  # the same process_case on a Dask cluster (mednec.dask_engine)
        from mednec.dask_engine import run_dask

        reviewed = run_dask(job_plans, str(out_dir), workers=workers, timeout=timeout, scheduler=scheduler,
                            fhir=fhir)
    else:
        reviewed = run_jobs(jobs, str(out_dir), run=process_case, failed=failed, workers=workers,
                            timeout=timeout, warm=warm)
    for i, plan in enumerate(plans):
        yield plan, ready[i] if i in ready else next(reviewed)


def sort_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows in review-queue order (see ``QUEUE_ORDER``), then by case id and code."""
    return sorted(rows, key=lambda r: (QUEUE_ORDER.get(r["outcome"] or "error", 0), r["case_id"], r["code"]))


def csv_text(rows: list[dict[str, str]]) -> str:
    """triage.csv content."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in sort_rows(rows):
        writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
    return buf.getvalue()


@dataclass
class TriageSummary:
    """Counts for the final summary line."""

    cases: int = 0
    codes: int = 0
    approve: int = 0
    pend: int = 0
    refer: int = 0
    errors: int = 0
    seconds: float = 0.0
    skipped: int = 0  # --resume: cases whose outputs were complete and current

    def line(self) -> str:
        """The one-line summary printed at the end of a run."""
        resumed = f"; {self.skipped} unchanged (resumed)" if self.skipped else ""
        return (f"mednec triage: {self.cases} cases, {self.codes} codes: {self.approve} approve, "
                f"{self.pend} pend, {self.refer} refer; {self.errors} errors{resumed}; {self.seconds:.1f} s")


def triage(cases_dir: Path, out_dir: Path, *, workers: int = 1, progress: bool = False, resume: bool = False,
           timeout: float | None = DEFAULT_TIMEOUT, engine: str = "local",
           scheduler: str | None = None, wait: bool = False, fhir: bool = False) -> TriageSummary:
    """Review every case folder of ``cases_dir`` into ``out_dir``.

    ``timeout``: seconds per case (``None`` or ``0``: no limit). ``resume``: skip the cases
    whose outputs are complete and current (see ``mednec.state``). ``engine``: ``local``
    (forked workers) or ``dask`` (a Dask cluster at ``scheduler``, or a LocalCluster; see
    ``mednec.engines``). ``wait``: wait for another run that holds ``out_dir`` instead of
    stopping (see ``OutputLock``). ``fhir``: also write each case's PAS response Bundle to
    ``OUT/fhir/<case_id>.json``. Raises ``CaseError`` or ``OutputError`` only when the folders
    themselves cannot be read or written, or another run holds ``out_dir``.
    """
    t0 = time.perf_counter()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OutputError(f"cannot create the output folder ({reason})", out_dir) from exc
    with OutputLock(out_dir, wait=wait):  # one run per output folder, clean-up included
        return _triage_locked(cases_dir, out_dir, t0, workers=workers, progress=progress, resume=resume,
                              timeout=timeout, engine=engine, scheduler=scheduler, fhir=fhir)


def _triage_locked(cases_dir: Path, out_dir: Path, t0: float, *, workers: int, progress: bool, resume: bool,
                   timeout: float | None, engine: str, scheduler: str | None, fhir: bool) -> TriageSummary:
    remove_stale_temps(out_dir)
    try:
        folders = [f for f in case_folders(cases_dir) if f.resolve() != out_dir.resolve()]
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise CaseError(f"cases folder cannot be read ({reason})", cases_dir) from exc
    rows: list[dict[str, str]] = []
    summary = TriageSummary()
    bar = _progress(len(folders)) if progress else None
    for plan, outcome in _iter_outcomes(plan_cases(folders), out_dir, workers, timeout, resume, summary,
                                        engine=engine, scheduler=scheduler, fhir=fhir):
        summary.cases += 1
        error = outcome.error
        if error is not None:
            summary.errors += 1
            if plan.valid_id and plan.error is None:
                state.discard(out_dir, plan.case_id)  # outputs of an earlier run are stale now
            case_id = printable(outcome.case_id)  # may be a folder name: any bytes
            rows.append({**dict.fromkeys(CSV_FIELDS, ""), "case_id": case_id, "error": error})
        else:
            for r in outcome.rows:
                summary.codes += 1
                setattr(summary, r["outcome"], getattr(summary, r["outcome"]) + 1)
            rows.extend(outcome.rows)
        if bar is not None:
            bar.advance()
    if bar is not None:
        bar.close()
    write_atomic(out_dir / "triage.csv", csv_text(rows))
    # Review queue page (issue 9): OUT/index.html, built from the same rows as triage.csv.
    from mednec.render.index import write_index

    write_index(out_dir, rows)
    summary.seconds = time.perf_counter() - t0
    return summary


class _progress:  # noqa: N801 - small adapter around rich's progress bar
    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import Progress

        console = Console(stderr=True)
        self._p = Progress(console=console, transient=True, disable=not console.is_terminal)
        self._p.start()
        self._task = self._p.add_task("reviewing cases", total=total)

    def advance(self) -> None:
        self._p.advance(self._task)

    def close(self) -> None:
        self._p.stop()
