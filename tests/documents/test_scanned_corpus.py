"""The scanned corpus (corpora/scanned) reads back as its source text, gold quotes included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mednec.documents import SUPPORTED_SUFFIXES, load_document
from mednec.documents.metrics import cer, normalise

from .conftest import requires_tesseract

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ROOT / "corpora" / "scanned"


def manifest() -> dict[str, dict[str, str]]:
    return json.loads((SCANNED / "manifest.json").read_text(encoding="utf-8"))["cases"]


def test_manifest_matches_folders() -> None:
    cases = manifest()
    assert len(cases) >= 7
    kinds = {spec["kind"] for spec in cases.values()}
    assert kinds == {"png", "tiff", "pdf"}
    for name, spec in cases.items():
        folder = SCANNED / name
        request = json.loads((folder / "request.json").read_text(encoding="utf-8"))
        gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
        assert request["case_id"] == gold["case_id"] == spec["case_id"]
        assert not list(folder.glob("*.txt"))
        assert all(p.suffix in SUPPORTED_SUFFIXES for p in folder.iterdir() if p.suffix != ".json")


@pytest.mark.ocr
@requires_tesseract
@pytest.mark.parametrize("name", ["d01_fax", "c27_pdf"])
def test_scanned_case_reads_back(name: str, tmp_path: Path) -> None:
    spec = manifest()[name]
    source = (SCANNED / spec["source"]).resolve()
    if not source.is_dir():
        pytest.skip(f"source case {source} is not here")
    folder = SCANNED / name
    texts = []
    for doc in sorted(p for p in folder.iterdir() if p.suffix != ".json"):
        loaded = load_document(doc, cache_dir=tmp_path, workers=2)
        assert loaded.source == "ocr" and loaded.pages >= 1
        assert loaded.ocr_confidence is not None and loaded.ocr_confidence > 80
        reference = (source / f"{doc.stem}.txt").read_bytes().decode("utf-8", errors="replace")
        assert cer(loaded.text, reference) < 0.03, doc.name
        texts.append(normalise(loaded.text))
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    quotes = [normalise(q) for qs in gold["evidence"].values() for q in qs]
    found = sum(any(q in t for t in texts) for q in quotes)
    assert found >= 0.8 * len(quotes)
