"""OCR of page images with Tesseract (through pytesseract), pages in parallel across processes.

Tesseract's own OpenMP threading is slower than one thread per page on this machine
class (about 4.8 s vs 0.94 s per 200-dpi page), so every Tesseract call runs with
``OMP_THREAD_LIMIT=1`` and pages are spread over ``workers`` processes instead.
The text of a page is rebuilt from Tesseract's word table (TSV): words of a line joined
by one space, lines by ``\\n``, paragraphs and blocks by a blank line; the page
confidence is the mean confidence of its words (0-100).
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from PIL import Image

from mednec.core.errors import DocumentError, OCRUnavailableError
from mednec.documents.base import Page
from mednec.documents.preprocess import DEFAULT_OPTIONS, OcrOptions, exif_upright, preprocess

log = logging.getLogger(__name__)

PDF_RENDER_DPI = 300
MAX_RENDER_PIXELS = 40_000_000  # a Letter page at 300 dpi is 8.4 million
PAGE_TIMEOUT_S = 300
LANG = "eng"
ORIENT_CHECK_BELOW = 70.0
"""A page read with a mean word confidence below this (or with no words) is checked for orientation
(Tesseract's OSD): a sideways or upside-down page is turned upright and read again."""
MIN_OSD_CONFIDENCE = 1.0
INSTALL_HINT = "install tesseract-ocr (apt-get install tesseract-ocr, or run scripts/apt-deps.sh)"


@dataclass(frozen=True)
class PageTask:
    """One page to OCR: a frame of an image file, or a page of a PDF rendered at ``PDF_RENDER_DPI``."""

    kind: Literal["image", "pdf"]
    path: str
    index: int
    options: OcrOptions = DEFAULT_OPTIONS


@lru_cache(maxsize=1)
def tesseract_problem() -> str | None:
    """Why Tesseract cannot run here (None when it can): missing binary or English data."""
    import pytesseract

    cmd = pytesseract.pytesseract.tesseract_cmd
    if shutil.which(cmd) is None:
        return f"scanned document needs OCR but Tesseract is not installed; {INSTALL_HINT}"
    try:
        langs = pytesseract.get_languages(config="")
    except Exception:  # noqa: BLE001 - any failure to run it means it is unusable
        return f"scanned document needs OCR but Tesseract does not run; {INSTALL_HINT}"
    if LANG not in langs:
        return f"scanned document needs OCR but Tesseract has no English data; install tesseract-ocr-{LANG}"
    return None


def require_tesseract(path: Path) -> None:
    """Raise ``OCRUnavailableError`` naming ``path`` when Tesseract cannot run."""
    problem = tesseract_problem()
    if problem:
        raise OCRUnavailableError(problem, path)


@contextmanager
def single_threaded() -> Iterator[None]:
    """Run Tesseract with ``OMP_THREAD_LIMIT=1`` (restored afterwards)."""
    old = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("OMP_THREAD_LIMIT", None)
        else:
            os.environ["OMP_THREAD_LIMIT"] = old


def load_page_image(task: PageTask) -> tuple[Image.Image, float | None]:
    """The page image of a task and its resolution in dpi (None: estimate from the image)."""
    if task.kind == "pdf":
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(task.path)
        try:
            page = doc[task.index]
            width, height = page.get_size()
            # PDF_RENDER_DPI, unless the page is so large that the bitmap would pass MAX_RENDER_PIXELS.
            scale = min(PDF_RENDER_DPI / 72, (MAX_RENDER_PIXELS / max(width * height, 1.0)) ** 0.5)
            bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=True)
            img = bitmap.to_pil().convert("L")
        finally:
            doc.close()
        return img, scale * 72
    with Image.open(task.path) as im:
        im.seek(task.index)
        im.load()
        img = im.copy()
        img.info = dict(im.info)
    return exif_upright(img), None


def recognise(img: Image.Image, options: OcrOptions = DEFAULT_OPTIONS) -> tuple[str, float | None]:
    """OCR one preprocessed page: its text and the mean word confidence (None: no words)."""
    import pytesseract

    data = pytesseract.image_to_data(
        img, lang=LANG, config=f"--psm {options.psm}", output_type=pytesseract.Output.DICT,
        timeout=PAGE_TIMEOUT_S,
    )
    blocks: list[list[list[list[str]]]] = []
    last: tuple[int, int, int] | None = None
    confs: list[float] = []
    for word, conf, block, par, line in zip(data["text"], data["conf"], data["block_num"], data["par_num"],
                                            data["line_num"], strict=True):
        word = (word or "").strip()
        if not word:
            continue
        confs.append(max(0.0, float(conf)))
        key = (block, par, line)
        if last is None or key[0] != last[0]:
            blocks.append([[[word]]])
        elif key[1] != last[1]:
            blocks[-1].append([[word]])
        elif key[2] != last[2]:
            blocks[-1][-1].append([word])
        else:
            blocks[-1][-1][-1].append(word)
        last = key
    text = "\n\n".join(
        "\n\n".join("\n".join(" ".join(words) for words in par) for par in block) for block in blocks
    )
    return text, (sum(confs) / len(confs) if confs else None)


def _upright(img: Image.Image) -> Image.Image | None:
    """The page turned upright when Tesseract's orientation detection finds it sideways or upside
    down, else None (upright already, or too little text to tell)."""
    import pytesseract

    try:
        osd = pytesseract.image_to_osd(img, config="--psm 0", timeout=PAGE_TIMEOUT_S)
    except (pytesseract.TesseractError, RuntimeError):
        return None  # too few characters to detect the orientation
    rotate = confidence = 0.0
    for line in osd.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "Rotate":
            rotate = float(value)
        elif key.strip() == "Orientation confidence":
            confidence = float(value)
    if not rotate % 360 or confidence < MIN_OSD_CONFIDENCE:
        return None
    # OSD gives the clockwise turn that makes the page upright; PIL turns counter-clockwise
    return img.rotate(-rotate, expand=True, fillcolor=255 if img.mode in ("L", "1") else None)


def ocr_page(task: PageTask) -> tuple[Page | None, str | None]:
    """Load, preprocess and OCR one page; returns (page, None) or (None, problem)."""
    import pytesseract

    try:
        img, dpi = load_page_image(task)
    except Exception as exc:  # noqa: BLE001 - reported as a one-line DocumentError by the caller
        return None, f"page {task.index + 1} cannot be decoded ({type(exc).__name__})"
    try:
        text, conf = recognise(preprocess(img, task.options, dpi), task.options)
        if conf is None or conf < ORIENT_CHECK_BELOW:
            turned = _upright(img)
            if turned is not None:
                text2, conf2 = recognise(preprocess(turned, task.options, dpi), task.options)
                if conf2 is not None and (conf is None or conf2 > conf):
                    text, conf = text2, conf2
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            return None, f"OCR of page {task.index + 1} timed out after {PAGE_TIMEOUT_S} s"
        return None, f"OCR of page {task.index + 1} failed ({type(exc).__name__})"
    except pytesseract.TesseractNotFoundError:
        return None, "tesseract-missing"
    except pytesseract.TesseractError as exc:
        return None, f"OCR of page {task.index + 1} failed (Tesseract status {exc.status})"
    return Page(text=text, ocr=True, confidence=conf), None


def _init_worker() -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"


def resolve_workers(workers: int) -> int:
    """``workers`` as a process count: 0 or less means all cores."""
    return workers if workers > 0 else (os.cpu_count() or 1)


def ocr_pages(tasks: Sequence[PageTask], path: Path, workers: int = 1, *, correct: bool = True) -> list[Page]:
    """OCR pages in order, on ``workers`` processes (in this process when 1 or a single page).

    With ``correct``, each page's text goes through the same-length post-correction of
    ``mednec.documents.correct`` (offsets unchanged).
    """
    require_tesseract(path)
    n = min(resolve_workers(workers), len(tasks))
    results: list[tuple[Page | None, str | None]]
    if n <= 1:
        with single_threaded():
            results = [ocr_page(task) for task in tasks]
    else:
        try:
            with ProcessPoolExecutor(max_workers=n, initializer=_init_worker) as pool:
                results = list(pool.map(ocr_page, tasks))
        except BrokenProcessPool as exc:
            raise DocumentError("an OCR worker process died", path) from exc
        except AssertionError:  # a daemonic worker of another pool cannot have children
            log.debug("cannot start OCR processes here; OCR of %s runs in this process", path.name)
            with single_threaded():
                results = [ocr_page(task) for task in tasks]
    pages: list[Page] = []
    for page, problem in results:
        if problem == "tesseract-missing":
            tesseract_problem.cache_clear()
            raise OCRUnavailableError(
                f"scanned document needs OCR but Tesseract is not installed; {INSTALL_HINT}", path)
        if page is None:
            raise DocumentError(problem or "OCR failed", path)
        pages.append(page)
    if correct:
        from mednec.documents.correct import correct_text

        fixed = 0
        for i, page in enumerate(pages):
            text, count = correct_text(page.text)
            fixed += count
            pages[i] = Page(text=text, ocr=True, confidence=page.confidence)
        log.info("%s: %d OCR post-correction(s)", path.name, fixed)
    return pages
