"""PDF documents: the text layer (pypdf) where it is real, OCR of the rendered page elsewhere.

Per page, ``classify_page`` decides between the text layer and OCR: a page whose layer
is empty, too short for the scan image that covers it, or junk (undecodable glyphs,
``(cid:..)`` codes, private-use characters, or letters that form no words) is rendered
with pypdfium2 and OCR'd; a page with no text, no image and no drawing is blank and
stays empty without OCR. Ligatures (U+FB00-FB06) are expanded and soft hyphens dropped.

pypdf was chosen over pdfplumber on measured quality (``benchmarks/ocr_bench.py
--pdf-text``, the d01 documents as PDFs): CER 0.01% vs 76.8% on two-column justified
Chromium PDFs (pdfplumber interleaves the columns line by line), 0.03% vs 12.4% on PDFs
that place each word separately (pdfplumber drops the spaces), 0% for both on plain
line-per-object PDFs; pypdf was also 2-7 times faster.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import Literal

from mednec.core.errors import DocumentError
from mednec.documents.base import MAX_PAGES, MAX_TEXT_BYTES, Page
from mednec.documents.ocr import PageTask, ocr_pages, require_tesseract
from mednec.documents.preprocess import DEFAULT_OPTIONS, OcrOptions

log = logging.getLogger(__name__)

MIN_TEXT_CHARS = 20        # fewer non-space characters on a page covered by an image: OCR it
MIN_SCAN_COVERAGE = 0.5    # fraction of the page an image must cover to count as a scan
TOO_MUCH_TEXT = f"extracted text is larger than the {MAX_TEXT_BYTES // 2**20} MiB limit"
MAX_JUNK_FRACTION = 0.05   # undecodable / private-use / control characters
MIN_WORD_FRACTION = 0.15   # share of letter tokens that are common English or clinical words
_WORD = re.compile(r"[A-Za-z]{2,}")
_CID = re.compile(r"\(cid:\d+\)")
LIGATURES = str.maketrans({
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\ufb05": "st", "\ufb06": "st", "\u00ad": "", "\x00": "",
})
COMMON_WORDS = frozenset("""
a an the of and or to in on at by for with without from into over under as is are was were be been has have
had not no this that these those it its there their he she his her they we you i which who whom what
when where all any each per than then also but if so only other more most some such may will can should
would could
left right mass tumor lesion bone nerve root roots date patient history exam plan mri ct pet scan report
note findings impression clinical service signed pain dr md cm mm mg year years old months weeks day days
""".split())


def classify_page(text: str, image_coverage: float, has_drawing: bool,
                  known_words: frozenset[str] = COMMON_WORDS) -> Literal["text", "blank", "ocr"]:
    """Decide how to read one PDF page from its text layer and what else is on it."""
    visible = "".join(text.split())
    if not visible:
        return "ocr" if image_coverage > 0.0 or has_drawing else "blank"
    junk = len(_CID.findall(text)) * 6 + sum(
        1 for ch in visible if ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff" or ord(ch) < 32
    )
    if junk > MAX_JUNK_FRACTION * len(visible):
        return "ocr"
    if image_coverage >= MIN_SCAN_COVERAGE and len(visible) < MIN_TEXT_CHARS:
        return "ocr"
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) >= 8:
        hits = sum(1 for w in words if w in known_words)
        if hits < MIN_WORD_FRACTION * len(words):
            return "ocr"
    elif not words and image_coverage >= MIN_SCAN_COVERAGE:
        return "ocr"
    return "text"


def _known_words() -> frozenset[str]:
    from mednec.documents.correct import lexicon

    return COMMON_WORDS | lexicon().terms


def _check_complete(data: bytes, path: Path) -> None:
    if b"%PDF-" not in data[:1024]:
        raise DocumentError("not a PDF file (no %PDF header)", path)
    if b"%%EOF" not in data.rstrip(b"\x00\r\n\t ")[-2048:]:
        raise DocumentError("truncated PDF (no end-of-file marker)", path)


def _open_reader(data: bytes, path: Path):  # noqa: ANN202 - pypdf.PdfReader
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except (DependencyError, NotImplementedError) as exc:
                raise DocumentError("encrypted PDF (cannot be opened without a password tool)", path) from exc
            if not opened:
                raise DocumentError("encrypted PDF (password protected); ask for an unprotected copy", path)
        count = len(reader.pages)
    except DocumentError:
        raise
    except FileNotDecryptedError as exc:
        raise DocumentError("encrypted PDF (password protected); ask for an unprotected copy", path) from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError,
            RecursionError) as exc:
        raise DocumentError(f"corrupt PDF ({type(exc).__name__})", path) from exc
    if count == 0:
        raise DocumentError("PDF has no pages", path)
    if count > MAX_PAGES:
        raise DocumentError(f"PDF has {count} pages, more than the {MAX_PAGES}-page limit", path)
    return reader


def _layout_facts(data: bytes, path: Path, count: int) -> list[tuple[float, bool, int]]:
    """Per page: fraction of the page covered by images, whether it has vector drawing, and the
    characters of its text layer as pdfium counts them (in C, far faster than extracting them)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        problem = "encrypted PDF (password protected)" if "password" in str(exc).lower() else "corrupt PDF"
        raise DocumentError(f"{problem}; cannot render its pages", path) from exc
    facts: list[tuple[float, bool, int]] = []
    total_chars = 0
    try:
        if len(doc) != count:
            raise DocumentError("corrupt PDF (page count differs between readers)", path)
        for page in doc:
            width, height = page.get_size()
            area = max(width * height, 1.0)
            covered, drawing = 0.0, False
            for obj in page.get_objects(max_depth=4):
                if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                    bounds = getattr(obj, "get_bounds", None) or obj.get_pos  # pypdfium2 5 / 4
                    left, bottom, right, top = bounds()
                    visible_w = max(0.0, min(right, width) - max(left, 0.0))
                    covered += visible_w * max(0.0, min(top, height) - max(bottom, 0.0))
                elif obj.type in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_SHADING):
                    drawing = True
            textpage = page.get_textpage()
            chars = textpage.count_chars()
            textpage.close()
            page.close()
            # every character takes at least a byte: a text layer over the limit is refused here,
            # at the first page past it, before the (slow, pure-Python) extraction reads any of it
            total_chars += chars
            if total_chars > MAX_TEXT_BYTES:
                raise DocumentError(f"{TOO_MUCH_TEXT} (at page {len(facts) + 1})", path)
            facts.append((min(1.0, covered / area), drawing, chars))
    finally:
        doc.close()
    return facts


def load_pdf(path: Path, data: bytes, *, workers: int = 1, options: OcrOptions = DEFAULT_OPTIONS,
             correct: bool = True) -> list[Page]:
    """Read a PDF's pages: text layer where real, OCR of the rendered page elsewhere."""
    _check_complete(data, path)
    reader = _open_reader(data, path)
    facts = _layout_facts(data, path, len(reader.pages))
    known = _known_words()
    pages: list[Page | None] = []
    tasks: list[PageTask] = []
    layer_bytes = 0
    for index, (coverage, drawing, _) in enumerate(facts):
        try:
            layer = reader.pages[index].extract_text() or ""
        except Exception as exc:  # noqa: BLE001 - a broken text layer is read by OCR instead
            log.debug("%s page %d: text layer unreadable (%s)", path.name, index + 1, type(exc).__name__)
            layer = ""
        # the text limit is enforced while reading: a 50 MB text layer stops at the first page past it
        layer_bytes += len(layer.encode("utf-8", errors="replace"))
        if layer_bytes > MAX_TEXT_BYTES:
            raise DocumentError(f"{TOO_MUCH_TEXT} (at page {index + 1})", path)
        kind = classify_page(layer, coverage, drawing, known)
        if kind == "ocr":
            pages.append(None)
            tasks.append(PageTask("pdf", str(path), index, options))
        else:
            pages.append(Page(text=layer.translate(LIGATURES).rstrip() if kind == "text" else ""))
    if tasks:
        log.debug("%s: %d of %d page(s) need OCR", path.name, len(tasks), len(pages))
        require_tesseract(path)
        done = iter(ocr_pages(tasks, path, workers, correct=correct))
        pages = [page if page is not None else next(done) for page in pages]
    return [page for page in pages if page is not None]
