"""Chart document loading: plain text, PDF text layers and OCR of scanned pages.

``load_document(path)`` returns the text the pipeline reads, with where it came from:

* ``.txt``: the file decoded as UTF-8 with decode errors replaced (U+FFFD), exactly as
  ``bytes.decode("utf-8", errors="replace")`` gives it, so evidence offsets index the same
  string an outside checker decodes. The one change: a leading UTF-8 byte-order mark
  (U+FEFF) becomes a space, so it neither sticks to the first word nor shifts offsets.
  Line ends are kept as they are (``\\r\\n`` stays).
* ``.pdf``: per page, the text layer (pypdf) when it is real text, otherwise OCR of the
  page rendered with pypdfium2 (a scanned page, an empty or a junk layer).
* ``.png .jpg .jpeg .tif .tiff``: OCR of every page (frame) of the image.

Pages are joined with ``PAGE_BREAK`` (``"\\n\\f\\n"``: a blank line holding a form feed);
``LoadedText.page_starts`` gives the offset of each page. OCR text is post-corrected
only by same-length substitutions (``mednec.documents.correct``), so offsets stay exact.
Extracted PDF and image text is cached per file content hash (``mednec.documents.cache``).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from mednec.core.errors import DocumentError
from mednec.documents.base import (
    IMAGE_SUFFIXES,
    MAX_PAGES,
    MAX_TEXT_BYTES,
    PAGE_BREAK,
    PDF_SUFFIXES,
    SUPPORTED_SUFFIXES,
    TEXT_SUFFIXES,
    LoadedText,
    Page,
    join_pages,
)

__all__ = [
    "IMAGE_SUFFIXES", "MAX_PAGES", "MAX_TEXT_BYTES", "PAGE_BREAK", "PDF_SUFFIXES", "SUPPORTED_SUFFIXES",
    "TEXT_SUFFIXES", "LoadedText", "Page", "join_pages", "load_document",
]

log = logging.getLogger(__name__)


def load_document(path: Path, *, cache_dir: Path | None = None, workers: int = 1) -> LoadedText:
    """Read one chart document and return its text, source, page count and OCR confidence.

    ``workers`` is the number of processes that OCR pages in parallel (``0``: all cores).
    PDF and image results are cached under ``cache_dir`` (default: ``$MEDNEC_CACHE_DIR``
    or ``~/.cache/mednec``) per file content hash, so a document is never OCR'd twice.
    Raises ``DocumentError`` for an unreadable document and ``OCRUnavailableError`` when a
    scanned document needs Tesseract and it is not installed. Messages name the file,
    never its text.
    """
    from mednec.documents import cache, image, pdf, text

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(f"unsupported document type '{suffix or path.name}'", path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise DocumentError("not a regular file", path)
    except OSError as exc:
        raise DocumentError(f"cannot read file ({exc.strerror or type(exc).__name__})", path) from exc
    if size == 0:
        raise DocumentError("empty file", path)
    if suffix in TEXT_SUFFIXES:
        return text.load_text(path)
    data = _read(path)
    key = cache.cache_key(data)
    folder = cache.resolve_dir(cache_dir)
    hit = cache.get(folder, key)
    if hit is not None:
        log.debug("cache hit for %s", path.name)
        return hit
    started = time.perf_counter()
    if suffix in PDF_SUFFIXES:
        loaded = join_pages(pdf.load_pdf(path, data, workers=workers), path)
    else:
        loaded = join_pages(image.load_image(path, workers=workers), path)
    log.info("%s: %d page(s), source %s, OCR confidence %s, %.1f s", path.name, loaded.pages, loaded.source,
             loaded.ocr_confidence, time.perf_counter() - started)
    cache.put(folder, key, loaded)
    return loaded


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read file ({exc.strerror or type(exc).__name__})", path) from exc
