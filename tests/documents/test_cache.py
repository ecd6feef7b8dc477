"""The extracted-text cache: a second load never OCRs again, and a bad cache is never fatal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mednec.documents import cache, load_document
from mednec.documents import image as image_module
from mednec.documents import ocr as ocr_module
from mednec.documents import pdf as pdf_module

from .conftest import PAGE_ONE, PAGE_TWO, page_image, requires_tesseract, text_pdf


def forbid_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("tesseract was called on a cached document")

    import pytesseract

    monkeypatch.setattr(pytesseract, "image_to_data", boom)
    monkeypatch.setattr(image_module, "ocr_pages", boom)
    monkeypatch.setattr(pdf_module, "ocr_pages", boom)


@pytest.mark.ocr
@requires_tesseract
def test_second_load_does_not_call_tesseract(tmp_path: Path, cache_dir: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    scan = tmp_path / "scan.png"
    page_image(PAGE_ONE, mode="1").save(scan)
    first = load_document(scan, cache_dir=cache_dir)
    forbid_ocr(monkeypatch)
    copy = tmp_path / "renamed.png"  # same bytes under another name: same cache entry
    copy.write_bytes(scan.read_bytes())
    assert load_document(scan, cache_dir=cache_dir) == first
    assert load_document(copy, cache_dir=cache_dir) == first
    # A cached scan is readable even where Tesseract is missing.
    monkeypatch.setattr(ocr_module.shutil, "which", lambda cmd: None)
    ocr_module.tesseract_problem.cache_clear()
    try:
        assert load_document(scan, cache_dir=cache_dir) == first
    finally:
        ocr_module.tesseract_problem.cache_clear()


def test_cache_dir_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "env-cache"
    monkeypatch.setenv(cache.ENV_VAR, str(folder))
    doc = tmp_path / "mri.pdf"
    doc.write_bytes(text_pdf([PAGE_ONE]))
    loaded = load_document(doc)
    entries = list(folder.rglob("*.json"))
    assert len(entries) == 1 and not list(folder.rglob(".tmp-*"))
    assert entries[0].stat().st_mode & 0o077 == 0  # chart text: owner only
    assert json.loads(entries[0].read_text(encoding="utf-8"))["text"] == loaded.text
    assert cache.resolve_dir(None) == folder
    monkeypatch.delenv(cache.ENV_VAR)
    assert cache.resolve_dir(None) == Path.home() / ".cache" / "mednec"


def test_text_layer_pdf_is_cached(tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = tmp_path / "mri.pdf"
    doc.write_bytes(text_pdf([PAGE_ONE, PAGE_TWO]))
    first = load_document(doc, cache_dir=cache_dir)

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("re-extracted a cached PDF")

    monkeypatch.setattr(pdf_module, "load_pdf", boom)
    assert load_document(doc, cache_dir=cache_dir) == first


def test_corrupt_entry_is_ignored_and_rewritten(tmp_path: Path, cache_dir: Path) -> None:
    doc = tmp_path / "mri.pdf"
    doc.write_bytes(text_pdf([PAGE_ONE]))
    first = load_document(doc, cache_dir=cache_dir)
    (entry,) = cache_dir.rglob("*.json")
    entry.write_text("{not json", encoding="utf-8")
    assert load_document(doc, cache_dir=cache_dir) == first
    assert json.loads(entry.read_text(encoding="utf-8"))["text"] == first.text


def test_unwritable_cache_is_not_fatal(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    doc = tmp_path / "mri.pdf"
    doc.write_bytes(text_pdf([PAGE_ONE]))
    assert load_document(doc, cache_dir=blocker / "cache").source == "pdf-text"


def test_text_files_are_not_cached(tmp_path: Path, cache_dir: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("left hip pain\n", encoding="utf-8")
    load_document(note, cache_dir=cache_dir)
    assert not cache_dir.exists()
