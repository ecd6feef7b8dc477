"""Engines of ``mednec triage``: where the per-case function runs, and the warm-up every worker does.

Two engines run the same function, :func:`mednec.triage.process_case`, so their outputs are
byte-identical:

* ``local`` (default): forked children on this machine (``mednec.runner``), at most
  ``--workers`` at a time, each with the per-case time limit;
* ``dask``: the tasks of a Dask distributed cluster (``mednec.dask_engine``), a
  ``LocalCluster`` when no scheduler address is given.

A worker process (the local parent before it forks, each Dask worker) first runs
:func:`warm`: it builds the pipeline and pays every other first-use cost (imports, the
criteria, compiled templates, regex plans, resource files) on a small built-in case, so
that no case, and no forked child, pays them again.
"""

from __future__ import annotations

import json
import logging
import tempfile
import threading
from pathlib import Path

log = logging.getLogger(__name__)

ENGINES = ("local", "dask")
"""Names accepted by ``mednec triage --engine``."""

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
    from mednec.errors import MednecError
    from mednec.render.html import render_case_html
    from mednec.review import result_json
    from mednec.triage import _reviewer

    reviewer = _reviewer()
    reviewer.nlp  # noqa: B018 - built now
    _warmed = True
    codes = sorted(reviewer.known_codes)
    if not codes:
        return
    with tempfile.TemporaryDirectory(prefix="mednec-warm-") as tmp:
        case = Path(tmp) / "warm-up"
        case.mkdir()
        (case / "request.json").write_text(json.dumps({"case_id": "warm-up", "requested": codes[:1]}),
                                           encoding="utf-8")
        (case / "mri_pelvis_2025-01-02.txt").write_text(WARM_TEXT, encoding="utf-8")
        try:
            facts: list = []
            result, loaded = reviewer.review(case, facts_out=facts)
            render_case_html(result, {d.info.id: d.text for d in loaded.documents}, facts)
            result_json(result)
        except MednecError as exc:  # a warm-up that fails only leaves the first case slower
            log.debug("warm-up review failed: %s", exc.line())


def check_engine(engine: str, scheduler: str | None) -> str | None:
    """Why ``engine`` with ``scheduler`` cannot run (``None``: it can)."""
    if engine not in ENGINES:
        return f"--engine: unknown engine {engine!r} (local or dask)"
    if scheduler and engine != "dask":
        return "--scheduler needs --engine dask"
    if engine == "dask":
        try:
            import dask.distributed  # noqa: F401
        except ImportError:
            return "--engine dask needs Dask: pip install 'mednec[dask]'"
    return None
