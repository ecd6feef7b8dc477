"""Safety properties: no chart text in logs, escaped HTML, deterministic JSON."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.conftest import (
    assert_no_traceback,
    cli_env,
    d01_texts,
    make_case,
    needs_d01,
    output_bytes,
    run_cli,
)

pytestmark = needs_d01

MARKER = (
    "The Zanzibar marker lesion measures 4.2 cm in the left iliac wing and abuts the left acetabular roof."
)
LOG_SCRIPT = r"""
import logging, sys
from pathlib import Path
logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
from loguru import logger
logger.remove()
logger.add(sys.stderr, level="INFO")
from mednec.triage import triage
summary = triage(Path(sys.argv[1]), Path(sys.argv[2]), workers=2, progress=True)
logging.getLogger("test").info(summary.line())
"""
PAYLOADS = [
    "<script>alert(3)</script>",
    "<img src=x onerror=alert(4)>",
    "<svg onload=alert(2)>",
    "<img src=x onerror=alert(1)>",
]


def _sentences(texts: list[str]) -> set[str]:
    """Every line of 20+ characters of the documents, and 30-character windows of them."""
    out: set[str] = set()
    for text in texts:
        for line in text.splitlines():
            line = line.strip()
            if len(line) >= 20:
                out.add(line)
                out.update(line[i : i + 30] for i in range(0, max(1, len(line) - 30), 10))
    return out


def test_no_document_text_in_logs_at_info(tmp_path: Path, cli_cache: Path) -> None:
    cases = tmp_path / "cases"
    marker_doc = f"CLINIC NOTE\nDate of service: 01/21/2026\n\nASSESSMENT: {MARKER}\nMother had lupus.\n"
    make_case(cases, "good", extra={"zz_marker.txt": marker_doc})
    make_case(cases, "latin1", extra={"zz_latin1.txt": ("Caf\xe9 visit. " + MARKER + "\n").encode("latin-1")})
    make_case(cases, "bad_doc", extra={"zz_binary.txt": b"\x00\x01" + MARKER.encode() * 3})
    make_case(cases, "bad_request", request="{" + MARKER)
    outside = tmp_path / "outside.txt"
    outside.write_text(MARKER + "\n", encoding="utf-8")
    (make_case(cases, "symlink") / "zz_link.txt").symlink_to(outside)
    proc = subprocess.run(
        [sys.executable, "-c", LOG_SCRIPT, str(cases), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=240,
        env=cli_env(cli_cache),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    log = proc.stdout + proc.stderr
    assert "mednec triage: 5 cases" in log  # the capture did see the run, at INFO
    assert_no_traceback(log)
    leaked = sorted(s for s in _sentences([*d01_texts().values(), marker_doc, MARKER]) if s in log)
    assert not leaked, leaked[:5]


def test_html_outputs_escape_document_text(tmp_path: Path) -> None:
    from mednec.triage import triage

    hostile = (
        "MRI PELVIS WITH AND WITHOUT CONTRAST\nDate of service: 01/09/2026\n\nIMPRESSION:\n"
        "Left iliac osteosarcoma <script>alert(3)</script> abuts the left acetabular roof.\n"
        "<img src=x onerror=alert(4)>\n"
    )
    make_case(
        tmp_path / "cases",
        "xss",
        case_id="<img src=x onerror=alert(1)>",
        extra={"zz_<svg onload=alert(2)>.txt": hostile},
    )
    out = tmp_path / "out"
    summary = triage(tmp_path / "cases", out, workers=1)
    assert summary.errors == 0
    pages = sorted(out.glob("*.html"))
    assert len(pages) == 2  # the case view and index.html
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for payload in PAYLOADS:
            assert payload not in html, (page.name, payload)
    view = (out / "<img src=x onerror=alert(1)>.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in view


def test_letter_html_escapes_document_text(tmp_path: Path, reviewer) -> None:  # noqa: ANN001
    letter_out = pytest.importorskip("mednec.render.letter_out")
    hostile = (
        "PLAN:\nEn bloc resection <script>alert(3)</script> with wide margins. <img src=x onerror=alert(4)>\n"
    )
    case = make_case(tmp_path, "xss", extra={"zz_plan.txt": hostile})
    result, loaded = reviewer.review(case)
    target = tmp_path / "letter.html"
    letter_out.write_letter(result, loaded.request, target)
    html = target.read_text(encoding="utf-8")
    assert not [p for p in PAYLOADS if p in html]


def test_json_is_byte_identical_across_runs_and_worker_counts(
    baseline: tuple[Path, Path], tmp_path: Path, cli_cache: Path
) -> None:
    cases, out1 = baseline
    expected = output_bytes(out1)
    assert len([n for n in expected if n.endswith(".json")]) == 8
    for workers in ("2", "1"):
        out = tmp_path / f"out-w{workers}"
        proc = run_cli(["triage", str(cases), "-o", str(out), "--workers", workers], cli_cache)
        assert proc.returncode == 0, proc.stderr
        assert output_bytes(out) == expected, workers


def test_review_prints_exactly_the_triage_json(baseline: tuple[Path, Path], cli_cache: Path) -> None:
    cases, out = baseline
    proc = run_cli(["review", str(cases / "case01")], cli_cache)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.encode("utf-8") == (out / "case01.json").read_bytes()


def test_same_case_twice_in_process_gives_the_same_bytes(reviewer, baseline: tuple[Path, Path]) -> None:  # noqa: ANN001
    from mednec.review import result_json

    first = result_json(reviewer.review(baseline[0] / "case04")[0])
    assert result_json(reviewer.review(baseline[0] / "case04")[0]) == first
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", first)  # no run timestamp in the JSON
