"""Classes found by the blind37 batch (first run 0.909 / 0), each in our own words: a laboratory named
with its place types a pathology report, a
sacral ala osteotomy (Enneking type IV) is a sacral resection, and a sentence that replaces a statement
quotes the hedge it retracts.
"""

from __future__ import annotations

import pytest

from tests.lesions.charts import FAMILY_B, outcomes, write_case

B_MRI = "mri_2026-01-28.txt"


@pytest.mark.parametrize(("text", "doc_type"), [
    ("Pg 1 of 1   -- FAX --   RIVERSIDE BONE & SOFT TISSUE PATHOLOGY, PUNE   15-01-26\nCONSULTATION (SECOND "
     "OPINION) REPORT\nMaterial received: 2 blocks, 3 H&E slides\nFINAL OPINION: Fibrous dysplasia.\n", "pathology"),
    # ...a clinic whose letterhead names no laboratory stays a note
    ("RIVERSIDE ORTHOPAEDIC CLINIC, PUNE\nCONSULTATION NOTE\nPain in the right hip.\n", "clinical_note"),
])
def test_a_laboratory_named_with_its_place(text, doc_type):
    from mednec.pipeline.doctype import infer_type

    assert infer_type(text) == doc_type


@pytest.mark.parametrize("plan", [
    "Plan: en bloc internal hemipelvectomy, Enneking-Dunham type I + II + IV, with wide margins.",
    "Plan: en bloc resection of the ilium with a lateral sacral ala osteotomy, wide margins.",
])
def test_a_sacral_ala_osteotomy_is_a_sacral_resection(facts_of, plan):
    assert any(f.kind == "plan" and f.category == "sacral_resection" for f in facts_of(plan, "clinical_note"))


MRI = ("MRI LUMBAR SPINE\nDate of service: 01/28/2026\nFINDINGS: Enhancing lesion replaces the L3 vertebral body with "
       "epidural extension compressing the thecal sac. There is a pathologic compression fracture of L3.\n"
       "IMPRESSION: L3 metastasis with epidural extension. Possible intradural extension.\n")


@pytest.mark.parametrize(("addendum", "b2"), [
    # the addendum replaces the hedged statement: its own words stand, unhedged
    ("ADDENDUM: There is no intradural tumor. The L3 lesion is entirely extradural. This addendum replaces the "
     "impression's statement about possible intradural extension.\n", "met"),
    # ...a sentence that does hedge the addendum's reading leaves it open
    ("ADDENDUM: There is no intradural tumor. The L3 lesion is entirely extradural. This may represent a dural "
     "tail; an intradural component is possible.\n", "insufficient"),
])
def test_an_addendum_that_replaces_a_statement(reviewer, tmp_path, addendum, b2):
    docs = {**FAMILY_B, B_MRI: MRI + addendum}
    got = outcomes(reviewer, write_case(tmp_path, "b", ["63303"], docs))
    assert got["63303"][1]["B2"] == b2, got
