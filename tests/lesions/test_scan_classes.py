"""Classes found by the scanned-packet benchmark (a packet decided otherwise than its text version),
each in our own words: a sentence whose subject is left out ("Cannot be excluded.") hedges the relation
the sentence before states, also where a wrapped line was capitalised by OCR and split off.
"""

from __future__ import annotations

import pytest


def _nerve(facts):
    return [f for f in facts if f.kind == "nerve" and f.concept == "sciatic_nerve" and f.relation == "contact"]


@pytest.mark.parametrize(("text", "uncertain"), [
    # a wrapped line capitalised by OCR, read as a sentence of its own
    ("IMPRESSION:\n4. Soft tissue approaches the right greater sciatic notch;\nextension into the notch or contact "
     "with the right sciatic nerve\nCannot be excluded. Thin-section CT could clarify this.\n", True),
    # the subject left out after a full stop
    ("IMPRESSION:\nContact with the right sciatic nerve. Cannot be excluded.\n", True),
    ("IMPRESSION:\nContact with the right sciatic nerve. Not confirmed, given the artifact.\n", True),
    ("IMPRESSION:\nContact with the right sciatic nerve. Can be neither confirmed nor excluded on this study.\n",
     True),
    # ...the hedge says why in words of its own
    ("IMPRESSION:\nContact with the right sciatic nerve. Cannot be excluded due to susceptibility artifact.\n",
     True),
    # a sentence that opens on a hedge and goes on to name its own subject is about that subject
    ("IMPRESSION:\nContact with the right sciatic nerve. Indeterminate 4 mm liver lesion.\n", False),
    # a sentence of its own, affirmed, stays affirmed
    ("IMPRESSION:\nContact with the right sciatic nerve at the notch.\nNo other lesion.\n", False),
])
def test_a_subjectless_hedge_speaks_of_the_sentence_before(facts_of, text, uncertain):
    got = _nerve(facts_of(text))
    assert got, text
    assert all(f.assertion.uncertain == uncertain for f in got), [f.assertion for f in got]
