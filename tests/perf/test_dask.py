"""``mednec triage --engine dask``: a small batch on a LocalCluster, byte-identical to the local engine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("distributed",
                    reason="Dask is not installed: pip install 'mednec[dask]' (the test extra has it)")

from mednec.triage import triage  # noqa: E402
from tests.perf.conftest import outputs  # noqa: E402


def test_local_cluster_writes_the_same_bytes_as_the_local_engine(batch: Path, local_one: Path,
                                                                  tmp_path: Path) -> None:
    """Every output file is byte-identical; the summary counts are the same."""
    out = tmp_path / "dask"
    summary = triage(batch, out, workers=2, engine="dask")
    assert (summary.cases, summary.errors) == (11, 1)
    one, dask = outputs(local_one), outputs(out)
    assert sorted(one) == sorted(dask)
    assert [name for name in one if one[name] != dask[name]] == []


def test_cli_refuses_an_unknown_engine_and_a_scheduler_without_dask(batch: Path, tmp_path: Path) -> None:
    """Usage errors are one line each, exit code 2."""
    cli = [sys.executable, "-c", "from mednec.cli import main; main()", "triage", str(batch),
           "-o", str(tmp_path)]
    cases = ((["--engine", "spark"], "unknown engine"), (["--scheduler", "tcp://h:8786"], "needs"))
    for args, message in cases:
        proc = subprocess.run([*cli, *args], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr
