"""Classes found by the blind42 batch (first run 0.697 / 2 false approvals), each in our own words, with
rows where the outcome must not move.
"""

from __future__ import annotations

import pytest

from tests.lesions.charts import FAMILY_A, FAMILY_B, outcomes, write_case

A_MRI = "mri_2026-01-02.txt"


# ---- a clause that names its own structure leaves that structure's relation open ------------------

@pytest.mark.parametrize(("second", "a2"), [
    # the relation to another structure is left open: the roof stays as stated
    ("The relation to the left sciatic nerve cannot be determined.", "met"),
    ("Its relationship to the femoral vessels is indeterminate.", "met"),
    # the relation to the roof itself, or a relation with no structure named, is left open
    ("The relation to the acetabular roof cannot be determined.", "insufficient"),
    ("True contact cannot be confirmed.", "insufficient"),
])
def test_a_relation_left_open_is_about_the_structure_its_clause_names(reviewer, tmp_path, second, a2):
    mri = ("MRI PELVIS WITH AND WITHOUT CONTRAST\nDate of service: 01/02/2026\nFINDINGS: There is a 9 cm "
           "destructive mass of the left ilium. The mass abuts the left acetabular roof. No complete encasement of "
           "the external iliac vessels.\nASSESSMENT: Left iliac tumour extending to the acetabular roof. "
           f"{second}\n")
    got = outcomes(reviewer, write_case(tmp_path, "a", ["27076-LT"], {**FAMILY_A, A_MRI: mri}))
    assert got["27076"][1]["A2"] == a2, got


# ---- what "lasted" measures depends on its subject --------------------------------------------------

@pytest.mark.parametrize(("text", "concept", "weeks"), [
    ("Conservative treatment has so far lasted about four weeks; the effect is small.", "conservative_care", 4.0),
    ("Physiotherapy lasted 9 weeks without change.", "physical_therapy", 9.0),
    # an effect as the subject: how long the relief lasted, not the course
    ("An injection gave relief lasting 2 weeks.", "injection", None),
    ("Perineural injection; the benefit lasted only about ten days.", "injection", None),
])
def test_what_lasted_is_the_verbs_subject(facts_of, text, concept, weeks):
    found = [f for f in facts_of(text, doc_type="clinical_note") if f.concept == concept]
    assert found and found[0].weeks == weeks, [(f.concept, f.weeks) for f in found]


# ---- a pathology department's statement is a pathology report; a fax send stamp names no type ------

@pytest.mark.parametrize(("title", "doc_type"), [
    ("PATHOLOGY STATEMENT        SAMPLE K25-2290", "pathology"),
    ("NORTHERN LABS PATHOLOGICAL OPINION", "pathology"),
    ("Discussed the pathology findings with her", "other"),
])
def test_a_pathology_statement_is_a_pathology_report(title, doc_type):
    from mednec.pipeline.doctype import infer_type

    assert infer_type(title) == doc_type


def test_a_fax_send_stamp_sets_neither_type_nor_date(reviewer, tmp_path):
    """A revised diagnosis in a faxed pathology statement is tissue: the fax stamp (the word fax, a date,
    a time) above the title does not make the report something else."""
    path = ("FAX  LAKESIDE HOSPITAL PATHOLOGY  +1 555 0100  11.12.2025 10:04  P.1\n"
            "PATHOLOGY STATEMENT        SAMPLE K25-1188\nMATERIAL: CURETTAGE, LEFT ILIAC WING, 14.10.2025\n"
            "DIAGNOSIS: LEFT ILIAC WING: ENCHONDROMA.\n\nSUPPLEMENTARY STATEMENT 10.12.2025\nREVISED DIAGNOSIS: "
            "LEFT ILIAC WING: DEDIFFERENTIATED CHONDROSARCOMA.\n")
    docs = {**{k: v for k, v in FAMILY_A.items() if not k.startswith("path")}, "path_2025-12-11.txt": path}
    got = outcomes(reviewer, write_case(tmp_path, "a", ["27076-LT"], docs))
    assert got["27076"][1]["A1"] == "met", got


# ---- a count and its cycle unit with a regimen's name or modifiers between ---------------------------

@pytest.mark.parametrize(("text", "cycles"), [
    ("Both induction MAP cycles have been given in full.", 2.0),
    ("She received two neoadjuvant VDC/IE courses.", 2.0),
    ("Completed 3 preoperative chemotherapy cycles.", 3.0),
    ("She completed 3 cycles of MAP.", 3.0),
    # a word that is no modifier ends the reading: no count
    ("Two weeks after the MAP cycles she was admitted.", None),
])
def test_a_count_reaches_its_cycle_unit_past_the_regimen(facts_of, text, cycles):
    found = [f for f in facts_of(text, doc_type="clinical_note") if f.concept == "chemotherapy"]
    assert found and found[0].cycles == cycles, [(f.concept, f.cycles) for f in found]


# ---- a score's clause ends with its sentence, even when its span runs on to the paragraph break --------

@pytest.mark.parametrize(("after", "b4"), [
    # the next paragraph's "before" dates the drug hold, not the prognosis
    ("\n\nPlan: hold the drug 1 week before and 2 weeks after surgery.", "met"),
    ("\n\nPlan: surgery.", "met"),
])
def test_a_prognosis_clause_ends_at_its_sentence(reviewer, tmp_path, after, b4):


    note = ("SPINE SURGERY CONSULT\nDate of service: 02/05/2026\nBilateral leg weakness 4/5 and intractable pain. "
            "ECOG 1.\nPrognosis: bone-only disease. I expect her survival to be measured in years rather than "
            f"months.{after}\nPlan: L3 corpectomy with posterior stabilization.\n")
    got = outcomes(reviewer, write_case(tmp_path, "b", ["63303"], {**FAMILY_B, "note_2026-02-05.txt": note}))
    assert got["63303"][1]["B4"] == b4, got


# ---- who attended a meeting names no document type ----------------------------------------------------

@pytest.mark.parametrize(("head", "doc_type"), [
    ("LOCAL CONTROL CONFERENCE - YOUNG ADULT SARCOMA SERVICE\n11/02/2025\nAttendees: orthopaedics, spine surgery,\n"
     "radiation oncology, radiology, pathology\n", "tumor_board"),
    # with no title, the attendee list (wrapped after a comma) still names no pathology report
    ("11/02/2025\nAttendees: orthopaedics, spine surgery,\nradiation oncology, radiology, pathology\n", "other"),
    ("11/02/2025\nPresent: orthopaedics, radiology, pathology\n", "other"),
    # a laboratory's name on its own line still heads a pathology report
    ("NORTHERN LAKES PATHOLOGY\nSpecimen: left ilium, core biopsy\n", "pathology"),
])
def test_an_attendee_list_names_no_document_type(head, doc_type):
    from mednec.pipeline.doctype import infer_type

    assert infer_type(head + "Case: 19M, Ewing sarcoma of the left ilium.\n") == doc_type


# ---- a parent as the one who reports is no family history ----------------------------------------------

@pytest.mark.parametrize(("text", "flags"), [
    ("Parent-reported (mother, 01/16/2026): over the last month he spends most of his waking hours in bed.",
     {"reported"}),
    ("Per his mother, he spends most of his waking hours in bed.", {"reported", None}),
    # a relative's own history stays the relative's
    ("His mother spends most of her waking hours in bed.", {"family"}),
])
def test_a_parent_who_reports_is_no_family_history(facts_of, text, flags):
    found = [f for f in facts_of(text, doc_type="clinical_note") if f.kind == "score"]
    assert found, text
    got = {k for k, v in found[0].assertion.model_dump().items() if v is True}
    # (None in a row: the reporter's own flag may be left out, so long as no family flag is set)
    assert got == flags - {None} or (None in flags and not got), got


# ---- a survival estimate given twice is as long as its shortest reading; a current score on one scale
# ---- supersedes a past one on the other --------------------------------------------------------------

@pytest.mark.parametrize(("prognosis", "b4"), [
    ("I estimate his survival in weeks to a few months, likely less than 3 months.", "not_met"),
    ("Expected survival is 6-12 months, at least 6 months.", "met"),
    # another clause's durations are not the estimate's
    ("Survival of at least 18 months; he is clearly not in the less than 3 months group.", "met"),
    ("Expected survival well over 6 months; resume the drug 3-4 wks post-op.", "met"),
])
def test_a_survival_estimate_is_its_shortest_reading(reviewer, tmp_path, prognosis, b4):


    note = ("SPINE SURGERY CONSULT\nDate of service: 02/05/2026\nBilateral leg weakness 4/5 and intractable pain. "
            f"ECOG 1. {prognosis}\nPlan: L3 corpectomy with posterior stabilization.\n")
    got = outcomes(reviewer, write_case(tmp_path, "b", ["63303"], {**FAMILY_B, "note_2026-02-05.txt": note}))
    assert got["63303"][1]["B4"] == b4, got


@pytest.mark.parametrize(("now", "b4"), [
    ("Function: Karnofsky 40, requires considerable assistance.", "not_met"),
    ("Function: Karnofsky 80.", "met"),
])
def test_a_current_score_on_one_scale_supersedes_a_past_one_on_the_other(reviewer, tmp_path, now, b4):


    note = ("SPINE SURGERY CONSULT\nDate of service: 02/05/2026\nBilateral leg weakness 4/5 and intractable pain. "
            "In 2021, after his first treatment, he was fully active (ECOG 0).\n"
            f"{now} Expected survival more than 12 months.\nPlan: L3 corpectomy with posterior stabilization.\n")
    got = outcomes(reviewer, write_case(tmp_path, "b", ["63303"], {**FAMILY_B, "note_2026-02-05.txt": note}))
    assert got["63303"][1]["B4"] == b4, got


# ---- an appeal letter and a peer-to-peer record argue for the request: claims, not documentation -------

NERVE_NOTE = ("PM&R NOTE\nDate of service: 12/05/2025\nLeft posterior thigh pain and numbness in the sciatic "
              "distribution since 10/2025. EMG 11/20/2025: left sciatic mononeuropathy at the thigh.\n"
              "Physical therapy: 3 visits over 11 days, then discharged for non-attendance.\nPlan: left sciatic "
              "neurolysis.\n")
APPEAL = ("RIVERSIDE ORTHOPAEDICS\nJanuary 16, 2026\n\nTo: Lakeshore Health, Appeals\n{subject}\n\nTo whom it may "
          "concern,\n\nShe has completed more than three months of formal physical therapy and has failed medical "
          "management.\n\n{ask}\n\nA. Surgeon, MD\n")


@pytest.mark.parametrize(("subject", "ask", "c3"), [
    ("Re: Appeal of denial, 64712-LT", "Please reverse the denial.", "not_met"),
    ("Re: 64712-LT", "I ask that the denial be reversed.", "not_met"),
    ("Re: 64712-LT", "Please approve the neurolysis.", "not_met"),
    # a letter that asks nothing of the plan is the treating surgeon's account: its course counts
    ("Re: 64712-LT, update for the referring physician", "Thank you for the referral.", "met"),
    # ... and one that says the writer will appeal asks nothing of the plan in itself
    ("Re: 64712-LT, update for the referring physician", "We will appeal the denial with her.", "met"),
])
def test_an_appeal_letters_claim_is_no_documentation(reviewer, tmp_path, subject, ask, c3):
    docs = {"note_2025-12-05.txt": NERVE_NOTE, "letter_2026-01-16.txt": APPEAL.format(subject=subject, ask=ask)}
    got = outcomes(reviewer, write_case(tmp_path, "c", ["64712-LT"], docs))
    assert got["64712"][1]["C3'"] == c3, got


@pytest.mark.parametrize(("title", "b1"), [
    ("PEER-TO-PEER RECORD", "insufficient"),
    ("TELEPHONE NOTE", "met"),
])
def test_a_peer_to_peer_record_is_the_requesters_argument(reviewer, tmp_path, title, b1):
    path = ("SURGICAL PATHOLOGY\nDate of service: 02/02/2026\nSpecimen: L3 vertebral body, CT-guided biopsy.\n"
            "DIAGNOSIS: Fragments of reactive bone and blood. Non-diagnostic.\n")
    call = (f"{title}\nDate: 02/06/2026\nDr. Stone said the L3 tumor is metastatic renal cell carcinoma and that the "
            "biopsy confirmed it.\n")
    mri = FAMILY_B["mri_2026-01-28.txt"].replace("IMPRESSION: L3 metastasis", "IMPRESSION: L3 lesion suspicious for "
                                                                             "metastasis")
    docs = {**FAMILY_B, "mri_2026-01-28.txt": mri, "path_2026-02-02.txt": path, "call_2026-02-06.txt": call}
    got = outcomes(reviewer, write_case(tmp_path, "b", ["63303"], docs))
    assert got["63303"][1]["B1"] == b1, got


@pytest.mark.parametrize(("label", "planned"), [
    ("PLAN OF CARE:", True),
    ("Treatment plan:", True),
    ("Course to date:", False),
])
def test_a_plan_of_care_is_a_plan(facts_of, label, planned):
    text = f"{label} physical therapy 2x/week x 6 weeks - nerve glides, hip mobility.\n"
    found = [f for f in facts_of(text, doc_type="clinical_note") if f.concept == "physical_therapy"]
    assert found and found[0].assertion.planned is planned, [f.assertion for f in found]
