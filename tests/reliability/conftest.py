"""Helpers of the reliability suite: good cases built from d01, the CLI run in a subprocess.

Good cases reuse the documents of ``../shared/cases/d01`` (copied into ``tmp_path``);
bad ones are a good case with one thing broken. The CLI is always the installed
``mednec`` of the virtual environment running the tests, with its own OCR cache.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

from tests.conftest import DEV_CASES

D01 = DEV_CASES / "d01"
MEDNEC = Path(sys.executable).with_name("mednec")
D01_REQUESTED = ["27076-LT", "63303", "64712-LT"]

needs_d01 = pytest.mark.skipif(not D01.is_dir(), reason="../shared/cases/d01 is not available")


def d01_texts() -> dict[str, str]:
    """The d01 chart documents by file name."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(D01.glob("*.txt"))}


def make_case(
    root: Path,
    folder: str,
    *,
    case_id: str | None = None,
    requested: Iterable[object] | None = None,
    docs: bool = True,
    request: object = None,
    extra: dict[str, str | bytes] | None = None,
) -> Path:
    """A case folder ``root/folder``: the d01 documents, a request.json, and ``extra`` files.

    ``request`` replaces the whole request.json (bytes or str written as is, anything else
    as JSON); ``None`` writes ``{"case_id": case_id or folder, "requested": requested}``.
    """
    case = root / folder
    case.mkdir(parents=True)
    if docs:
        for p in sorted(D01.glob("*.txt")):
            shutil.copyfile(p, case / p.name)
    if request is None:
        request = {
            "case_id": case_id if case_id is not None else folder,
            "requested": list(requested) if requested is not None else D01_REQUESTED,
        }
    if isinstance(request, bytes):
        (case / "request.json").write_bytes(request)
    elif isinstance(request, str):
        (case / "request.json").write_text(request, encoding="utf-8")
    else:
        (case / "request.json").write_text(json.dumps(request), encoding="utf-8")
    for name, data in (extra or {}).items():
        path = case / name
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return case


def cli_env(cache: Path) -> dict[str, str]:
    """The environment of a CLI subprocess: ours, with a private OCR cache."""
    env = dict(os.environ)
    env["MEDNEC_CACHE_DIR"] = str(cache)
    env.pop("FORCE_COLOR", None)
    return env


def run_cli(args: list[str], cache: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """Run ``mednec ARGS`` and capture its exit code, stdout and stderr."""
    return subprocess.run(
        [str(MEDNEC), *args], capture_output=True, text=True, timeout=timeout, env=cli_env(cache), check=False
    )


ERROR_LINE = re.compile(r"^\[E\d{3}\] \S.*: .+$")


def assert_no_traceback(text: str) -> None:
    """No Python traceback (or its last line) in ``text``."""
    assert "Traceback" not in text, text
    assert not re.search(r"^\w+(Error|Exception): ", text, re.M), text


@pytest.fixture(scope="session")
def cli_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private OCR cache folder for CLI subprocesses."""
    return tmp_path_factory.mktemp("mednec-cache")


@pytest.fixture(autouse=True)
def private_ocr_cache(monkeypatch: pytest.MonkeyPatch, cli_cache: Path) -> None:
    """In-process loads use the private cache too (never the user's ~/.cache/mednec)."""
    monkeypatch.setenv("MEDNEC_CACHE_DIR", str(cli_cache))


def build_batch(root: Path) -> Path:
    """A batch of ten cases: eight good ones (d01 variants), one bad request, one bad document."""
    texts = d01_texts()
    for n in range(8):
        extra: dict[str, str | bytes] = {}
        if n % 3 == 1:
            extra["zz_latin1.txt"] = "CLINIC NOTE\nDate of service: 01/20/2026\n\nSeen. Caf\xe9.\n".encode(
                "latin-1"
            )
        if n % 3 == 2:
            extra["zz_addendum.txt"] = f"ADDENDUM\nDate of service: 01/2{n}/2026\n\nNo change in the plan.\n"
        requested = D01_REQUESTED if n % 2 == 0 else ["27076-LT", "64712-LT"]
        case = make_case(root, f"case{n:02d}", requested=requested, extra=extra)
        if n == 5:  # a smaller chart: no pathology, no chest CT
            for name in texts:
                if name.startswith(("pathology", "ct_chest")):
                    (case / name).unlink()
    make_case(root, "case08", request="{not json")
    make_case(root, "case09", extra={"zz_binary.txt": bytes(range(256)) * 8})
    return root


def output_bytes(out: Path) -> dict[str, bytes]:
    """Every case JSON and triage.csv of an output folder, by name."""
    return {
        p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.suffix == ".json" or p.name == "triage.csv"
    }


@pytest.fixture(scope="session")
def baseline(tmp_path_factory: pytest.TempPathFactory, cli_cache: Path) -> tuple[Path, Path]:
    """The batch of :func:`build_batch` and the outputs of one uninterrupted ``triage --workers 1``."""
    base = tmp_path_factory.mktemp("baseline")
    cases = build_batch(base / "cases")
    out = base / "out"
    proc = run_cli(["triage", str(cases), "-o", str(out), "--workers", "1"], cli_cache)
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc.stderr)
    return cases, out
