"""Scanned page images: PNG, JPEG, multi-page TIFF, broken images, and Tesseract missing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from mednec.core.errors import DocumentError, OCRUnavailableError
from mednec.documents import PAGE_BREAK, load_document
from mednec.documents import image as image_module
from mednec.documents import ocr as ocr_module
from mednec.documents.metrics import cer

from .conftest import PAGE_ONE, PAGE_TWO, page_image, requires_tesseract


def save_tiff(path: Path, pages: list[Image.Image]) -> Path:
    pages[0].save(path, save_all=True, append_images=pages[1:], compression="group4", dpi=(200, 200))
    return path


@pytest.mark.ocr
@requires_tesseract
def test_png_page(tmp_path: Path, cache_dir: Path) -> None:
    path = tmp_path / "mri.png"
    page_image(PAGE_ONE, mode="1").save(path, dpi=(200, 200))
    loaded = load_document(path, cache_dir=cache_dir)
    assert (loaded.source, loaded.pages, loaded.page_starts) == ("ocr", 1, (0,))
    assert loaded.ocr_confidence is not None and 70 < loaded.ocr_confidence <= 100
    assert cer(loaded.text, "\n".join(PAGE_ONE)) < 0.03
    assert "abuts the left acetabular roof" in loaded.text


@pytest.mark.ocr
@requires_tesseract
def test_jpeg_grey_photo(tmp_path: Path, cache_dir: Path) -> None:
    path = tmp_path / "note.jpg"
    page_image(PAGE_TWO).convert("RGB").save(path, quality=70)
    loaded = load_document(path, cache_dir=cache_dir)
    assert loaded.source == "ocr" and "sacroiliac joint" in loaded.text


@pytest.mark.ocr
@requires_tesseract
def test_multipage_tiff_in_parallel(tmp_path: Path, cache_dir: Path) -> None:
    path = save_tiff(tmp_path / "fax.tif", [page_image(PAGE_ONE, mode="1"), page_image(PAGE_TWO, mode="1")])
    loaded = load_document(path, cache_dir=cache_dir, workers=2)
    assert (loaded.source, loaded.pages) == ("ocr", 2)
    first, second = loaded.text.split(PAGE_BREAK)
    assert loaded.page_starts == (0, len(first) + len(PAGE_BREAK))
    assert loaded.text[loaded.page_starts[1]:] == second
    assert "acetabular roof" in first and "intrathecal extension" in second
    serial = load_document(path, cache_dir=tmp_path / "other-cache", workers=1)
    assert serial == loaded


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("random.png", bytes(range(256)) * 4, "not a readable image"),
        ("text.jpg", b"this is not a JPEG at all\n", "not a readable image"),
    ],
)
def test_unreadable_images(tmp_path: Path, cache_dir: Path, name: str, data: bytes, problem: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DocumentError) as err:
        load_document(path, cache_dir=cache_dir)
    assert name in str(err.value) and problem in str(err.value)


@pytest.mark.parametrize("fmt", ["PNG", "TIFF", "JPEG"])
def test_truncated_images(tmp_path: Path, cache_dir: Path, fmt: str) -> None:
    buf = io.BytesIO()
    page_image(PAGE_ONE).save(buf, fmt)
    data = buf.getvalue()
    path = tmp_path / f"cut.{fmt.lower()}"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DocumentError, match=rf"cut\.{fmt.lower()}.*(corrupt|truncated|not a readable)"):
        load_document(path, cache_dir=cache_dir)


def test_too_many_frames(tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(image_module, "MAX_PAGES", 2)
    path = save_tiff(tmp_path / "long.tif", [Image.new("1", (40, 40), 1) for _ in range(3)])
    with pytest.raises(DocumentError, match=r"long\.tif.*3 pages"):
        load_document(path, cache_dir=cache_dir)


def test_tesseract_missing(tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr_module.shutil, "which", lambda cmd: None)
    ocr_module.tesseract_problem.cache_clear()
    try:
        scan = tmp_path / "scan.png"
        page_image(PAGE_ONE).save(scan)
        with pytest.raises(OCRUnavailableError) as err:
            load_document(scan, cache_dir=cache_dir)
        message = str(err.value)
        assert "scan.png" in message and "apt-get install tesseract-ocr" in message and "\n" not in message
        assert err.value.code == "E201"
        note = tmp_path / "note.txt"
        note.write_text("left hip pain\n", encoding="utf-8")
        assert load_document(note).text == "left hip pain\n"
    finally:
        ocr_module.tesseract_problem.cache_clear()
