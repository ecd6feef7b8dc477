"""Classes found by the blind38 batch (first run 0.697 / 5 false approvals), each in our own words, with
rows where the outcome must not move: a name given without "as" is cited, "the notch" refers back to
the notch a report named, a claim that disease is limited rests on the staging to come, a plan named in
quotation marks plans nothing, a label ending in a colon keeps its cue's scope, a hedge after a fronted
reason clause points back, "no role in" a disease denies no disease, a margin denied only around a
structure the plan sacrifices is conditional, a reason clause denies nothing before it, a comparison
field makes no re-read, and a lesion an electrodiagnostic study localises is the nerve's injury.
"""

from __future__ import annotations

import pytest

from tests.lesions.charts import FAMILY_A, FAMILY_B, FAMILY_C, outcomes, write_case

A_NOTE = "note_2026-01-20.txt"
B_NOTE = "note_2026-02-05.txt"
C_MRI = "mri_2026-03-01.txt"


def _flags(f) -> set[str]:  # noqa: ANN001
    a = f.assertion
    return {k for k in ("negated", "uncertain", "hypothetical", "conditional", "superseded", "historical")
            if getattr(a, k)}


# ---- a label given without "as"; "the notch" in an addendum ------------------------------------------

ADDENDUM_MRI = ("MRI PELVIS\nDate of service: 03/01/2026\nFINDINGS: 7 cm soft tissue mass in the left gluteal "
                "region. Posteriorly the mass extends into the left greater sciatic notch, where the left sciatic "
                "nerve is displaced by the mass.\nIMPRESSION: Left gluteal mass displacing the sciatic nerve at the "
                "notch.\n")


@pytest.mark.parametrize(("addendum", "c1"), [
    # the addendum renames what the body called the nerve and leaves the notch open: no contact stands
    ("ADDENDUM: The soft tissue in the notch described above is piriformis muscle, and the structure called the "
     "displaced sciatic nerve is the piriformis tendon. Whether tumor reaches the notch is indeterminate.\n",
     "insufficient"),
    # ...an addendum that agrees changes nothing
    ("ADDENDUM: Reviewed at conference; the findings above are confirmed.\n", "met"),
])
def test_an_addendum_that_renames_and_reopens_the_notch(reviewer, tmp_path, addendum, c1):
    docs = {**FAMILY_C, C_MRI: ADDENDUM_MRI + addendum}
    got = outcomes(reviewer, write_case(tmp_path, "c", ["64712-LT"], docs))
    assert got["64712"][1]["C1"] == c1, got


@pytest.mark.parametrize(("sentence", "superseded"), [
    ("The structure called the displaced sciatic nerve is the piriformis tendon.", True),
    ("What was termed sciatic nerve encasement is a vein.", True),
    ("The tumor displaces the sciatic nerve.", False),
])
def test_a_name_given_without_as_is_cited(facts_of, sentence, superseded):
    nerves = [f for f in facts_of(sentence) if f.concept == "sciatic_nerve"]
    assert nerves and all(("superseded" in _flags(f)) is superseded for f in nerves), [_flags(f) for f in nerves]


# ---- a limit claimed while the staging is still to come ----------------------------------------------

SOLITARY_PATH = ("SURGICAL PATHOLOGY REPORT\nDate of service: 01/05/2026\nSpecimen: left iliac bone, core biopsy.\n"
                 "FINAL DIAGNOSIS: Metastatic clear cell renal cell carcinoma.\n")


@pytest.mark.parametrize(("staging", "a5"), [
    ("Restaging before surgery: PET CT and CT chest ordered, scheduled 02/11/2026.", "insufficient"),
    ("Restaging PET CT 01/15/2026 showed no other site of disease.", "met"),
])
def test_a_solitary_claim_rests_on_the_staging_to_come(reviewer, tmp_path, staging, a5):
    note = ("ORTHOPAEDIC ONCOLOGY CONSULT\nDate of service: 01/20/2026\nAssessment: Solitary left iliac metastasis of "
            f"renal cell carcinoma, long disease-free interval.\n{staging}\nPlan: en bloc resection of the left ilium "
            "with wide margins, curative intent.\n")
    docs = {"path_2026-01-05.txt": SOLITARY_PATH, "mri_2026-01-02.txt": FAMILY_A["mri_2026-01-02.txt"], A_NOTE: note}
    got = outcomes(reviewer, write_case(tmp_path, "a", ["27075-LT"], docs))
    assert got["27075"][1]["A5"] == a5, got
    assert got["27075"][1]["A1"] == "met", got  # the team's word for its diagnosis stands


# ---- a plan named in quotation marks -------------------------------------------------------------------

@pytest.mark.parametrize(("note", "b2"), [
    # the request began as the outside count's level; the plan treats the recounted level
    ("Plan: T12 corpectomy with posterior fusion T10 to L2. No corpectomy of L1 is planned.\nNote: the request "
     "was started as \"L1 corpectomy\" off the outside report; office to correct.\n", "not_met"),
    ("Plan: L3 corpectomy with posterior stabilization.\n", "met"),
])
def test_a_plan_in_quotation_marks_plans_nothing(reviewer, tmp_path, note, b2):
    mri = ("MRI THORACOLUMBAR SPINE\nDate of service: 01/28/2026\nFINDINGS: Enhancing lesion replaces the T12 "
           "vertebral body with epidural extension compressing the cord. Small enhancing L1 body lesion without "
           "epidural extension. Enhancing lesion of the L3 body with epidural extension.\nIMPRESSION: T12, L1 and L3 "
           "metastases.\n")
    head = "SPINE SURGERY CONSULT\nDate of service: 02/05/2026\nLeg weakness 4/5. ECOG 1. Expected survival more " \
           "than 12 months.\n"
    path = FAMILY_B["path_2026-02-02.txt"].replace("L3 vertebral body", "T12 vertebral body") \
        if "T12" in note else FAMILY_B["path_2026-02-02.txt"]
    docs = {"path_2026-02-02.txt": path, "mri_2026-01-28.txt": mri, B_NOTE: head + note}
    got = outcomes(reviewer, write_case(tmp_path, "b", ["63303"], docs))
    assert got["63303"][1]["B2"] == b2, got


# ---- a label ending in a colon; a hedge after a fronted reason -----------------------------------------

@pytest.mark.parametrize(("text", "concept", "flag", "has"), [
    ("Differential diagnoses mentioned by radiology: plasmacytoma, aggressive haemangioma.", "myeloma", "uncertain",
     True),
    ("Differential considered at conference: plasmacytoma.", "myeloma", "uncertain", True),
    # ...the label alone on its line, its list wrapped onto the next
    ("Differential diagnoses mentioned by radiology:\nplasmacytoma, aggressive\nhaemangioma.", "myeloma", "uncertain",
     True),
    # a colon that closes a stated clause still ends the cue's reach
    ("The sciatic nerve is not encased: plan to preserve it.", "nerve_preservation", "negated", False),
    ("No fracture: plan en bloc resection.", "en_bloc", "negated", False),
])
def test_a_label_ending_in_a_colon_keeps_its_cue(facts_of, text, concept, flag, has):
    got = [f for f in facts_of(text, "clinical_note") if f.concept == concept]
    assert got and all((flag in _flags(f)) is has for f in got), [_flags(f) for f in got]


@pytest.mark.parametrize(("second", "uncertain"), [
    ("Given the intact cortex and the recent surgery nearby, this is more likely reactive marrow oedema than "
     "tumour.", True),
    ("Because the cortex is intact, this most likely represents reactive oedema.", True),
    ("Given the extent, en bloc resection is advised.", False),
])
def test_a_hedge_after_a_fronted_reason_points_back(facts_of, second, uncertain):
    text = f"IMPRESSION:\n2. Signal change in the posterior left greater trochanter. {second}\n"
    got = [f for f in facts_of(text) if f.concept == "greater_trochanter"]
    assert got and all(f.assertion.uncertain is uncertain for f in got), [_flags(f) for f in got]


# ---- "no role in"; a margin denied around a structure the plan sacrifices; a reason clause -------------

@pytest.mark.parametrize(("text", "concept", "negated"), [
    ("Chemotherapy and radiation have no meaningful role in conventional chondrosarcoma, surgery is the only "
     "curative treatment.", "chondrosarcoma", False),
    ("Chemotherapy and radiation have no meaningful role in conventional chondrosarcoma, surgery is the only "
     "curative treatment.", "curative_intent", False),
    ("There is no role for en bloc resection.", "en_bloc", True),
])
def test_no_role_in_a_disease_denies_no_disease(facts_of, text, concept, negated):
    got = [f for f in facts_of(text, "clinical_note") if f.concept == concept]
    assert got and all(f.assertion.negated is negated for f in got), [_flags(f) for f in got]


@pytest.mark.parametrize(("then", "flags"), [
    ("The left sciatic nerve will be resected en bloc with the specimen.", {"negated", "conditional"}),
    # no sacrifice planned: the margin stays denied
    ("The left sciatic nerve will be preserved.", {"negated"}),
])
def test_a_margin_denied_around_a_sacrificed_structure(facts_of, then, flags):
    text = ("The sciatic nerve is encased in the greater sciatic notch; a wide margin is not possible around it. "
            f"{then}\n")
    got = [f for f in facts_of(text, "clinical_note") if f.kind == "plan" and f.category == "wide_margin"]
    assert got and {frozenset(_flags(f)) for f in got} == {frozenset(flags)}, [_flags(f) for f in got]


@pytest.mark.parametrize(("text", "negated"), [
    ("Neuroplasty of the left sciatic nerve by epineural dissection to preserve it, since it is not invaded on "
     "imaging.", False),
    ("We will not preserve the sciatic nerve, since it is encased.", True),
])
def test_a_reason_clause_denies_nothing_before_it(facts_of, text, negated):
    got = [f for f in facts_of(text, "clinical_note") if f.kind == "plan" and f.concept == "nerve_preservation"]
    assert got and all(f.assertion.negated is negated for f in got), [_flags(f) for f in got]


# ---- a comparison field; an electrodiagnostic localisation ----------------------------------------------

@pytest.mark.parametrize(("head", "reread"), [
    ("MRI PELVIS\nExam date: 01/09/2026      Comparison: outside MRI 09/18/2025\nFINDINGS: smaller mass.\n", False),
    ("SECOND OPINION REVIEW OF OUTSIDE MRI 09/18/2025\nInterpreted: 01/09/2026\nFINDINGS: mass.\n", True),
])
def test_a_comparison_field_makes_no_reread(head, reread):
    from mednec.pipeline.rereads import reread_dates

    assert bool(reread_dates(head)) is reread


@pytest.mark.parametrize(("sentence", "tumor"), [
    ("EMG and MR neurography both localize the lesion to the greater sciatic notch; no mass.", False),
    ("A 3 cm schwannoma lies at the greater sciatic notch and abuts the sciatic nerve.", True),
])
def test_a_localised_lesion_is_the_nerves_injury(facts_of, sentence, tumor):
    got = [f for f in facts_of(sentence, "clinical_note") if f.kind == "nerve"]
    assert got
    assert any(f.relation in ("tumor", "abut", "contact") for f in got) is tumor, [(f.concept, f.relation) for f in got]
