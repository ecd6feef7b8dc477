"""Classes found by the blind36 batch, each in our own words on a small chart: a radiology report's
"Assessment" is its impression, a sentence that offers a non-tumor reading hedges the one before, a
structure "free of" a named histology, a state "until last week", a prognosis by its label, the other
compartment for an intradural code, an inverted condition ("Should the nerve prove encased"), courses
counted ahead in a plan, a wrapped line is no sub-heading, a nerve's own injury is no tumor, and a
lung wedge that finds no metastasis stages the case.

Each row edits an approving chart (tests/lesions/charts.py) and names the outcome and statuses the
edit must give; a paired row shows the outcome moves only when the meaning does.
"""

from __future__ import annotations

import pytest

from tests.lesions.charts import FAMILY_A, FAMILY_B, FAMILY_C, edit, outcomes, write_case

A_MRI, A_NOTE, A_CT = "mri_2026-01-02.txt", "note_2026-01-20.txt", "ct_2026-01-03.txt"
B_MRI, B_NOTE = "mri_2026-01-28.txt", "note_2026-02-05.txt"
C_MRI = "mri_2026-03-01.txt"
C_FINDING = "The mass abuts the left sciatic nerve at the notch."
C_IMPRESSION = "IMPRESSION: Left gluteal mass abutting the sciatic nerve.\n"


@pytest.mark.parametrize(("after", "impression", "status"), [
    # a sentence that states nothing of its own and offers a non-tumor reading, left open
    (" A partial volume effect cannot be reliably delimited here.", "IMPRESSION: Left gluteal mass.\n", "insufficient"),
    (" Thin sections confirm it.", "IMPRESSION: Left gluteal mass.\n", "met"),
    # ...a sentence that hedges which tumor it is hedges no extent
    (" Rapid growth and necrosis raise concern for malignant transformation; MPNST cannot be excluded.",
     "IMPRESSION: Left gluteal mass.\n", "met"),
    # a radiology report's "Assessment:" is its impression: its hedge reads the body again
    ("", "Assessment:\n1. Left gluteal mass.\n2. Contact to the left sciatic nerve questionable.\n", "insufficient"),
    ("", "Assessment:\n1. Left gluteal mass abutting the left sciatic nerve.\n", "met"),
])
def test_a_reading_left_open_reaches_back(reviewer, tmp_path, after, impression, status):
    docs = edit(edit(FAMILY_C, C_MRI, C_FINDING, C_FINDING + after), C_MRI, C_IMPRESSION, impression)
    got = outcomes(reviewer, write_case(tmp_path, "c", ["64712-LT"], docs))
    assert got["64712"][1]["C1"] == status, got


@pytest.mark.parametrize(("sentence", "negated"), [
    ("The proximal left femur, including the greater trochanter, is free of chondrosarcoma.", True),
    ("The greater trochanter is free of metastatic carcinoma.", True),
    ("The greater trochanter is involved by chondrosarcoma.", False),
])
def test_a_structure_free_of_a_named_histology(nlp, sentence, negated):
    from mednec.context_check import assess

    assert assess(nlp, sentence, "greater trochanter", "SITE")._.is_negated is negated


@pytest.mark.parametrize(("performance", "outcome"), [
    # a score "until last week" is no longer the score; the prognosis stands under its label
    ("ECOG 1 until last week; KPS today 40. Prognosis: we would estimate her remaining time in weeks, "
     "probably under two months.", "refer"),
    ("ECOG 1. Prognosis: we would estimate her remaining time in years.", "approve"),
    # ...a time that dates something else beside the score leaves it current
    ("ECOG 1 (working from home until 3 weeks ago). Prognosis: we would estimate her remaining time in years.",
     "approve"),
])
def test_a_past_state_and_a_labelled_prognosis(reviewer, tmp_path, performance, outcome):
    docs = edit(FAMILY_B, B_NOTE, "ECOG 1. Expected survival more than 12 months.", performance)
    got = outcomes(reviewer, write_case(tmp_path, "b", ["63303"], docs))
    assert got["63303"][0] == outcome, got


@pytest.mark.parametrize(("compartment", "status"), [
    # a tumor outside the thecal sac is in the other compartment of an intradural code
    ("In the canal the tumor lies outside the thecal sac; the dura is intact.", "not_met"),
    # ...an intradural part left open leaves it open
    ("In the canal the tumor lies outside the thecal sac; possible intradural extension.", "insufficient"),
])
def test_the_other_compartment_of_an_intradural_code(reviewer, tmp_path, compartment, status):
    docs = edit(FAMILY_B, B_MRI, "No intradural abnormality.", compartment)
    got = outcomes(reviewer, write_case(tmp_path, "b", ["63307"], docs))
    assert got["63307"][1]["B2"] == status, got


@pytest.mark.parametrize(("plan", "a4", "a5"), [
    # courses counted ahead in a plan are not courses given; an inverted condition plans nothing yet
    ("Plan:\n- MAP course 1 started last week.\n- Local control at week 10, after 2 courses of MAP: en bloc "
     "resection with wide margins of the left ilium and acetabulum, curative intent.\n- Should the sciatic "
     "nerve prove encased at restaging, external hemipelvectomy will be re-discussed.\n", "insufficient", "met"),
    ("She completed 3 cycles of neoadjuvant cisplatin and doxorubicin.\nPlan: en bloc resection with wide margins "
     "of the left ilium and acetabulum, with curative intent.\n", "met", "met"),
])
def test_a_plan_counts_ahead_and_conditions(reviewer, tmp_path, plan, a4, a5):
    note = ("ORTHOPAEDIC ONCOLOGY CONSULT\nDate of service: 01/20/2026\nStaging CT chest shows no metastatic "
            "disease.\n" + plan)
    got = outcomes(reviewer, write_case(tmp_path, "a", ["27076-LT"], {**FAMILY_A, A_NOTE: note}))
    assert (got["27076"][1]["A4"], got["27076"][1]["A5"]) == (a4, a5), got


def test_a_wrapped_line_is_no_sub_heading(facts_of):
    text = ("Findings:\nMixed sclerotic and osteolytic tumour with marrow\nreplacement of practically the whole "
            "left hemipelvis: the iliac wing, the acetabulum and the ischium.\n")
    whole = [f for f in facts_of(text, "imaging") if f.concept == "whole_innominate_bone"]
    assert whole and whole[0].relation == "involve", whole


@pytest.mark.parametrize(("sentence", "tumor"), [
    # a lesion named by the mechanism of the nerve's injury is the nerve's, not a tumor beside it
    ("Nerve conduction studies show a compression lesion of the left sciatic nerve at the notch.", False),
    ("MRI shows a lesion encasing the left sciatic nerve at the notch.", True),
])
def test_a_nerve_injury_is_no_tumor(facts_of, sentence, tumor):
    nerves = [f for f in facts_of(sentence, "clinical_note") if f.concept == "sciatic_nerve"]
    assert nerves and (nerves[0].subject_category == "lesion") is tumor, nerves


@pytest.mark.parametrize(("pathology", "status"), [
    # a lung wedge of the staging nodules that finds no metastasis is a staging result
    ("SURGICAL PATHOLOGY\nDate of service: 01/12/2026\nMaterial: VATS wedge resection right lower lobe (two "
     "subpleural nodules).\nDIAGNOSIS: Intrapulmonary lymph nodes. No metastasis of the known osteosarcoma.\n",
     "met"),
    # ...a biopsy of the tumor itself that says no metastasis stages nothing
    ("SURGICAL PATHOLOGY\nDate of service: 01/12/2026\nSpecimen: left iliac bone, core biopsy.\nDIAGNOSIS: "
     "High-grade osteosarcoma; no metastatic carcinoma.\n", "insufficient"),
])
def test_a_staging_specimen_stages(reviewer, tmp_path, pathology, status):
    docs = {k: v for k, v in FAMILY_A.items() if k != A_CT}
    docs = edit(docs, A_NOTE, "Staging CT chest shows no metastatic disease.\n", "")
    docs = {**docs, "path_lung.txt": pathology}
    got = outcomes(reviewer, write_case(tmp_path, "a", ["27076-LT"], docs))
    assert got["27076"][1]["A5"] == status, got


@pytest.mark.parametrize("text", [
    "Chemotherapy: preoperative MAP completed 19.12.2025 (2 cycles cisplatin/doxorubicin), tolerated.",
    # a line wrapped between the number and its unit
    "Chemotherapy: preoperative MAP completed 19.12.2025 (2\ncycles cisplatin/doxorubicin), tolerated.",
])
def test_a_cycle_count_across_a_line_break(facts_of, text):
    counts = [f.cycles for f in facts_of(text, "clinical_note") if f.kind == "therapy" and f.cycles]
    assert counts and max(counts) == 2, counts


@pytest.mark.parametrize(("text", "cycles"), [
    # a regimen written with its prescribed count names the course planned
    ("Problem list: Ewing sarcoma - neoadjuvant chemotherapy: VDC/IE x 6\ncycles per medical oncology.", None),
    # ...the same count said given is given
    ("She received VDC/IE x 6 cycles before local control.", 6),
    ("Status post AP x 3 cycles, good response.", 3),
])
def test_a_prescribed_regimen_is_no_count_given(facts_of, text, cycles):
    counts = [f.cycles for f in facts_of(text, "clinical_note") if f.kind == "therapy" and f.cycles]
    assert (max(counts) if counts else None) == cycles, counts
