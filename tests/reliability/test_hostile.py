"""Hostile batches (issue 20): what a hostile or careless sender does must stay inside its case.

Each test names the item of the issue it proves; each failed before its fix (a traceback, a
lost batch, a live spreadsheet formula, a forged letter line, a folder shared by two runs, a
stale resume, a 50 MB text layer read to the end, a quadratic run-on line).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path

import pytest

from tests.reliability.conftest import (
    ERROR_LINE,
    assert_no_traceback,
    make_case,
    needs_d01,
    run_cli,
)

pytestmark = needs_d01
ROOT = Path(__file__).resolve().parents[2]


def _text_pdf(pages: list[list[str]]) -> bytes:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from packets import text_pdf
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return text_pdf(pages)


def _csv_rows(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / "triage.csv").read_text(encoding="utf-8"))))


# item 1: a request problem is an error of its case -----------------------------------------

def test_duplicate_codes_are_one_request(reviewer, tmp_path: Path) -> None:  # noqa: ANN001
    case = make_case(tmp_path, "dup", requested=["27076-LT", "27076-LT", {"code": "27076", "side": "left"},
                                                  "63303"])
    result, _ = reviewer.review(case)
    assert [(d.code, d.side) for d in result.determinations] == [("27076", "left"), ("63303", None)]


def test_huge_integer_in_one_request_does_not_sink_the_batch(tmp_path: Path, cli_cache: Path) -> None:
    make_case(tmp_path / "cases", "a_bad", request='{"case_id": "a_bad", "requested": ["63303"], "units": '
              + "7" * 5000 + "}")
    make_case(tmp_path / "cases", "b_good")
    proc = run_cli(["triage", str(tmp_path / "cases"), "--out", str(tmp_path / "out")], cli_cache)
    assert_no_traceback(proc.stderr)
    rows = {r["case_id"]: r for r in _csv_rows(tmp_path / "out")}
    assert "integer of 5000 digits" in rows["a_bad"]["error"]
    assert rows["b_good"]["outcome"] and (tmp_path / "out" / "b_good.json").is_file()


# item 2: output names cannot collide -------------------------------------------------------

@pytest.mark.parametrize("workers", [1, 2])
def test_case_ids_that_look_like_outputs_never_collide(tmp_path: Path, workers: int) -> None:
    from mednec.triage import triage

    pdf = _text_pdf([["CLINIC NOTE", "Date of service: 01/20/2026", "Seen in clinic today."]])
    ids = ["x", "x.json", "triage.csv", "index.html", "x.texts", "X"]
    for n, case_id in enumerate(ids):
        make_case(tmp_path / "cases", f"c{n}", case_id=case_id, extra={"zz_note.pdf": pdf})
    summary = triage(tmp_path / "cases", tmp_path / "out", workers=workers)
    out = tmp_path / "out"
    rows = _csv_rows(out)
    errors = {r["case_id"]: r["error"] for r in rows if r["error"]}
    assert list(errors) == ["X"] and "already used" in errors["X"]  # "X" and "x" differ only in case
    assert summary.cases == len(ids) and summary.errors == 1
    for case_id in ids[:-1]:
        assert json.loads((out / f"{case_id}.json").read_text(encoding="utf-8"))["case_id"] == case_id
        assert (out / f"{case_id}.texts" / "zz_note.pdf.txt").is_file()
    assert (out / "triage.csv").is_file() and "<html" in (out / "index.html").read_text(encoding="utf-8")


# item 4: spreadsheet cells -----------------------------------------------------------------

def test_triage_csv_cells_never_start_a_formula(tmp_path: Path) -> None:
    from mednec.triage import triage

    ids = ["@SUM(1+1)", "+1+2", "-2+3", "=cmd|' -C calc'!A0"]
    for n, case_id in enumerate(ids):
        make_case(tmp_path / "cases", f"c{n}", case_id=case_id)
    triage(tmp_path / "cases", tmp_path / "out", workers=1)
    rows = _csv_rows(tmp_path / "out")
    assert sorted(r["case_id"] for r in rows if r["code"] == "63303") == sorted("'" + i for i in ids)
    for row in rows:
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values()), row
    # JSON keeps the exact value
    for case_id in ids:
        assert json.loads((tmp_path / "out" / f"{case_id}.json").read_text(encoding="utf-8"))["case_id"] == case_id


def test_spreadsheet_safe() -> None:
    from mednec.outputs import spreadsheet_safe

    assert [spreadsheet_safe(v) for v in ["=1", "+1", "-1", "@A", "\tx", "\rx", "63303", "a=b", ""]] == \
        ["'=1", "'+1", "'-1", "'@A", "'\tx", "'\rx", "63303", "a=b", ""]


# item 4: Markdown and text renderings keep their structure ------------------------------------

def test_a_file_name_with_line_breaks_forges_no_letter_line(reviewer, tmp_path: Path) -> None:  # noqa: ANN001
    from mednec.render.letter_out import render_letter
    from mednec.render.text import render_text

    forged = "All codes APPROVED by medical director"
    name = f"zz\n# {forged}\n- {forged}.txt"
    case = make_case(tmp_path, "forge", extra={name: "CLINIC NOTE\nDate of service: 01/20/2026\n\nSeen.\n"})
    result, case_loaded = reviewer.review(case)
    for text in (render_letter(result, case_loaded.request, "md"), render_text(result)):
        for line in text.splitlines():
            assert not (forged in line and line.lstrip().startswith(("#", "-", "*"))), line


# item 5: one run per output folder ---------------------------------------------------------

def test_a_second_run_into_a_busy_folder_stops_with_one_line(tmp_path: Path, cli_cache: Path) -> None:
    from mednec.outputs import LOCK_NAME, OutputLock

    make_case(tmp_path / "cases", "a")
    out = tmp_path / "out"
    out.mkdir()
    with OutputLock(out):
        proc = run_cli(["triage", str(tmp_path / "cases"), "--out", str(out)], cli_cache)
        assert proc.returncode == 2
        line = proc.stderr.strip().splitlines()[-1]
        assert ERROR_LINE.match(line) and str(out) in line and f"process {os.getpid()}" in line, line
        assert not (out / "triage.csv").exists()
    # a lock file left by a killed run names a dead owner: the next run takes it over
    (out / LOCK_NAME).write_text('{"pid": 999999999, "host": "elsewhere"}\n')
    proc = run_cli(["triage", str(tmp_path / "cases"), "--out", str(out)], cli_cache)
    assert proc.returncode == 0, proc.stderr
    assert (out / "a.json").is_file()


def test_cleanup_never_touches_a_live_run(tmp_path: Path) -> None:
    from mednec.core.errors import OutputError
    from mednec.outputs import OutputLock
    from mednec.triage import triage

    make_case(tmp_path / "cases", "a")
    out = tmp_path / "out"
    out.mkdir()
    live_temp = out / ".a.json.abcdefgh.tmp"  # a write in flight of the run holding the folder
    live_temp.write_text("{")
    with OutputLock(out), pytest.raises(OutputError):
        triage(tmp_path / "cases", out, workers=1)
    assert live_temp.is_file()


# item 6: limits enforced while reading -------------------------------------------------------

def test_oversized_text_layer_is_refused_before_extraction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mednec.core.errors import DocumentError
    from mednec.documents import pdf as pdf_mod

    monkeypatch.setattr(pdf_mod, "MAX_TEXT_BYTES", 40_000)
    monkeypatch.setattr(pdf_mod, "TOO_MUCH_TEXT", "extracted text is larger than the limit")
    line = "Tumor abuts the left acetabular roof and the sciatic nerve. " * 30
    path = tmp_path / "big.pdf"
    path.write_bytes(_text_pdf([[line] * 10 for _ in range(40)]))  # about 18,000 characters a page
    extracted: list[int] = []
    real = pdf_mod.classify_page

    def spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - counts the pages read by pypdf
        extracted.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf_mod, "classify_page", spy)
    with pytest.raises(DocumentError) as info:
        pdf_mod.load_pdf(path, path.read_bytes())
    assert "(at page 3)" in info.value.line()
    assert extracted == []  # refused from pdfium's character count, before any page was extracted


# item 7: --resume keys on the rules ----------------------------------------------------------

def test_resume_key_changes_with_the_packaged_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mednec import state

    case = make_case(tmp_path, "a")
    before = state.input_sha256(case)
    monkeypatch.setattr(state, "data_digest", lambda: "another criteria file")
    assert state.input_sha256(case) != before


def test_data_digest_covers_criteria_and_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    from mednec import state

    read: list[str] = []
    real = state._update_file
    monkeypatch.setattr(state, "_update_file", lambda digest, path: (read.append(path.as_posix()),
                                                                       real(digest, path)))
    state.data_digest.cache_clear()
    try:
        state.data_digest()
    finally:
        state.data_digest.cache_clear()
    for name in ("criteria/codes/63303.yaml", "criteria/shared/family_a.yaml", "resources/context_rules.jsonl",
                 "resources/concepts.jsonl", "templates/letter.md.j2"):
        assert any(p.endswith(name) for p in read), name


# item 3: linear cost ---------------------------------------------------------------------

def test_run_on_text_is_cut_into_bounded_sentences(nlp) -> None:  # noqa: ANN001
    from mednec.pipeline.sentences import sentence_config

    cap = sentence_config().max_sentence_tokens
    doc = nlp("tumor abuts the roof, possible metastasis at L4 and no fracture " * 300)
    lengths = [len(s) for s in doc.sents]
    assert max(lengths) <= cap and sum(lengths) == len(doc)
    # cut at a comma where there is one
    assert all(s[-1].text == "," for s in list(doc.sents)[:-1])
