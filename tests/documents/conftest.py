"""Fixtures for document-loading tests: page images and PDFs made at test time (no binaries committed)."""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
HAVE_TESSERACT = shutil.which("tesseract") is not None
requires_tesseract = pytest.mark.skipif(
    not HAVE_TESSERACT,
    reason="tesseract is not installed (apt-get install tesseract-ocr, or run scripts/apt-deps.sh)",
)

PAGE_ONE = [
    "MRI PELVIS WITH AND WITHOUT CONTRAST",
    "Date of service: 10/20/2025",
    "Inferiorly the mass abuts the left acetabular roof.",
    "Tumor contacts the left L5, S1 and S2 nerve roots.",
]
PAGE_TWO = [
    "IMPRESSION:",
    "No intradural or intrathecal extension.",
    "The left sacroiliac joint is invaded.",
]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if FONT.exists():
        return ImageFont.truetype(str(FONT), size)
    return ImageFont.load_default(size)


def page_image(lines: list[str], dpi: int = 200, mode: str = "L") -> Image.Image:
    """A clean US Letter page with ``lines`` at 12 pt, in ``mode`` (``L`` or ``1``)."""
    width, height = int(8.5 * dpi), int(11 * dpi)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    font = _font(round(12 * dpi / 72))
    for i, line in enumerate(lines):
        draw.text((dpi, dpi + i * round(18 * dpi / 72)), line, font=font, fill=0)
    return img.convert("1") if mode == "1" else img


def text_pdf(pages: list[list[str]]) -> bytes:
    """A PDF with a real text layer (Helvetica), one list of lines per page (empty list: blank page)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from packets import text_pdf as build

    return build(pages, font=b"Helvetica", size=11, left=72, top=720, leading=15)


def image_pdf(images: list[Image.Image], dpi: int = 200) -> bytes:
    """An image-only PDF (no text layer), one image per page."""
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=float(dpi))
    return out.getvalue()


def merge_pdfs(*parts: bytes) -> bytes:
    """Concatenate PDFs page by page."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    """A fresh cache folder for one test."""
    return tmp_path / "cache"
