"""What a worker does with one case, whichever engine runs it (``mednec.engines``).

:func:`process_case` reviews one case folder and writes its outputs; the local engine
(``mednec.runner``, forked children) and the Dask engine (``mednec.dask_engine``) both run
it, so their outputs are byte-identical. :func:`warm` builds the pipeline and pays every
first-use cost (imports, the criteria, compiled templates, regex plans, resource files) on
a small built-in case, once per process, so that no case and no forked child pays them
again. Nothing here imports the batch layers that call it (``triage``, the engines).
"""

from __future__ import annotations

import json
import logging
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from mednec import state
from mednec.core.errors import InternalError, MednecError, ProcessingError, TimeLimitError, WorkerDiedError
from mednec.outputs import safe_output_path, write_atomic
from mednec.runner import Job
from mednec.state import CasePlan

log = logging.getLogger(__name__)

TEXTS_SUFFIX = ".texts"
"""Folder suffix of a case's extracted document text (``OUT/<case_id>.texts/``)."""
FHIR_DIR = "fhir"
"""Folder of the cases' FHIR response Bundles (``triage --fhir``)."""


@dataclass(frozen=True)
class CaseOutcome:
    """What one case produced: CSV rows, and an error line when it failed."""

    folder: str
    case_id: str
    rows: tuple[dict[str, str], ...]
    error: str | None = None


def rows_for(result) -> list[dict[str, str]]:  # noqa: ANN001 - CaseResult
    """triage.csv rows of one determination."""
    rows = []
    for det in result.determinations:
        met, total = sum(c.status == "met" for c in det.criteria), len(det.criteria)
        rows.append({"case_id": result.case_id, "code": det.code, "side": det.side or "",
                     "outcome": det.outcome, "criteria_met": str(met), "criteria_total": str(total),
                     "missing": " | ".join(det.missing), "error": ""})
    return rows


_REVIEWER = None


def get_reviewer():  # noqa: ANN201 - Reviewer, built once per process
    """The Reviewer of this process, built on first use (a worker reviews many cases with it)."""
    global _REVIEWER  # noqa: PLW0603 - the per-process pipeline cache of a worker
    if _REVIEWER is None:
        from mednec.review import Reviewer

        _REVIEWER = Reviewer()
    return _REVIEWER


def process_case(folder: str, out_dir: str, ocr_workers: int = 1, *,
                 input_sha256: str | None = None, fhir: bool = False) -> CaseOutcome:
    """Review one case and write its outputs; never raises for a bad case.

    The outputs are written atomically, the JSON after the HTML, and the state record
    (input hash and output hashes, see ``mednec.state``) last of all. ``input_sha256`` is
    the hash computed before the case was read (computed here when not given).
    """
    from mednec.render.view import render_case_html
    from mednec.review import read_request, result_json

    path = Path(folder)
    case_id = path.name
    if input_sha256 is None:
        input_sha256 = state.input_sha256(path)
    try:
        try:
            case_id = read_request(path).case_id
        except MednecError:
            pass
        reviewer = get_reviewer()
        reading = reviewer.read(path, ocr_workers=ocr_workers)
        result, case, facts = reading.result, reading.case, reading.facts
        out = Path(out_dir)
        json_path = safe_output_path(out, result.case_id, ".json")
        html_path = safe_output_path(out, result.case_id, ".html")
        texts = {d.info.id: d.text for d in case.documents}
        # OUT/<case_id>.texts/: no case id's .json or .html, nor a batch file, can have that name
        text_dir = safe_output_path(out, result.case_id, TEXTS_SUFFIX)
        written = []
        for d in case.documents:
            if d.info.source != "text":
                written.append(text_dir / f"{d.info.id}.txt")
                write_atomic(written[-1], d.text)
        if fhir:  # OUT/fhir/<case_id>.json: a folder no case id's outputs can name
            from mednec.fhir import response_json

            written.append(safe_output_path(out / FHIR_DIR, result.case_id, ".json"))
            write_atomic(written[-1], response_json(result, case))
        write_atomic(html_path, render_case_html(result, texts, facts))
        write_atomic(json_path, result_json(result))  # a complete JSON marks a finished case
        state.record(out, result.case_id, path.name, input_sha256, [*written, html_path, json_path])
        return CaseOutcome(path.name, result.case_id, tuple(rows_for(result)))
    except MednecError as exc:
        return CaseOutcome(path.name, case_id, (), exc.line())
    except Exception as exc:  # noqa: BLE001 - one bad case must not stop the batch
        log.debug("unexpected error in %s", path, exc_info=True)
        line = InternalError(f"internal error ({type(exc).__name__})", path).line()
        return CaseOutcome(path.name, case_id, (), line)


def failed_outcome(plans: dict[str, CasePlan]):  # noqa: ANN201 - runner.FailFn
    """The runner's ``failed`` callback: an error outcome for a case whose child gave no answer."""
    classes: dict[str, type[ProcessingError]] = {"E501": TimeLimitError, "E502": WorkerDiedError}

    def failed(job: Job, code: str, problem: str) -> CaseOutcome:
        plan = plans[job.folder]
        line = classes.get(code, ProcessingError)(problem, plan.folder).line()
        return CaseOutcome(plan.folder.name, plan.case_id, (), line)

    return failed


WARM_TEXT = """MRI PELVIS WITH AND WITHOUT CONTRAST
Date: 2025-01-02

CLINICAL HISTORY: Left hip pain. No prior surgery. Family history of breast cancer in her mother.

FINDINGS:
Right iliac bone: there is a 5.2 x 4.1 cm enhancing mass without cortical breakthrough; it abuts
the sciatic nerve, which is not encased. No evidence of metastatic disease. L5-S1 disc unremarkable.
ECOG 1. Completed 3 cycles of chemotherapy and 5 weeks of radiation therapy.

IMPRESSION:
1. Lesion concerning for chondrosarcoma of the right ilium; possible soft tissue extension.
2. Biopsy is planned; wide resection (internal hemipelvectomy) may be considered.
"""
"""A short chart document that exercises every pipeline component, the facts and the views."""

_warmed = False
_warm_lock = threading.Lock()  # a Dask worker may warm from its plugin and a first task at once


def warm() -> None:
    """Build the pipeline and review a small built-in case in this process (once; no output written).

    Afterwards a case costs only its own work: nothing is imported, compiled or loaded for
    the first time, neither here nor in a child forked from here.
    """
    with _warm_lock:
        _warm_once()


def _warm_once() -> None:
    global _warmed  # noqa: PLW0603 - once per process
    if _warmed:
        return
    from mednec.render.view import render_case_html
    from mednec.review import result_json

    reviewer = get_reviewer()
    reviewer.nlp  # noqa: B018 - built now
    _warmed = True
    codes = sorted(reviewer.known_codes)
    if not codes:
        return
    with tempfile.TemporaryDirectory(prefix="mednec-warm-") as tmp:
        case = Path(tmp) / "warm-up"
        case.mkdir()
        write_atomic(case / "request.json", json.dumps({"case_id": "warm-up", "requested": codes[:1]}))
        write_atomic(case / "mri_pelvis_2025-01-02.txt", WARM_TEXT)
        try:
            reading = reviewer.read(case)
            render_case_html(reading.result, {d.info.id: d.text for d in reading.case.documents}, reading.facts)
            result_json(reading.result)
        except MednecError as exc:  # a warm-up that fails only leaves the first case slower
            log.debug("warm-up review failed: %s", exc.line())
