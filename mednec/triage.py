"""Pre-review triage of many cases: one JSON and one HTML view per case, and triage.csv.

Cases are streamed: each result is written as soon as it is ready and nothing is held
for the whole batch. A case that cannot be read gets an error row; the batch goes on.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mednec.errors import MednecError
from mednec.outputs import safe_output_path, write_atomic

log = logging.getLogger(__name__)

CSV_FIELDS = ["case_id", "code", "side", "outcome", "criteria_met", "criteria_total", "missing", "error"]
# Review-queue order: cases that need a person first. Errors (intake must fix the case),
# then refer (medical director), pend (request documents), approve (nurse sign-off).
QUEUE_ORDER = {"error": 0, "refer": 1, "pend": 2, "approve": 3}


@dataclass(frozen=True)
class CaseOutcome:
    """What one case produced: CSV rows, and an error line when it failed."""

    folder: str
    case_id: str
    rows: tuple[dict[str, str], ...]
    error: str | None = None


def case_folders(cases_dir: Path) -> list[Path]:
    """Sub-folders of ``cases_dir`` in name order; hidden ones are skipped (CONTRACT)."""
    return sorted(p for p in cases_dir.iterdir() if p.is_dir() and not p.name.startswith("."))


def rows_for(result) -> list[dict[str, str]]:  # noqa: ANN001 - CaseResult
    """triage.csv rows of one determination."""
    rows = []
    for det in result.determinations:
        met = sum(c.status == "met" for c in det.criteria)
        rows.append({"case_id": result.case_id, "code": det.code, "side": det.side or "", "outcome": det.outcome,
                     "criteria_met": str(met), "criteria_total": str(len(det.criteria)),
                     "missing": " | ".join(det.missing), "error": ""})
    return rows


_REVIEWER = None


def _reviewer():  # noqa: ANN202 - Reviewer, built once per process
    global _REVIEWER  # noqa: PLW0603 - the per-process pipeline cache of a worker
    if _REVIEWER is None:
        from mednec.review import Reviewer

        _REVIEWER = Reviewer()
    return _REVIEWER


def process_case(folder: str, out_dir: str, ocr_workers: int = 1) -> CaseOutcome:
    """Review one case and write its outputs; never raises for a bad case."""
    from mednec.render.html import render_case_html
    from mednec.review import read_request, result_json

    path = Path(folder)
    case_id = path.name
    try:
        try:
            case_id = read_request(path).case_id
        except MednecError:
            pass
        reviewer = _reviewer()
        result, case = reviewer.review(path, ocr_workers=ocr_workers)
        out = Path(out_dir)
        json_path = safe_output_path(out, result.case_id, ".json")
        html_path = safe_output_path(out, result.case_id, ".html")
        texts = {d.info.id: d.text for d in case.documents}
        text_dir = safe_output_path(out, result.case_id, "")
        for d in case.documents:
            if d.info.source != "text":
                write_atomic(text_dir / f"{d.info.id}.txt", d.text)
        write_atomic(html_path, render_case_html(result, texts))
        write_atomic(json_path, result_json(result))  # last: a complete JSON marks a finished case
        return CaseOutcome(path.name, result.case_id, tuple(rows_for(result)))
    except MednecError as exc:
        return CaseOutcome(path.name, case_id, (), exc.line())
    except Exception as exc:  # noqa: BLE001 - one bad case must not stop the batch
        log.debug("unexpected error in %s", path, exc_info=True)
        return CaseOutcome(path.name, case_id, (), f"[E999] {path}: internal error ({type(exc).__name__})")


def _iter_outcomes(folders: list[Path], out_dir: Path, workers: int) -> Iterator[CaseOutcome]:
    if workers <= 1 or len(folders) <= 1:
        for f in folders:
            yield process_case(str(f), str(out_dir))
        return
    from concurrent.futures import ProcessPoolExecutor

    # Ship folder names, not nlp objects: each worker builds its own pipeline once.
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
        yield from pool.map(process_case, [str(f) for f in folders], [str(out_dir)] * len(folders), chunksize=1)


def _init_worker() -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    _reviewer()


def sort_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows in review-queue order (see ``QUEUE_ORDER``), then by case id and code."""
    return sorted(rows, key=lambda r: (QUEUE_ORDER.get(r["outcome"] or "error", 0), r["case_id"], r["code"]))


def csv_text(rows: list[dict[str, str]]) -> str:
    """triage.csv content."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in sort_rows(rows):
        writer.writerow(row)
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

    def line(self) -> str:
        """The one-line summary printed at the end of a run."""
        return (f"mednec triage: {self.cases} cases, {self.codes} codes: {self.approve} approve, {self.pend} pend, "
                f"{self.refer} refer; {self.errors} errors; {self.seconds:.1f} s")


def triage(cases_dir: Path, out_dir: Path, *, workers: int = 1, progress: bool = False) -> TriageSummary:
    """Review every case folder of ``cases_dir`` into ``out_dir``."""
    t0 = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    folders = case_folders(cases_dir)
    rows: list[dict[str, str]] = []
    summary = TriageSummary()
    seen_ids: set[str] = set()
    bar = _progress(len(folders)) if progress else None
    for outcome in _iter_outcomes(folders, out_dir, workers):
        summary.cases += 1
        error = outcome.error
        if error is None and outcome.case_id in seen_ids:
            error = f"[E103] {outcome.folder}: duplicate case_id {outcome.case_id!r} in this batch"
        if error is not None:
            summary.errors += 1
            rows.append({"case_id": outcome.case_id, "code": "", "side": "", "outcome": "", "criteria_met": "",
                         "criteria_total": "", "missing": "", "error": error})
        else:
            seen_ids.add(outcome.case_id)
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
        from rich.progress import Progress

        from rich.console import Console

        console = Console(stderr=True)
        self._p = Progress(console=console, transient=True, disable=not console.is_terminal)
        self._p.start()
        self._task = self._p.add_task("reviewing cases", total=total)

    def advance(self) -> None:
        self._p.advance(self._task)

    def close(self) -> None:
        self._p.stop()
