"""The documented limits (docs/limits.md) are enforced, each with a clear one-line error.

The limits are lowered with monkeypatch where reaching the real one would cost time;
the 10 MiB and 20 MB cases run at full size in the matrix.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

import mednec.review as review_mod
from mednec.core.errors import CaseLimitError, DocumentError, DocumentLimitError, MednecError, OutputError
from mednec.outputs import safe_output_path
from mednec.review import load_case
from tests.reliability.conftest import make_case, needs_d01

pytestmark = needs_d01


def _error(case: Path) -> MednecError:
    with pytest.raises(MednecError) as info:
        load_case(case)
    return info.value


def test_documents_per_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(review_mod, "MAX_DOCUMENTS", 3)
    err = _error(make_case(tmp_path, "many"))
    assert isinstance(err, CaseLimitError) and err.line().startswith("[E104] ")
    assert "6 documents; the limit is 3" in err.line()


def test_case_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(review_mod, "MAX_CASE_BYTES", 4 * 2**20)
    case = make_case(tmp_path, "big", extra={"zz_a.txt": "x " * 1_500_000, "zz_b.txt": "y " * 1_500_000})
    err = _error(case)
    assert isinstance(err, CaseLimitError) and "MiB case limit" in err.line() and str(case) in err.line()


def test_characters_per_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(review_mod, "MAX_DOCUMENT_CHARS", 2_000)
    err = _error(make_case(tmp_path, "long"))
    assert isinstance(err, DocumentLimitError) and err.line().startswith("[E202] ")
    assert "characters of text, over the 2,000-character limit" in err.line() and ".txt" in err.line()


def test_characters_per_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(review_mod, "MAX_CASE_CHARS", 6_000)
    err = _error(make_case(tmp_path, "long"))
    assert isinstance(err, CaseLimitError) and "6,000 characters of text together" in err.line()


def test_request_size(tmp_path: Path) -> None:
    request = {"case_id": "big", "requested": ["27076-LT"], "patient": {"sex": "F" * (2**20)}}
    err = _error(make_case(tmp_path, "big", request=json.dumps(request)))
    assert isinstance(err, CaseLimitError) and "request.json" in err.line() and "1024 KiB limit" in err.line()


def test_pages_per_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PdfWriter

    monkeypatch.setattr("mednec.documents.pdf.MAX_PAGES", 2)
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(612, 792)
    buf = io.BytesIO()
    writer.write(buf)
    err = _error(make_case(tmp_path, "pages", extra={"zz_scan.pdf": buf.getvalue()}))
    assert isinstance(err, DocumentError) and "3 pages, more than the 2-page limit" in err.line()
    assert "zz_scan.pdf" in err.line()


@pytest.mark.parametrize("case_id", ["é" * 150, "tab\there", "new\nline", "..", ".hidden", "a/b", ""])
def test_output_names(tmp_path: Path, case_id: str) -> None:
    with pytest.raises(OutputError) as info:
        safe_output_path(tmp_path, case_id, ".json")
    assert info.value.line().startswith("[E400] ")


def test_reserved_case_id_keeps_the_index_page(tmp_path: Path) -> None:
    from mednec.triage import triage

    make_case(tmp_path / "cases", "a", case_id="index")
    make_case(tmp_path / "cases", "b")
    summary = triage(tmp_path / "cases", tmp_path / "out", workers=1)
    assert summary.errors == 1 and summary.cases == 2
    text = (tmp_path / "out" / "triage.csv").read_text(encoding="utf-8")
    assert "[E400] " in text and "reserved" in text
    assert not (tmp_path / "out" / "index.json").exists()
    assert "<html" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8").lower()


def test_memory_limit_gives_an_error_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mednec.triage import triage

    parent, real = os.getpid(), review_mod.Reviewer.read_loaded

    def greedy(self, case):  # noqa: ANN001, ANN202 - in the forked child, allocates until refused
        if os.getpid() == parent:  # the parent's warm-up review
            return real(self, case)
        hoard = []
        while True:
            hoard.append(bytearray(64 * 2**20))

    monkeypatch.setenv("MEDNEC_CASE_MEMORY_MB", "256")
    monkeypatch.setattr(review_mod.Reviewer, "read_loaded", greedy)
    make_case(tmp_path / "cases", "greedy")
    summary = triage(tmp_path / "cases", tmp_path / "out", workers=1, timeout=60)
    assert summary.errors == 1
    text = (tmp_path / "out" / "triage.csv").read_text(encoding="utf-8")
    assert "[E503] " in text and "more memory than the per-case limit" in text
