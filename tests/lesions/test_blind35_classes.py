"""Classes found by the blind35 batch, each in our own words on a small chart: a plan denied by any
planning predicate, a plan stated before its condition and the other branch of a condition, two
readings a study cannot tell apart, a property stated of a class of diseases, a board that defers the
operation a requester's letter plans, a duration of what a treatment did, a course from a named month
to a date, a pathology report with no headings, and a staging the chart says is still to come.

Each row edits an approving chart (tests/lesions/charts.py) and names the outcome and statuses the
edit must give; a paired row shows the outcome moves only when the meaning does.
"""

from __future__ import annotations

import pytest

from tests.lesions.charts import FAMILY_A, FAMILY_C, edit, outcomes, write_case

A_NOTE, A_PATH, A_CT = "note_2026-01-20.txt", "path_2026-01-05.txt", "ct_2026-01-03.txt"
C_NOTE, C_PATH = "note_2026-03-10.txt", "path_2026-03-05.txt"
C_PLAN = "the sciatic nerve will be preserved.\n"


@pytest.mark.parametrize(("plan", "outcome"), [
    # a sacrifice denied after it, by any verb of planning: the preservation stands
    ("the sciatic nerve will be freed and preserved; resection of the nerve is not contemplated.\n", "approve"),
    ("the sciatic nerve will be freed and preserved; resection of the nerve is not warranted.\n", "approve"),
    # ...the same sacrifice affirmed: the plan takes the nerve
    ("the sciatic nerve will be freed and preserved; resection of the nerve is intended.\n", "refer"),
    # both branches of a condition are plans only in their case: neither decides
    ("neurolysis and preservation if a plane is found at operation, otherwise resection of the nerve with "
     "the specimen.\n", "pend"),
    ("the nerve will be preserved if a dissection plane is found.\n", "pend"),
])
def test_a_plan_is_read_with_its_denial_and_its_condition(reviewer, tmp_path, plan, outcome):
    docs = edit(FAMILY_C, C_NOTE, C_PLAN, plan)
    got = outcomes(reviewer, write_case(tmp_path, "c", ["64712-LT"], docs))
    assert got["64712"][0] == outcome, got


@pytest.mark.parametrize("sentence", [
    # a study that cannot tell two readings apart leaves both open (not a denial of the tumor)
    "The sacral side of the joint: these images cannot separate tumor from reactive marrow change in the left "
    "sacral ala.",
    "The sacral side of the joint: these images cannot reliably distinguish tumor from edema in the left sacral ala.",
    "The sacral side of the joint: we are unable to differentiate tumor from edema in the left sacral ala.",
])
def test_two_readings_a_study_cannot_part_stay_open(nlp, sentence):
    from mednec.context_check import assess

    span = assess(nlp, sentence, "tumor")
    assert span._.is_uncertain and not span._.is_negated, [m.rule.literal for m in span._.modifiers]


@pytest.mark.parametrize(("sentence", "phrase", "hypothetical"), [
    ("An IDH1 mutation is present, which occurs in both enchondroma and chondrosarcoma.", "chondrosarcoma", True),
    ("This pattern is seen in many sarcomas and in lymphoma.", "lymphoma", True),
    # a finding seen in the patient's own bone is no class statement
    ("Tumor is seen in the left ilium.", "left ilium", False),
])
def test_a_property_of_a_class_of_diseases_asserts_none(nlp, sentence, phrase, hypothetical):
    from mednec.context_check import assess

    assert assess(nlp, sentence, phrase)._.is_hypothetical is hypothetical


def test_a_class_statement_in_a_consult_does_not_confirm_malignancy(reviewer, tmp_path):
    path = ("SURGICAL PATHOLOGY CONSULTATION\nDate of service: 01/05/2026\nSpecimen: left iliac bone, core biopsy.\n"
            "DIAGNOSIS: Enchondroma. No evidence of chondrosarcoma.\nCOMMENT: An IDH1 mutation is present, which "
            "occurs in both enchondroma and chondrosarcoma and does not tell them apart.\n")
    docs = {**FAMILY_A, A_PATH: path}
    got = outcomes(reviewer, write_case(tmp_path, "a", ["27076-LT"], docs))
    assert got["27076"][1]["A1"] == "not_met", got


LETTER = ("LETTER OF MEDICAL NECESSITY\nDate of service: 03/12/2026\nI plan wide resection of the left gluteal "
          "sarcoma; I will free the sciatic nerve from the tumor and preserve it.\n")


@pytest.mark.parametrize(("board", "status"), [
    # the chart's board defers the operation the letter plans: the letter's nerve plan decides nothing
    ("TUMOR BOARD\nDate of service: 03/20/2026\nRecommendation: continue systemic therapy. Resection with "
     "neurolysis of the sciatic nerve may be considered later if the tumor progresses.\n", "insufficient"),
    # ...a board that plans the operation outright leaves the letter's nerve plan standing
    ("TUMOR BOARD\nDate of service: 03/20/2026\nRecommendation: wide resection of the left gluteal sarcoma with "
     "neurolysis of the sciatic nerve.\n", "met"),
])
def test_a_board_that_defers_the_operation_outweighs_the_letter(reviewer, tmp_path, board, status):
    docs = {k: v for k, v in FAMILY_C.items() if k != C_NOTE}
    docs = {**docs, "letter.txt": LETTER, "board.txt": board}
    got = outcomes(reviewer, write_case(tmp_path, "c", ["64712-LT"], docs))
    assert got["64712"][1]["C2"] == status, got


@pytest.mark.parametrize(("sentence", "weeks"), [
    # how long an injection helped is not how long therapy was given; each course from its own start
    ("Conservative care: physiotherapy since September 2025, pregabalin since October 2025, and a steroid "
     "injection on 11/25/2025 that helped for about ten days.", 20.0),
    # a course from a named month to a date (from the month's last day: the shortest course the words allow)
    ("Supervised physical therapy twice weekly from November 2025 through 01/23/2026.", 7.6),
])
def test_a_course_runs_from_its_own_start(nlp, sentence, weeks):
    import datetime as dt

    from mednec.pipeline import extract_facts

    facts = extract_facts(nlp(sentence), "note.txt", "clinical_note", dt.date(2026, 1, 20))
    therapy = [f for f in facts if f.kind == "therapy" and f.category == "physical_therapy"]
    assert therapy and therapy[0].weeks == pytest.approx(weeks, abs=0.2), [(f.concept, f.weeks) for f in facts]


@pytest.mark.parametrize(("path", "status"), [
    # a report with no headings states its diagnosis under none
    ("SURGICAL PATHOLOGY  S26-0011   Collected 01/05/2026\nLeft iliac bone, core biopsy:\n  HIGH-GRADE "
     "OSTEOSARCOMA.\nPathologist: A. Reader, MD\n", "met"),
    ("SURGICAL PATHOLOGY  S26-0011   Collected 01/05/2026\nLeft iliac bone, core biopsy:\n  CARTILAGINOUS "
     "LESION, FAVOR OSTEOSARCOMA.\nPathologist: A. Reader, MD\n", "insufficient"),
])
def test_a_pathology_report_without_headings_states_its_diagnosis(reviewer, tmp_path, path, status):
    docs = {**FAMILY_A, A_PATH: path}
    got = outcomes(reviewer, write_case(tmp_path, "a", ["27076-LT"], docs))
    assert got["27076"][1]["A1"] == status, got


STAGED_BY_NOTE = "Staging CT chest shows no metastatic disease.\n"


@pytest.mark.parametrize(("staging", "status"), [
    # a relayed negative staging while the chart says the study is still to come
    ("Localised per the referring team; the staging CT chest reports have not been sent. CT thorax booked for "
     "02/02/2026.\n", "insufficient"),
    ("Localised per the referring team. We still have no chest CT in hand.\n", "insufficient"),
    # ...the same staging with its study's result in the clause
    ("Localised per the referring team; staging CT chest ordered 01/10/2026 and was negative.\n", "met"),
])
def test_a_staging_still_to_come_does_not_stage(reviewer, tmp_path, staging, status):
    docs = {k: v for k, v in FAMILY_A.items() if k != A_CT}
    docs = edit(docs, A_NOTE, STAGED_BY_NOTE, staging)
    got = outcomes(reviewer, write_case(tmp_path, "a", ["27076-LT"], docs))
    assert got["27076"][1]["A5"] == status, got


def test_the_study_report_itself_still_stages(reviewer, tmp_path):
    # the CT report in the chart states its own result, whatever a note says was pending before it
    docs = edit(FAMILY_A, A_NOTE, STAGED_BY_NOTE, "Localised per the referring team; CT thorax booked.\n")
    docs = {**docs, A_CT: FAMILY_A[A_CT].replace("01/03/2026", "01/25/2026")}
    got = outcomes(reviewer, write_case(tmp_path, "a", ["27076-LT"], docs))
    assert got["27076"][1]["A5"] == "met", got


@pytest.mark.parametrize(("sentence", "levels"), [
    # sequence names before a signal word are no vertebrae
    ("A 14 mm T1 and T2 hyperintense focus in L4, a haemangioma.", [("L4",)]),
    ("Lesion is T1- and T2-weighted bright in the L4 body.", [("L4",)]),
    # ...the same names with a vertebral word, or as a range, are levels
    ("The T1 and T2 vertebrae are normal.", [("T1", "T2")]),
    ("Posterior fixation from T1 to T4.", [("T1", "T2", "T3", "T4")]),
])
def test_sequence_names_are_no_levels(facts_of, sentence, levels):
    found = [f.levels for f in facts_of(sentence) if f.concept == "spinal_level"]
    assert found == levels
