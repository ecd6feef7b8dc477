"""Classes found by the blind44 batch (first run 0.743 / 2 false approvals), each in our own words, with
rows where the outcome must not move.
"""

from __future__ import annotations

import pytest

from tests.lesions.charts import FAMILY_B, FAMILY_C, outcomes, write_case

# ---- a relation the study calls not assessable is open ---------------------------------------------------

@pytest.mark.parametrize(("said", "c1"), [
    ("Relation of the tumour to the left sciatic nerve not assessable on this examination.", "insufficient"),
    ("The relationship of the mass to the left sciatic nerve is not evaluable because of motion.", "insufficient"),
    ("The mass abuts the left sciatic nerve at the notch.", "met"),
])
def test_a_relation_not_assessable_is_open(reviewer, tmp_path, said, c1):
    mri = ("MRI PELVIS\nDate of service: 03/01/2026\nFINDINGS: 7 cm soft tissue mass in the left gluteal region. "
           f"{said}\nIMPRESSION: Left gluteal mass.\n")
    got = outcomes(reviewer, write_case(tmp_path, "c", ["64712-LT"], {**FAMILY_C, "mri_2026-03-01.txt": mri}))
    assert got["64712"][1]["C1"] == c1, got


# ---- a block carried forward from an earlier note, between its marks, was true then ----------------------

@pytest.mark.parametrize(("block", "b4"), [
    ("<<Copied forward from 08/21/2025 H&P - review and edit>>\n  Performance status: ECOG 1.\n  Prognosis: more "
     "than 2 years expected.\n<<end copied text>>\nCurrent: non-ambulatory from pain; oncology to update the "
     "prognosis after restaging.", "insufficient"),
    # the same words as this note's own
    ("Performance status: ECOG 1.\nPrognosis: more than 2 years expected.", "met"),
])
def test_a_copied_forward_block_is_history(reviewer, tmp_path, block, b4):
    note = ("SPINE SURGERY CONSULT\nDate of service: 02/05/2026\nBilateral leg weakness 4/5 and intractable pain.\n"
            f"{block}\nPlan: L3 corpectomy with posterior stabilization.\n")
    got = outcomes(reviewer, write_case(tmp_path, "b", ["63303"], {**FAMILY_B, "note_2026-02-05.txt": note}))
    assert got["63303"][1]["B4"] == b4, got
