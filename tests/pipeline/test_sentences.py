"""Clinical sentence splitting: headers, numbered lists, abbreviations, wrapped lines."""

from __future__ import annotations

import pytest

CASES = [
    ("IMPRESSION:\n1. Mass of the left ilium.\n2. No fracture.",
     ["IMPRESSION:", "1. Mass of the left ilium.", "2. No fracture."]),
    ("Seen by Dr. Smith today. Pain improved.", ["Seen by Dr. Smith today.", "Pain improved."]),
    ("The lesion measures 3.6 cm. It abuts the roof.", ["The lesion measures 3.6 cm.", "It abuts the roof."]),
    ("Findings: the mass extends\ninto the sacrum. No fracture.",
     ["Findings: the mass extends\ninto the sacrum.", "No fracture."]),
    ("PLAN\nEn bloc resection\nIVC filter", ["PLAN", "En bloc resection", "IVC filter"]),
    ("Patient K. M. returns; doing well.", ["Patient K. M. returns; doing well."]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_sentences(nlp, text, expected):
    doc = nlp(text)
    assert [s.text.strip() for s in doc.sents if s.text.strip()] == expected
