"""The bad-input matrix through the real CLI: ``mednec review`` per row, ``mednec triage`` on all rows.

``review`` of a bad case exits 2 with exactly one line on stderr, ``[Exxx] <path>: <problem>``,
naming the file; a good one exits 0 with a determination. ``triage`` of the whole matrix as
one batch exits 0, gives every bad case one error row and every good case its
determination, and never writes outside OUT_DIR. Nowhere a traceback.
"""

from __future__ import annotations

import csv
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from mednec.models import CaseResult

from tests.reliability.conftest import ERROR_LINE, assert_no_traceback, make_case, needs_d01, run_cli
from tests.reliability.matrix import ONE_LINE_CHARS, OUTSIDE_MARKER, Row, rows

pytestmark = needs_d01
ROWS = rows()
TRIAGE_ROWS = [r for r in ROWS if r.triage is not None]
ONE_LINE_SECONDS = 120  # the default per-case time limit of triage


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    """Every row built under ``<base>/cases``; returns the base folder and each row's case folder."""
    base = tmp_path_factory.mktemp("matrix")
    root = base / "cases"
    root.mkdir()
    return base, {row.id: row.build(root, row.id) for row in ROWS}


@pytest.fixture(scope="module")
def reviews(
    matrix: tuple[Path, dict[str, Path]], cli_cache: Path
) -> dict[str, tuple[subprocess.CompletedProcess[str], float]]:
    """``mednec review`` of every row, two subprocesses at a time."""

    def run(folder: Path) -> tuple[subprocess.CompletedProcess[str], float]:
        t0 = time.monotonic()
        return run_cli(["review", str(folder)], cli_cache), time.monotonic() - t0

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {rid: pool.submit(run, folder) for rid, folder in matrix[1].items()}
        return {rid: f.result() for rid, f in futures.items()}


@pytest.fixture(scope="module")
def triaged(
    matrix: tuple[Path, dict[str, Path]], cli_cache: Path
) -> tuple[subprocess.CompletedProcess[str], Path, list[dict[str, str]]]:
    """``mednec triage`` of the whole matrix as one batch (OUT nested, so ``..`` would show)."""
    base = matrix[0]
    out = base / "work" / "out"
    proc = run_cli(["triage", str(base / "cases"), "-o", str(out), "--workers", "2"], cli_cache)
    with (out / "triage.csv").open(encoding="utf-8", newline="") as fh:
        return proc, out, list(csv.DictReader(fh))


def _check_error_line(line: str, row: Row, expect_path: Path) -> None:
    expect = row.review if row.triage is None else row.triage
    assert ERROR_LINE.match(line), line
    assert line.startswith(f"[{expect.code}] "), line
    assert expect.problem.lower() in line.lower(), line
    assert expect.names in line, line
    assert str(expect_path) in line or expect_path.name in line, line


@pytest.mark.slow
@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_review(row: Row, reviews: dict, matrix: tuple[Path, dict[str, Path]]) -> None:
    proc, seconds = reviews[row.id]
    assert_no_traceback(proc.stderr)
    if row.review.code is not None:
        assert proc.returncode == 2, proc.stderr
        assert proc.stdout == ""
        lines = proc.stderr.splitlines()
        assert len(lines) == 1, proc.stderr
        assert lines[0].startswith(f"[{row.review.code}] "), lines[0]
        assert row.review.problem.lower() in lines[0].lower(), lines[0]
        assert row.review.names in lines[0], lines[0]
        return
    assert proc.returncode == 0, proc.stderr
    result = CaseResult.model_validate_json(proc.stdout)
    docs = {d.id: d for d in result.documents}
    assert len(result.determinations) == 3
    if row.id == "document_non_utf8":
        raw = (matrix[1][row.id] / "zz_latin1.txt").read_bytes()
        assert docs["zz_latin1.txt"].chars == len(raw.decode("utf-8", errors="replace"))
    elif row.id == "document_one_line":
        assert docs["zz_one_line.txt"].chars == ONE_LINE_CHARS
        assert seconds < ONE_LINE_SECONDS
    elif row.id == "symlink_outside":
        assert "zz_outside.txt" not in docs and len(docs) == 6
        assert OUTSIDE_MARKER not in proc.stdout
        assert "zz_outside.txt" in proc.stderr and "not followed" in proc.stderr
        assert len(proc.stderr.splitlines()) == 1


@pytest.mark.parametrize("row", TRIAGE_ROWS, ids=[r.id for r in TRIAGE_ROWS])
def test_triage_row(row: Row, triaged: tuple, matrix: tuple[Path, dict[str, Path]]) -> None:
    proc, out, csv_rows = triaged
    expect = row.triage
    assert expect is not None
    folder = matrix[1][row.id]
    case_id = {"duplicate_case_id": "dup-id"}.get(row.id, row.id)
    mine = [r for r in csv_rows if r["case_id"] == case_id]
    errors = [r for r in mine if r["error"]]
    if expect.code is None:
        assert mine and not errors, mine
        assert all(r["outcome"] in {"approve", "pend", "refer"} for r in mine)
        result = CaseResult.model_validate_json((out / f"{case_id}.json").read_bytes())
        assert result.case_id == case_id
        if row.id == "symlink_outside":
            assert "zz_outside.txt" not in {d.id for d in result.documents}
            assert OUTSIDE_MARKER not in (out / f"{case_id}.html").read_text(encoding="utf-8")
        return
    assert len(errors) == 1, mine
    err = errors[0]
    assert err["code"] == err["outcome"] == err["criteria_met"] == ""
    _check_error_line(err["error"], row, folder)
    if row.id != "duplicate_case_id":
        assert len(mine) == 1 and not (out / f"{case_id}.json").exists()
    else:  # the first folder with the id keeps its determination and its outputs
        assert len(mine) > 1 and (out / f"{case_id}.json").is_file()


def test_triage_batch_goes_on(triaged: tuple) -> None:
    proc, out, csv_rows = triaged
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc.stderr)
    bad = sum(1 for r in TRIAGE_ROWS if r.triage is not None and r.triage.code is not None)
    assert sum(1 for r in csv_rows if r["error"]) == bad
    assert proc.stderr.splitlines()[-1].startswith("mednec triage: ")
    assert f"{bad} errors" in proc.stderr.splitlines()[-1]


def test_triage_writes_nothing_outside_out(triaged: tuple, matrix: tuple[Path, dict[str, Path]]) -> None:
    proc, out, _ = triaged
    base = matrix[0]
    written = {p for p in base.rglob("*") if p.is_file() and (base / "cases") not in p.parents}
    assert all(out in p.parents for p in written if p.name != "outside_secret.txt"), sorted(written)
    assert (
        not list(base.rglob("evil*"))
        and not (out / "nested").exists()
        and not Path("/tmp/evil.json").exists()
    )
    names = {p.name for p in out.iterdir()}
    assert not {n for n in names if n.startswith("case_id_") or n.startswith("..")}


def test_review_reads_non_utf8_with_replacement(tmp_path: Path, reviewer) -> None:  # noqa: ANN001
    raw = "IMPRESSION: Left iliac osteosarcoma abuts the left acetabular roof; caf\xe9.\n".encode("latin-1")
    case = make_case(tmp_path, "latin1", extra={"zz_latin1.txt": raw})
    result, loaded = reviewer.review(case)
    text = {d.info.id: d.text for d in loaded.documents}["zz_latin1.txt"]
    assert text == raw.decode("utf-8", errors="replace") and "\ufffd" in text
    CaseResult.model_validate(
        result.model_dump(), context={"texts": {d.info.id: d.text for d in loaded.documents}}
    )


def test_triage_of_a_missing_folder_is_one_line(tmp_path: Path, cli_cache: Path) -> None:
    proc = run_cli(["triage", str(tmp_path / "nowhere"), "-o", str(tmp_path / "out")], cli_cache)
    assert proc.returncode == 2
    assert len(proc.stderr.splitlines()) == 1 and proc.stderr.startswith("[E100] ")
    assert_no_traceback(proc.stderr)


def test_triage_with_no_readable_case_exits_nonzero(tmp_path: Path, cli_cache: Path) -> None:
    make_case(tmp_path / "cases", "a", request="not json")
    make_case(tmp_path / "cases", "b", requested=["99999"])
    proc = run_cli(["triage", str(tmp_path / "cases"), "-o", str(tmp_path / "out")], cli_cache)
    assert proc.returncode == 1
    assert_no_traceback(proc.stderr)
    text = (tmp_path / "out" / "triage.csv").read_text(encoding="utf-8")
    assert "[E101]" in text and "[E102]" in text
