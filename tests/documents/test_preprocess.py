"""Page preprocessing: skew estimate, thresholds, colour handling (no Tesseract needed)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from mednec.documents.metrics import cer, edit_distance
from mednec.documents.preprocess import (
    DEFAULT_OPTIONS,
    estimate_dpi,
    otsu_threshold,
    preprocess,
    skew_angle,
    to_gray,
)

from .conftest import PAGE_ONE, page_image


@pytest.mark.parametrize("angle", [-2.5, -0.8, 0.0, 1.2, 3.0])
def test_skew_angle(angle: float) -> None:
    page = page_image(PAGE_ONE * 6).rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    assert skew_angle(page) == pytest.approx(angle, abs=0.2)


def test_otsu_splits_ink_from_paper() -> None:
    values = np.array([20] * 100 + [230] * 900, dtype=np.uint8)
    assert 20 <= otsu_threshold(values) < 230
    assert otsu_threshold(np.array([0] * 10 + [255] * 90, dtype=np.uint8)) == 0  # bilevel: ink is level 0


def test_transparent_page_becomes_white_grey() -> None:
    rgba = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    assert to_gray(rgba).getextrema() == (255, 255)


def test_dpi_from_metadata_or_width() -> None:
    img = Image.new("L", (1700, 2200), 255)
    assert estimate_dpi(img) == pytest.approx(200)
    img.info["dpi"] = (300, 300)
    assert estimate_dpi(img) == 300


def test_preprocess_keeps_page_size() -> None:
    page = page_image(PAGE_ONE, mode="1")
    out = preprocess(page, DEFAULT_OPTIONS)
    assert out.size == page.size and out.mode == "L"


def test_cer() -> None:
    assert edit_distance("kitten", "sitting") == 3
    assert cer("the  left\nhip", "the left hip") == 0.0
    assert cer("", "abcd") == 1.0
