"""Scanned page images (``.png .jpg .jpeg .tif .tiff``, multi-page TIFF included): OCR.

Every frame of the file is a page. The file is decoded completely here first, so a
truncated or corrupt image is refused with a ``DocumentError`` before any OCR starts;
the OCR workers then reopen it and take their frame.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from mednec.core.errors import DocumentError
from mednec.documents.base import MAX_PAGES, Page
from mednec.documents.ocr import PageTask, ocr_pages, require_tesseract
from mednec.documents.preprocess import DEFAULT_OPTIONS, OcrOptions


def count_frames(path: Path) -> int:
    """Decode every frame of an image file; return the frame count or raise ``DocumentError``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                frames = int(getattr(im, "n_frames", 1) or 1)
                if frames > MAX_PAGES:
                    raise DocumentError(f"image has {frames} pages, over the {MAX_PAGES}-page limit", path)
                for index in range(frames):
                    im.seek(index)
                    im.load()
    except DocumentError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise DocumentError("image is too large (pixel count over the decompression limit)", path) from exc
    except UnidentifiedImageError as exc:
        raise DocumentError("not a readable image (unknown or corrupt format)", path) from exc
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
        raise DocumentError(f"corrupt or truncated image ({_reason(exc)})", path) from exc
    return frames


def _reason(exc: BaseException) -> str:
    text = str(exc).split("\n")[0].strip()
    return text[:80] if text and len(text) < 120 else type(exc).__name__


def load_image(path: Path, *, workers: int = 1, options: OcrOptions = DEFAULT_OPTIONS,
               correct: bool = True) -> list[Page]:
    """OCR every page of an image file."""
    frames = count_frames(path)
    require_tesseract(path)
    tasks = [PageTask("image", str(path), index, options) for index in range(frames)]
    return ocr_pages(tasks, path, workers, correct=correct)
