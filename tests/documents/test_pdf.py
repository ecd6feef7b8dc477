"""PDF documents: text layers, image-only and mixed PDFs, and broken files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from mednec.core.errors import DocumentError
from mednec.documents import PAGE_BREAK, load_document
from mednec.documents import pdf as pdf_module
from mednec.documents.metrics import cer

from .conftest import PAGE_ONE, PAGE_TWO, image_pdf, merge_pdfs, page_image, requires_tesseract, text_pdf


def no_ocr(*args: object, **kwargs: object) -> None:
    raise AssertionError("OCR must not run for this document")


def test_text_layer_pdf(tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_module, "ocr_pages", no_ocr)
    path = tmp_path / "mri.pdf"
    path.write_bytes(text_pdf([PAGE_ONE, PAGE_TWO]))
    loaded = load_document(path, cache_dir=cache_dir)
    assert (loaded.source, loaded.pages, loaded.ocr_confidence) == ("pdf-text", 2, None)
    assert loaded.page_starts[0] == 0
    first, second = loaded.text.split(PAGE_BREAK)
    assert loaded.page_starts[1] == len(first) + len(PAGE_BREAK)
    assert loaded.text[loaded.page_starts[1]:] == second
    assert first.splitlines() == PAGE_ONE
    assert second.splitlines() == PAGE_TWO


def test_blank_page_needs_no_ocr(tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_module, "ocr_pages", no_ocr)
    path = tmp_path / "with_blank.pdf"
    path.write_bytes(text_pdf([PAGE_ONE, [], PAGE_TWO]))
    loaded = load_document(path, cache_dir=cache_dir)
    assert (loaded.source, loaded.pages) == ("pdf-text", 3)
    assert loaded.text.split(PAGE_BREAK)[1] == ""


@pytest.mark.parametrize(
    ("text", "coverage", "drawing", "expected"),
    [
        ("The mass abuts the left acetabular roof. No intradural extension is seen.", 0.0, False, "text"),
        ("", 1.0, False, "ocr"),
        ("", 0.0, True, "ocr"),
        ("", 0.0, False, "blank"),
        ("Page 1", 0.95, False, "ocr"),
        ("(cid:12)(cid:34)(cid:56) (cid:7)(cid:8) report", 0.0, False, "ocr"),
        ("\ue001\ue002\ue003\ue004 \ue005\ue006 text here", 0.0, False, "ocr"),
        ("Wkh pdvv dexwv wkh ohiw dfhwdexodu urri dqg wkh vdfurlolfd mrlqw", 0.0, False, "ocr"),
        ("Hgb 12.1 WBC 6.2 Plt 240 Na 139 K 4.1 Cr 0.8", 0.0, False, "text"),
    ],
)
def test_classify_page(text: str, coverage: float, drawing: bool, expected: str) -> None:
    assert pdf_module.classify_page(text, coverage, drawing) == expected


@pytest.mark.parametrize(
    ("name", "make", "problem"),
    [
        ("truncated.pdf", lambda good: good[: len(good) // 2], "truncated"),
        ("garbage.pdf", lambda good: b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n", "corrupt"),
        ("notpdf.pdf", lambda good: b"just some text, not a PDF\n", "not a PDF"),
    ],
)
def test_broken_pdfs(tmp_path: Path, cache_dir: Path, name: str, make, problem: str) -> None:  # noqa: ANN001
    path = tmp_path / name
    path.write_bytes(make(text_pdf([PAGE_ONE])))
    with pytest.raises(DocumentError) as err:
        load_document(path, cache_dir=cache_dir)
    assert name in str(err.value) and problem.lower() in str(err.value).lower()


def _encrypt(data: bytes, user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_encrypted_pdf(tmp_path: Path, cache_dir: Path) -> None:
    path = tmp_path / "locked.pdf"
    path.write_bytes(_encrypt(text_pdf([PAGE_ONE]), "secret"))
    with pytest.raises(DocumentError, match=r"locked\.pdf.*encrypted"):
        load_document(path, cache_dir=cache_dir)


def test_owner_password_only_pdf_is_read(tmp_path: Path, cache_dir: Path) -> None:
    path = tmp_path / "restricted.pdf"
    path.write_bytes(_encrypt(text_pdf([PAGE_ONE]), ""))
    loaded = load_document(path, cache_dir=cache_dir)
    assert loaded.source == "pdf-text" and "acetabular roof" in loaded.text


def test_too_many_pages(tmp_path: Path, cache_dir: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pdf_module.MAX_PAGES + 1):
        writer.add_blank_page(612, 792)
    out = io.BytesIO()
    writer.write(out)
    path = tmp_path / "long.pdf"
    path.write_bytes(out.getvalue())
    with pytest.raises(DocumentError, match=r"long\.pdf.*301 pages"):
        load_document(path, cache_dir=cache_dir)


@pytest.mark.ocr
@requires_tesseract
def test_image_only_pdf(tmp_path: Path, cache_dir: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(image_pdf([page_image(PAGE_ONE, mode="1"), page_image(PAGE_TWO, mode="1")]))
    loaded = load_document(path, cache_dir=cache_dir, workers=2)
    assert (loaded.source, loaded.pages) == ("ocr", 2)
    assert loaded.ocr_confidence is not None and loaded.ocr_confidence > 70
    first, second = loaded.text.split(PAGE_BREAK)
    assert loaded.text[loaded.page_starts[1]:] == second
    assert cer(first, "\n".join(PAGE_ONE)) < 0.03
    assert "acetabular roof" in first and "sacroiliac joint" in second


@pytest.mark.ocr
@requires_tesseract
def test_partly_scanned_pdf(tmp_path: Path, cache_dir: Path) -> None:
    path = tmp_path / "mixed.pdf"
    path.write_bytes(merge_pdfs(text_pdf([PAGE_ONE]), image_pdf([page_image(PAGE_TWO)])))
    loaded = load_document(path, cache_dir=cache_dir)
    assert (loaded.source, loaded.pages) == ("ocr", 2)
    first, second = loaded.text.split(PAGE_BREAK)
    assert first.splitlines() == PAGE_ONE  # the text layer, verbatim
    assert "intrathecal extension" in second
    assert loaded.ocr_confidence is not None and loaded.ocr_confidence > 70
