"""The types and limits the document loaders share (the package's ``__init__`` re-exports them).

Kept apart from ``mednec.documents`` so the loaders (``text``, ``pdf``, ``image``, ``ocr``,
``cache``) import them without importing the package that dispatches to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mednec.core.errors import DocumentError

MAX_TEXT_BYTES = 10 * 1024 * 1024
"""Largest text document (and largest extracted text of a PDF or image) accepted, in bytes."""
MAX_PAGES = 300
"""Most pages (PDF pages, TIFF frames) a document may have."""
PAGE_BREAK = "\n\f\n"
"""Separator between pages in ``LoadedText.text``."""

TEXT_SUFFIXES = frozenset({".txt"})
PDF_SUFFIXES = frozenset({".pdf"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})
SUPPORTED_SUFFIXES: frozenset[str] = TEXT_SUFFIXES | PDF_SUFFIXES | IMAGE_SUFFIXES

@dataclass(frozen=True)
class LoadedText:
    """The text of one chart document as the pipeline reads it."""

    text: str
    source: Literal["text", "pdf-text", "ocr"]  # a PDF with some OCR pages: "ocr"
    pages: int
    ocr_confidence: float | None  # mean page confidence 0-100, None when no OCR
    page_starts: tuple[int, ...]  # offset of each page in text


@dataclass(frozen=True)
class Page:
    """One extracted page: its text, whether it was OCR'd, and the OCR mean word confidence."""

    text: str
    ocr: bool = False
    confidence: float | None = None


def join_pages(pages: list[Page], path: Path) -> LoadedText:
    """Join extracted pages with ``PAGE_BREAK`` into a ``LoadedText``."""
    starts: list[int] = []
    offset = 0
    for page in pages:
        starts.append(offset)
        offset += len(page.text) + len(PAGE_BREAK)
    text = PAGE_BREAK.join(page.text for page in pages)
    if len(text.encode("utf-8", errors="replace")) > MAX_TEXT_BYTES:
        raise DocumentError(f"extracted text is larger than the {MAX_TEXT_BYTES // 2**20} MiB limit", path)
    ocr_pages = [p for p in pages if p.ocr]
    confidence: float | None = None
    if ocr_pages:
        scored = [p.confidence for p in ocr_pages if p.confidence is not None]
        confidence = round(sum(scored) / len(scored), 2) if scored else 0.0
    return LoadedText(
        text=text,
        source="ocr" if ocr_pages else "pdf-text",
        pages=len(pages),
        ocr_confidence=confidence,
        page_starts=tuple(starts),
    )
