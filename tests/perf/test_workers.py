"""``mednec triage --workers N``: outputs byte-identical to ``--workers 1``, in the same order."""

from __future__ import annotations

from pathlib import Path

from mednec.runner import Job, run_jobs
from mednec.triage import triage
from tests.perf.conftest import outputs


def test_two_workers_write_the_same_bytes_as_one(batch: Path, local_one: Path, tmp_path: Path) -> None:
    """JSON, HTML, triage.csv and index.html are byte-identical across 1 and 2 workers."""
    out = tmp_path / "w2"
    summary = triage(batch, out, workers=2)
    assert summary.errors == 1
    one, two = outputs(local_one), outputs(out)
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []
    assert {n for n in one if n.endswith(".json")} and {n for n in one if n.endswith(".html")}
    assert "triage.csv" in one


def _slow_first(folder: str, out_dir: str, ocr_workers: int = 1, *, input_sha256: str | None = None) -> str:
    import time

    time.sleep(0.4 if folder == "0" else 0.0)  # the first job finishes last
    return folder


def _failed(job: Job, code: str, problem: str) -> str:
    return f"{job.folder}:{code}"


def test_outcomes_come_back_in_job_order_whatever_finishes_first(tmp_path: Path) -> None:
    """The pool streams outcomes in case order, not completion order."""
    jobs = [Job(str(i)) for i in range(6)]
    got = list(run_jobs(jobs, str(tmp_path), run=_slow_first, failed=_failed, workers=3, timeout=None))
    assert got == [str(i) for i in range(6)]
