"""A small batch of dev cases (and one broken case) for the engine and worker tests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPUS_CASES

SMALL_CASES = ("c12", "c13", "c14", "c21", "c28")
"""Small corpus cases (two or three documents each): quick, and outcomes of every kind."""


def outputs(out: Path) -> dict[str, bytes]:
    """Every output file of a triage folder (case JSON and HTML, triage.csv, index.html) by name.

    The ``.mednec-state`` records (input hashes for ``--resume``) are not outputs.
    """
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


@pytest.fixture(scope="session")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cases folder: the small corpus cases, each twice under a new id, and a broken case."""
    root = tmp_path_factory.mktemp("perf-batch")
    for name in SMALL_CASES:
        src = CORPUS_CASES / name
        for copy in ("a", "b"):
            dst = root / f"{name}{copy}"
            dst.mkdir()
            for doc in src.glob("*.txt"):
                shutil.copyfile(doc, dst / doc.name)
            request = json.loads((src / "request.json").read_text())
            (dst / "request.json").write_text(json.dumps({**request, "case_id": dst.name}))
    broken = root / "z-broken"
    broken.mkdir()
    (broken / "request.json").write_text("{not json")
    (broken / "note.txt").write_text("No chart here.\n")
    return root


@pytest.fixture(scope="session")
def local_one(batch: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The outputs of ``triage --workers 1`` (local engine) over :func:`batch`."""
    from mednec.triage import triage

    out = tmp_path_factory.mktemp("perf-w1") / "out"
    summary = triage(batch, out, workers=1)
    assert summary.cases == 2 * len(SMALL_CASES) + 1 and summary.errors == 1
    return out
