"""Page image preprocessing before OCR: grayscale, upscaling, deskew, binarisation, despeckle.

Each step can be switched on or off (``OcrOptions``) so ``benchmarks/ocr_bench.py`` can
measure what it does to character error rate and speed; ``DEFAULT_OPTIONS`` keeps the
steps that measurably helped on faxed 200-dpi pages (see the benchmark's report).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from PIL import Image, ImageFilter, ImageOps

LETTER_WIDTH_IN = 8.5
TARGET_DPI = 300


@dataclass(frozen=True)
class OcrOptions:
    """Which preprocessing steps run, and the Tesseract page segmentation mode."""

    grayscale: bool = True   # convert to 8-bit grey (transparency flattened on white)
    upscale: bool = False    # resample pages under ``upscale_below`` dpi to TARGET_DPI
    deskew: bool = True      # estimate the skew from row profiles and rotate it away
    binarize: bool = False   # global Otsu threshold (Tesseract thresholds internally too)
    despeckle: bool = True   # 3x3 median filter (pages of ``despeckle_min_dpi`` and up)
    upscale_below: int = 150
    despeckle_min_dpi: int = 150  # below it, a median filter erases 1-2 pixel strokes
    psm: int = 3

    def but(self, **changes: object) -> OcrOptions:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


DEFAULT_OPTIONS = OcrOptions()


def estimate_dpi(img: Image.Image) -> float:
    """Resolution from the file's metadata, else from the width of a US Letter page."""
    dpi = img.info.get("dpi")
    if isinstance(dpi, tuple) and dpi and 50 <= float(dpi[0]) <= 1200:
        return float(dpi[0])
    return max(50.0, min(1200.0, img.width / LETTER_WIDTH_IN))


def to_gray(img: Image.Image) -> Image.Image:
    """8-bit grey, with any alpha channel composited on white."""
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        flat.alpha_composite(rgba)
        img = flat
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img, dtype=np.float64)
        top = arr.max() or 1.0
        return Image.fromarray(np.clip(arr * (255.0 / top), 0, 255).astype(np.uint8), "L")
    return img.convert("L")


def otsu_threshold(gray: np.ndarray) -> int:
    """Otsu's global threshold of an 8-bit grey array: levels up to it are ink."""
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    if total == 0:
        return 128
    levels = np.arange(256)
    weight_bg = np.cumsum(hist)
    weight_fg = total - weight_bg
    mean_bg = np.cumsum(hist * levels)
    mean_all = mean_bg[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean_all * weight_bg / total - mean_bg) ** 2 / (weight_bg * weight_fg)
    between = np.nan_to_num(between)
    return int(np.argmax(between))


def _profile_score(ink: Image.Image, angle: float) -> float:
    turned = ink.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0)
    rows = np.asarray(turned, dtype=np.float64).sum(axis=1)
    return float(np.square(np.diff(rows)).sum())


def skew_angle(img: Image.Image, max_angle: float = 5.0) -> float:
    """Skew of the text lines in degrees (counter-clockwise positive), from row profiles.

    The page is shrunk to about 100 dpi, thresholded, and rotated over a coarse then a
    fine grid of angles; the angle whose row profile has the sharpest line edges wins.
    """
    gray = to_gray(img)
    factor = max(1, round(gray.width / 850))
    small = gray.reduce(factor) if factor > 1 else gray
    arr = np.asarray(small)
    ink = Image.fromarray(np.where(arr <= otsu_threshold(arr), 255, 0).astype(np.uint8), "L")
    coarse = np.arange(-max_angle, max_angle + 1e-9, 0.5)
    best = max(coarse, key=lambda a: _profile_score(ink, float(a)))
    fine = np.arange(best - 0.4, best + 0.4 + 1e-9, 0.1)
    return -float(max(fine, key=lambda a: _profile_score(ink, float(a))))


def deskew(img: Image.Image, min_angle: float = 0.15) -> Image.Image:
    """Rotate the page so its text lines are horizontal (no-op under ``min_angle`` degrees)."""
    angle = skew_angle(img)
    if abs(angle) < min_angle:
        return img
    base = img if img.mode in ("L", "RGB") else img.convert("L")
    fill = 255 if base.mode == "L" else (255, 255, 255)
    # Bicubic even for a bilevel fax: measured better than nearest neighbour (the grey
    # edges it leaves are then smoothed by the median filter and thresholded by Tesseract).
    return base.rotate(-angle, resample=Image.Resampling.BICUBIC, fillcolor=fill, expand=False)


def preprocess(img: Image.Image, options: OcrOptions = DEFAULT_OPTIONS,
               dpi: float | None = None) -> Image.Image:
    """Apply the enabled preprocessing steps to one page image."""
    dpi = dpi or estimate_dpi(img)
    if options.grayscale:
        img = to_gray(img)
    elif img.mode not in ("1", "L", "RGB"):
        img = img.convert("RGB")
    if options.upscale and dpi < options.upscale_below:
        factor = TARGET_DPI / dpi
        dpi = float(TARGET_DPI)
        size = (round(img.width * factor), round(img.height * factor))
        if img.mode == "1":
            img = img.resize(size, Image.Resampling.NEAREST)
        else:
            img = img.resize(size, Image.Resampling.LANCZOS)
    if options.deskew:
        img = deskew(img)
    if options.despeckle and dpi >= options.despeckle_min_dpi:
        img = (img if img.mode in ("L", "RGB") else img.convert("L")).filter(ImageFilter.MedianFilter(3))
    if options.binarize:
        gray = np.asarray(to_gray(img))
        img = Image.fromarray(np.where(gray <= otsu_threshold(gray), 0, 255).astype(np.uint8), "L")
    return img


def exif_upright(img: Image.Image) -> Image.Image:
    """Apply a camera's EXIF orientation tag (photos of pages)."""
    try:
        return ImageOps.exif_transpose(img) or img
    except Exception:  # noqa: BLE001 - a broken EXIF block must not stop OCR
        return img
