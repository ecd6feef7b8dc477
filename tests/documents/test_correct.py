"""OCR post-correction: only same-length swaps into known terms, offsets unchanged."""

from __future__ import annotations

import random

import pytest

from mednec.documents.correct import correct_text, lexicon


@pytest.mark.parametrize(
    ("ocr", "fixed"),
    [
        ("the left LS nerve root", "the left L5 nerve root"),
        ("LS-S1 disc", "L5-S1 disc"),
        ("L4-LS", "L4-L5"),
        ("lateral $1-s2 segments", "lateral S1-S2 segments"),
        ("the left L5, SI and S2 nerve roots", "the left L5, S1 and S2 nerve roots"),
        ("Sl nerve root", "S1 nerve root"),
        ("Tl and T2 FS", "T1 and T2 FS"),
        ("L5-51", "L5-S1"),
        ("abuts the acetabu1ar roof", "abuts the acetabular roof"),
        ("ACETABU1AR ROOF", "ACETABULAR ROOF"),
        ("No intradura! or leptomeningeal enhancement.", "No intradural or leptomeningeal enhancement."),
        ("0steosarcoma", "osteosarcoma"),
        ("1eft hip", "left hip"),
        ("5ciatic nerve", "sciatic nerve"),
        ("sciatlc nerve", "sciatic nerve"),
        ("lumbosacra1 p1exus", "lumbosacral plexus"),
        ("centered in the 54 and $5 segments", "centered in the S4 and S5 segments"),
        ("S4 and 55 nerve roots", "S4 and S5 nerve roots"),
    ],
)
def test_corrections(ocr: str, fixed: str) -> None:
    text, count = correct_text(ocr)
    assert text == fixed and count >= 1


@pytest.mark.parametrize(
    "text",
    [
        "SI joint pain", "LS spine films", "Cl 102 mmol/L", "age 51", "$2 copay", "TB test negative",
        "fall risk", "the TB clinic", "left: Si. and $2 neural", "T8 vertebra", "L5 5/5 strength",
        "Sacroiliac joint", "Ewing sarcoma", "S1 and S2", "In 2019 she had PT",
        "L5, 51 years old", "age 51 and L5", "S4 and 55 mm", "between 3 and 5 cycles",
        "the S$ segment", "IS nerve root", "Great news! The tumor is gone!", "Pain!",
    ],
)
def test_left_alone(text: str) -> None:
    assert correct_text(text) == (text, 0)


def test_length_and_offsets_preserved() -> None:
    rng = random.Random(7)
    alphabet = "lI1|iO0oS5s$B8 -,./LTCacetabulrsionf\n"
    terms = sorted(lexicon().terms)
    for _ in range(300):
        parts = [rng.choice(terms) if rng.random() < 0.3 else "".join(rng.choice(alphabet) for _ in range(6))
                 for _ in range(8)]
        text = " ".join(parts)
        fixed, _ = correct_text(text)
        assert len(fixed) == len(text)
        for a, b in zip(text, fixed, strict=True):
            assert a == b or {a, b} <= set("lI1|iLO0oS5s$B8")


@pytest.mark.parametrize(("text", "fixed"), [
    # a sacral segment is no joint: "S1 joint" is OCR's SI joint; "S1 nerve root" stays a level
    ("Tumor abuts the right S1 joint.", "Tumor abuts the right SI joint."),
    ("Tumor abuts the right S1 nerve root.", "Tumor abuts the right S1 nerve root."),
    # a speck read as "!" inside a sentence would end it: it is read as a space (same length)
    ("Pubis: Normal! marrow signal in the rami.", "Pubis: Normal  marrow signal in the rami."),
    ("Staging: Normal! No metastases.", "Staging: Normal! No metastases."),
    # a capital I read as a backslash: losing "If" would turn a condition into a statement
    ("2. \\f the study supports a focal neuropathy, neurolysis.", "2. If the study supports a focal neuropathy, "
                                                                   "neurolysis."),
    ("Path: C:\\temp is no word.", "Path: C:\\temp is no word."),
])
def test_reverse_level_slip_and_stray_marks(text: str, fixed: str) -> None:
    assert correct_text(text)[0] == fixed
