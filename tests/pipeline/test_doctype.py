"""Document type and date from header text."""

from __future__ import annotations

import datetime as dt

import pytest
from mednec.pipeline import infer_date, infer_type

TYPES = [
    ("MRI PELVIS WITH AND WITHOUT CONTRAST\n", "imaging"),
    ("SURGICAL PATHOLOGY REPORT\n", "pathology"),
    ("ORTHOPAEDIC ONCOLOGY - PREOPERATIVE CONSULTATION\n", "clinical_note"),
    ("Multidisciplinary Sarcoma Tumor Board\n", "tumor_board"),
    ("ELECTRODIAGNOSTIC CONSULTATION (EMG/NCS)\n", "other"),
    ("OPERATIVE REPORT\n", "operative"),
    ("PET/CT SKULL BASE TO MID-THIGH\n", "imaging"),
    ("INTERVENTIONAL RADIOLOGY PROCEDURE NOTE\n", "operative"),
]


@pytest.mark.parametrize(("text", "expected"), TYPES)
def test_type(text, expected):
    assert infer_type(text) == expected


DATES = [
    ("X\nDate of service: 02/14/2026\n", dt.date(2026, 2, 14)),
    ("X\nDOS: 2026-01-05\n", dt.date(2026, 1, 5)),
    ("X\nExam date: Jan 5, 2026\n", dt.date(2026, 1, 5)),
    ("X\nSigned 5 January 2026\n", dt.date(2026, 1, 5)),
]


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_date(text, expected):
    assert infer_date(text) == expected


def test_date_from_file_name_when_text_has_none():
    assert infer_date("no date here", "mri_pelvis_2025-10-20.txt") == dt.date(2025, 10, 20)
