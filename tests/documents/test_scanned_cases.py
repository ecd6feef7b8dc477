"""Scanned cases end to end: faxed PNG pages, a G4 TIFF and an image-only PDF give the
outcomes of their text versions, and every evidence span is exact in the OCR text."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import ROOT

SCANNED = ROOT / "corpora" / "scanned"
CASES = ["d01_fax", "c16_png", "c01_tif", "c27_pdf"]

pytestmark = [
    pytest.mark.ocr,
    pytest.mark.skipif(shutil.which("tesseract") is None,
                       reason="tesseract is not installed: apt-get install tesseract-ocr (scripts/apt-deps.sh does)"),
]


@pytest.mark.parametrize("name", CASES)
def test_scanned_case_matches_its_text_gold(reviewer, name, tmp_path, monkeypatch):
    monkeypatch.setenv("MEDNEC_CACHE_DIR", str(tmp_path / "cache"))  # a real OCR run, not a cache hit
    case = SCANNED / name
    gold = json.loads((case / "gold.json").read_text())
    result, loaded = reviewer.review(case, ocr_workers=2)
    assert {d.code: d.outcome for d in result.determinations} == gold["expected"]
    assert all(d.info.source in ("ocr", "pdf-text") for d in loaded.documents)
    assert all(d.info.ocr_confidence is not None for d in loaded.documents if d.info.source == "ocr")
    texts = {d.info.id: d.text for d in loaded.documents}
    for det in result.determinations:
        for crit in det.criteria:
            for ev in crit.evidence:
                assert texts[ev.document][ev.start : ev.end] == ev.text
