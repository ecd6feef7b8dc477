"""Batches that survive interruption: atomic outputs, --resume, a killed run, the time limit."""

from __future__ import annotations

import ast
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

import mednec
import mednec.triage as triage_mod
from mednec.triage import triage
from tests.reliability.conftest import (
    MEDNEC,
    assert_no_traceback,
    cli_env,
    make_case,
    needs_d01,
    output_bytes,
    run_cli,
)

pytestmark = needs_d01
PACKAGE = Path(mednec.__file__).parent
ATOMIC_WRITERS = {
    "outputs.py": "write_atomic itself",
    "documents/cache.py": "the OCR cache: its own mkstemp + fsync + os.replace",
}


def test_every_output_writer_uses_write_atomic() -> None:
    """No module of mednec/ writes a file except through ``write_atomic`` (or is the cache)."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel in ATOMIC_WRITERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            mode = next((a.value for a in node.args[1:2] if isinstance(a, ast.Constant)), "")
            mode = next(
                (
                    k.value.value
                    for k in node.keywords
                    if k.arg == "mode" and isinstance(k.value, ast.Constant)
                ),
                mode,
            )
            if name in {"write_text", "write_bytes", "fdopen", "mkstemp"} or (
                name == "open" and isinstance(mode, str) and set(mode) & set("wax+")
            ):
                offenders.append(f"{rel}:{node.lineno} {name}")
    assert not offenders, offenders


def test_process_case_writes_every_file_by_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    renamed: list[Path] = []
    real = os.replace
    monkeypatch.setattr("mednec.outputs.os.replace", lambda a, b: (renamed.append(Path(b)), real(a, b))[1])
    case = make_case(tmp_path / "cases", "one")
    out = tmp_path / "out"
    outcome = triage_mod.process_case(str(case), str(out))
    assert outcome.error is None
    files = {p for p in out.rglob("*") if p.is_file()}
    assert files and files == set(renamed)
    assert (out / ".mednec-state" / "one.json") in files


def _copy_batch(baseline: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    cases, out = tmp_path / "cases", tmp_path / "out"
    shutil.copytree(baseline[0], cases, symlinks=True)
    shutil.copytree(baseline[1], out, symlinks=True)
    return cases, out


def test_resume_skips_current_cases_and_redoes_partial_ones(
    baseline: tuple[Path, Path], tmp_path: Path
) -> None:
    cases, out = _copy_batch(baseline, tmp_path)
    expected = output_bytes(baseline[1])
    (out / "case02.json").unlink()  # killed between the HTML and the JSON
    (out / "case03.html").write_text(
        "<html>half", encoding="utf-8"
    )  # an output that is not what was recorded
    (out / ".mednec-state" / "case05.json").unlink()  # killed before the record
    (out / ".case06.json.abcd1234.tmp").write_text("{", encoding="utf-8")  # a temp file a killed write left
    with (cases / "case07" / "zz_new.txt").open("w", encoding="utf-8") as fh:  # input changed since the run
        fh.write("CLINIC NOTE\nDate of service: 01/30/2026\n\nDoing well.\n")
    mtimes = {n: (out / f"{n}.json").stat().st_mtime_ns for n in ("case00", "case01", "case04")}
    summary = triage(cases, out, workers=1, resume=True)
    assert summary.skipped == 4 and summary.cases == 10 and summary.errors == 2
    assert "4 unchanged (resumed)" in summary.line()
    assert {n: (out / f"{n}.json").stat().st_mtime_ns for n in mtimes} == mtimes
    got = output_bytes(out)
    assert got.pop("case07.json") != expected.pop("case07.json")  # redone on the new input
    assert {k: v for k, v in got.items() if k != "triage.csv"} == {
        k: v for k, v in expected.items() if k != "triage.csv"
    }
    assert not list(out.glob(".*.tmp"))


def test_killed_run_resumes_to_the_same_outputs(
    baseline: tuple[Path, Path], tmp_path: Path, cli_cache: Path
) -> None:
    cases, reference = baseline
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [str(MEDNEC), "triage", str(cases), "-o", str(out), "--workers", "1"],
        env=cli_env(cli_cache),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    state = out / ".mednec-state"
    while not list(state.glob("*.json")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)  # until the first case is complete (the second one is then under way)
    os.killpg(proc.pid, signal.SIGKILL)  # the run and its children, mid-batch
    proc.wait()
    done = sorted(p.name for p in out.glob("case*.json"))
    recorded = sorted(p.name for p in state.glob("*.json"))
    assert 1 <= len(recorded) <= len(done) < 8, (recorded, done)
    assert not (out / "triage.csv").exists()
    resumed = run_cli(["triage", str(cases), "-o", str(out), "--workers", "1", "--resume"], cli_cache)
    assert resumed.returncode == 0, resumed.stderr
    assert_no_traceback(resumed.stderr)
    assert f"{len(recorded)} unchanged (resumed)" in resumed.stderr
    assert output_bytes(out) == output_bytes(reference)
    assert not list(out.rglob("*.tmp"))


def _slow_or_crashing(real):  # noqa: ANN001, ANN202 - wraps process_case in the forked children
    def run(folder: str, out_dir: str, ocr_workers: int = 1, **kw: object):  # noqa: ANN202
        name = Path(folder).name
        if name.startswith("stuck"):
            time.sleep(60)
        if name.startswith("crash"):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(folder, out_dir, ocr_workers, **kw)

    return run


@pytest.mark.parametrize("workers", [1, 2])
def test_time_limit_and_dead_worker_give_error_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    monkeypatch.setattr(triage_mod, "process_case", _slow_or_crashing(triage_mod.process_case))
    for name in ("a_good", "crash", "stuck", "z_good"):
        make_case(tmp_path / "cases", name)
    t0 = time.monotonic()
    summary = triage(tmp_path / "cases", tmp_path / "out", workers=workers, timeout=4)
    assert time.monotonic() - t0 < 40
    assert summary.cases == 4 and summary.errors == 2 and summary.codes == 6
    csv_text = (tmp_path / "out" / "triage.csv").read_text(encoding="utf-8")
    assert "[E501] " in csv_text and "stuck: time limit exceeded (4 s)" in csv_text
    assert (
        "[E502] " in csv_text
        and "crash: the review process ended without a result (killed by signal 9)" in csv_text
    )
    assert not (tmp_path / "out" / "stuck.json").exists()
    assert (tmp_path / "out" / "z_good.json").is_file()


def test_cli_has_resume_and_timeout(cli_cache: Path) -> None:
    proc = run_cli(["triage", "--help"], cli_cache)
    assert "--resume" in proc.stdout and "--timeout" in proc.stdout
