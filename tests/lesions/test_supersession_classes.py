"""Classes found by the blind13 batch, each in our own words on a small chart: which lesion each
requested code treats, what a later read, a final read or another patient's item does to a
statement, and what a study ordered or a score from an earlier encounter states.

Each row edits an approving chart (tests/lesions/charts.py) and names the outcome and statuses the
edit must give; a paired row shows the outcome moves only when the meaning does.
"""

from __future__ import annotations

import pytest

from tests.lesions.charts import FAMILY_A, FAMILY_B, FAMILY_C, edit, outcomes, write_case

A_MRI, A_NOTE, A_PATH, A_CT = "mri_2026-01-02.txt", "note_2026-01-20.txt", "path_2026-01-05.txt", "ct_2026-01-03.txt"
B_MRI, B_NOTE = "mri_2026-01-28.txt", "note_2026-02-05.txt"
C_MRI, C_NOTE = "mri_2026-03-01.txt", "note_2026-03-10.txt"

# ---- two lesions, two codes: a sacral chordoma and a separate iliac wing lesion -------------------
TWO_SITES = {
    "path_2026-02-10.txt": ("SURGICAL PATHOLOGY\nDate of service: 02/10/2026\nDIAGNOSIS:\nA. S4 vertebral body, "
                            "core biopsy: CHORDOMA, conventional type.\nB. Right iliac wing lesion, core biopsy: "
                            "benign hyaline cartilage neoplasm, consistent with enchondroma.\n"),
    "mri_2026-02-03.txt": ("MRI SACRUM AND PELVIS\nDate of service: 02/03/2026\nFINDINGS: Lobulated mass of the S3 "
                           "to S5 segments, extradural, expanding the sacral canal. No intradural extension.\nSeparate "
                           "2 cm chondroid lesion in the right iliac wing. The right acetabulum is uninvolved.\n"
                           "IMPRESSION: Sacral mass. Right iliac wing chondroid lesion.\n"),
    "ct_2026-02-09.txt": "CT CHEST\nDate of service: 02/09/2026\nIMPRESSION: No thoracic metastatic disease.\n",
    "note_2026-02-24.txt": ("ORTHOPAEDIC ONCOLOGY\nDate of service: 02/24/2026\nPlan: curative en bloc sacrectomy "
                            "below S2 with wide margins for the chordoma, and wide resection of the right iliac wing "
                            "lesion at the same sitting.\n"),
}


@pytest.mark.parametrize("order", ["as_written", "reversed"])
def test_each_code_reads_the_tumor_in_its_territory(reviewer, tmp_path, order):
    docs = TWO_SITES if order == "as_written" else dict(reversed(list(TWO_SITES.items())))
    got = outcomes(reviewer, write_case(tmp_path, "two_sites", ["63303", "27075-RT"], docs))
    # the chordoma's tissue diagnosis is not the iliac lesion's: enchondroma is A1 not met
    assert got["27075"][0] == "refer" and got["27075"][1]["A1"] == "not_met", got
    assert got["63303"][1]["B1"] == "met", got


def test_one_tumor_across_territories_keeps_its_diagnosis(reviewer, tmp_path):
    # an iliac osteosarcoma whose mass crosses into the sacrum is one lesion for both codes
    docs = edit(FAMILY_A, A_MRI, "The mass abuts the left acetabular roof.",
                "The mass abuts the left acetabular roof. The mass crosses the left sacroiliac joint and invades "
                "the left sacral ala.")
    got = outcomes(reviewer, write_case(tmp_path, "one_tumor", ["27076-LT", "63303"], docs))
    assert got["27076"][1]["A1"] == "met" and got["63303"][1]["B1"] == "met", got


# ---- reads that replace reads ---------------------------------------------------------------------
PRELIM_FINAL = (
    "MRI LUMBAR SPINE\nDate of service: 01/28/2026\n*** PRELIMINARY REPORT - RESIDENT ***\nEnhancing mass at L3 "
    "which appears intradural extramedullary, compressing the cauda equina.\n*** FINAL REPORT - ATTENDING ***\n"
    "I disagree in part with the preliminary interpretation. The mass replaces the L3 vertebral body with an "
    "epidural component; the cauda equina roots are compressed within the thecal sac. There is a pathologic "
    "compression fracture of L3.\nIMPRESSION: L3 metastasis with epidural extension. NO INTRADURAL MASS.\n")


@pytest.mark.parametrize(("name", "mri", "outcome", "b2"), [
    ("final_read_supersedes_the_preliminary", PRELIM_FINAL, "refer", "not_met"),
    # without the final read, the preliminary read is the report
    ("preliminary_alone", PRELIM_FINAL.split("*** FINAL")[0] + "IMPRESSION: Intradural extramedullary mass at L3.\n",
     "approve", "met"),
])
def test_final_read(reviewer, tmp_path, name, mri, outcome, b2):
    got = outcomes(reviewer, write_case(tmp_path, name, ["63307"], {**FAMILY_B, B_MRI: mri}))["63307"]
    assert got[0] == outcome and got[1]["B2"] == b2, got


LATER_MRI = "mri_2026-01-15.txt"


@pytest.mark.parametrize(("name", "later", "outcome", "a2"), [
    # a later study calls the earlier read's finding an artifact: the earlier read no longer counts
    ("later_study_calls_it_artifact",
     "COMPARISON: Compared with the MRI of 01/02/2026, the previously described abutment of the left acetabular "
     "roof is not seen and likely represented partial volume artifact.\nIMPRESSION: Left iliac osteosarcoma.\n",
     "pend", "insufficient"),
    # the same with OCR's uneven line spacing: a blank line inside the sentence changes nothing
    ("artifact_across_a_blank_line",
     "COMPARISON: Compared with the MRI of 01/02/2026, the previously described abutment of the left acetabular "
     "roof is not seen on this\n\nstudy and likely represented partial volume artifact.\n"
     "IMPRESSION: Left iliac osteosarcoma.\n",
     "pend", "insufficient"),
    # a later study that shows the finding resolved after treatment retracts nothing
    ("later_study_shows_it_resolved",
     "COMPARISON: Compared with the MRI of 01/02/2026, the previously described abutment of the left acetabular "
     "roof has resolved after chemotherapy.\nIMPRESSION: Left iliac osteosarcoma, responding.\n",
     "approve", "met"),
])
def test_later_study_on_an_earlier_finding(reviewer, tmp_path, name, later, outcome, a2):
    docs = {**FAMILY_A, LATER_MRI: "MRI PELVIS\nDate of service: 01/15/2026\n" + later}
    got = outcomes(reviewer, write_case(tmp_path, name, ["27076-LT"], docs))["27076"]
    assert got[0] == outcome and got[1]["A2"] == a2, got


def test_later_study_that_cannot_confirm_contact(reviewer, tmp_path):
    docs = {**FAMILY_C, "mri_2026-03-08.txt": (
        "MRI PELVIS\nDate of service: 03/08/2026\nCOMPARISON: The previously described abutment of the left "
        "sciatic nerve is not confirmed on this study because of artifact from the hip arthroplasty.\n"
        "IMPRESSION: Left gluteal mass; relation to the left sciatic nerve indeterminate.\n")}
    got = outcomes(reviewer, write_case(tmp_path, "not_confirmed", ["64712-LT"], docs))["64712"]
    assert got[0] == "pend" and got[1]["C1"] == "insufficient", got


@pytest.mark.parametrize(("sentence", "a2"), [
    # the predicate of the structure's own clause offers a non-tumor origin with a hedge
    ("Marrow signal in the left acetabular roof is, on our review, more likely reactive edema.", "insufficient"),
    ("The mass abuts the left acetabular roof, likely with reactive edema in the ischium.", "met"),
])
def test_predicate_hedge(reviewer, tmp_path, sentence, a2):
    docs = edit(edit(FAMILY_A, A_MRI, "The mass abuts the left acetabular roof.", sentence), A_MRI,
                "IMPRESSION: Left iliac osteosarcoma abutting the left acetabular roof.",
                "IMPRESSION: Left iliac osteosarcoma.")
    got = outcomes(reviewer, write_case(tmp_path, "predicate", ["27076-LT"], docs))["27076"]
    assert got[1]["A2"] == a2, got


# ---- conference minutes that list other patients ---------------------------------------------------
# (the minutes are the latest plan: dated after the surgeon's note, they decide what is planned)
MINUTES = ("SARCOMA CONFERENCE - MINUTES\nDate: 03/12/2026\nItem 1 (MRN ***4410): 64F, thigh liposarcoma. Proceed "
           "with wide resection; left sciatic nerve will be sacrificed given encasement.\nItem 2 (this patient, MRN "
           "***2871): left gluteal myxoid liposarcoma abutting the left sciatic nerve. Wide resection; the sciatic "
           "nerve will be preserved with neurolysis.\n")


@pytest.mark.parametrize(("name", "minutes", "outcome"), [
    ("another_patients_item", MINUTES, "approve"),
    # the same words in this patient's own item do decide
    ("this_patients_item", MINUTES.replace("Item 1 (MRN ***4410): 64F, thigh liposarcoma. Proceed with wide "
                                           "resection; left sciatic", "Item 1 (MRN ***4410): 64F, lung nodule.\n"
                                           "Item 2b: left sciatic").replace(
        "Item 2 (this patient, MRN ***2871)", "Item 3 (MRN ***2871)").replace("Item 2b:", "Item 2 (this patient):"),
     "refer"),
])
def test_conference_items(reviewer, tmp_path, name, minutes, outcome):
    got = outcomes(reviewer, write_case(tmp_path, name, ["64712-LT"], {**FAMILY_C, "mdt_2026-03-12.txt": minutes}))
    assert got["64712"][0] == outcome, got


# ---- what a note states ----------------------------------------------------------------------------
def test_addendum_that_confirms_keeps_the_diagnosis(reviewer, tmp_path):
    docs = edit(FAMILY_A, A_PATH, "FINAL DIAGNOSIS: High-grade conventional osteosarcoma.\n",
                "FINAL DIAGNOSIS: High-grade conventional osteosarcoma.\nADDENDUM: MDM2 FISH not amplified, "
                "supporting a bone-forming neoplasm; the diagnosis is unchanged.\n")
    got = outcomes(reviewer, write_case(tmp_path, "addendum", ["27076-LT"], docs))["27076"]
    assert got[1]["A1"] == "met", got


def test_study_ordered_to_document_compression_is_no_evidence(reviewer, tmp_path):
    docs = {"note_2026-02-09.txt": (
        "NERVE SURGERY CONSULT\nDate of service: 02/09/2026\nNumbness and tingling of the left ulnar hand for five "
        "months after a clavicle fracture. Completed 11 weeks of physical therapy without improvement.\nEMG/NCS "
        "and MR neurography of the left brachial plexus ordered to document the level and severity of "
        "compression.\nPlan: left brachial plexus neurolysis.\n")}
    got = outcomes(reviewer, write_case(tmp_path, "ordered", ["64713-LT"], docs))["64713"]
    assert got[0] == "pend" and got[1]["C2'"] == "insufficient", got


@pytest.mark.parametrize(("ed_line", "b4"), [
    # a score from an earlier encounter carried into a note yields to the score stated for now
    ("Functional status (from ED 01/20/2026): ECOG 3.", "met"),
    # the newer note states it for now, a day after the consult's ECOG 1: two current observations of one
    # time that disagree, a conflict (criteria/policy.yaml state_window_days), not a past score
    ("Functional status: ECOG 3.", "insufficient"),
    # a score dated before the note that carries it (month or day) is that earlier observation
    ("Performance status: ECOG 3 (per oncology note 12/2025).", "met"),
    ("Performance status: ECOG 3 (per oncology visit of January 20, 2026).", "met"),
    ("Performance status: ECOG 3 (reassessed 02/06/2026).", "insufficient"),  # dated this day: current
    ("Performance status: ECOG 3, on osimertinib since 06/2024.", "insufficient"),  # the date is the drug's
    # a note that calls the score it quotes stale
    ("The ECOG 3 in the admission H&P is out of date.", "met"),
])
def test_score_from_an_earlier_encounter(reviewer, tmp_path, ed_line, b4):
    docs = {**FAMILY_B, "hp_2026-02-06.txt": f"SPINE H&P\nDate of service: 02/06/2026\n{ed_line}\n"}
    # (the consult of 02/05 states ECOG 1 for now)
    got = outcomes(reviewer, write_case(tmp_path, "ecog", ["63303"], docs))["63303"]
    assert got[1]["B4"] == b4, got


def test_condition_after_rather_than_is_no_denial(reviewer, tmp_path):
    docs = edit(FAMILY_A, A_NOTE, "Staging CT chest shows no metastatic disease.\n",
                "Staging CT chest shows no metastatic disease.\nWe recommend surgery rather than definitive "
                "radiation if a wide margin is achievable.\n")
    got = outcomes(reviewer, write_case(tmp_path, "rather", ["27076-LT"], docs))["27076"]
    assert got[1]["A3"] == "met", got


def test_birth_date_never_dates_a_report(reviewer, tmp_path):
    # the exam date is OCR-damaged ("05/l2/2O26"); the banner's birth date must not stand in for it
    from mednec.pipeline.doctype import infer_date

    text = ("FROM-PINE RIDGE HOSP P.001/002\nMRI PELVIS    DOS 05/l2/2O26\nPT: TEST    DOB 02/27/1960\n"
            "FINDINGS: mass.\n")
    assert str(infer_date(text, "fax_inbound_3306.txt")) == "2026-05-12"
    assert infer_date("MRI PELVIS\nPT: TEST    DOB 02/27/1960\nFINDINGS: mass.\n", "scan.txt") is None


def test_free_of_the_named_tumor(reviewer, tmp_path):
    docs = edit(FAMILY_A, A_MRI, "The mass abuts the left acetabular roof.",
                "The mass abuts the left acetabular roof. The left ischial tuberosity is free of the index tumor.")
    got = outcomes(reviewer, write_case(tmp_path, "free", ["27078-LT"], docs))["27078"]
    assert got[1]["A2"] == "not_met", got


def test_a_lesion_where_only_the_incidental_one_sits_is_the_incidental_one(reviewer, tmp_path):
    # an outside read's "possible satellite" in the trochanter that the later read calls an
    # enchondroma is that enchondroma, not the ischial tumor reaching the trochanter
    ischial = {
        "path_2026-02-09.txt": ("SURGICAL PATHOLOGY\nDate of service: 02/09/2026\nDIAGNOSIS: Right ischium, core "
                                "biopsy: conventional chondrosarcoma, grade 2.\n"),
        "mri_2026-01-14.txt": ("MRI PELVIS\nDate of service: 01/14/2026\nFINDINGS: Chondroid mass arising from the "
                               "right ischial tuberosity with cortical breakthrough. Separate 2 cm chondroid lesion in "
                               "the right greater trochanter.\nIMPRESSION: Right ischial tuberosity chondroid tumor. "
                               "Right greater trochanteric lesion, possible satellite.\n"),
        "mri_2026-02-04.txt": ("MRI PELVIS\nDate of service: 02/04/2026\nFINDINGS: The right ischial tuberosity "
                               "chondrosarcoma is unchanged. Incidental 2 cm enchondroma of the right greater "
                               "trochanter.\nIMPRESSION: Right ischial tuberosity chondrosarcoma. Right greater "
                               "trochanteric enchondroma, incidental.\n"),
        "ct_2026-02-05.txt": "CT CHEST\nDate of service: 02/05/2026\nIMPRESSION: No pulmonary metastases.\n",
        "note_2026-02-20.txt": ("ORTHOPAEDIC ONCOLOGY\nDate of service: 02/20/2026\nPlan: en bloc resection of the "
                                "right ischium with wide margins, curative intent.\n"),
    }
    got = outcomes(reviewer, write_case(tmp_path, "satellite", ["27078-RT"], ischial))["27078"]
    assert got[1]["A2"] != "met", got


MDT_LIST = ("SPINAL MDT - OUTCOMES LIST\nMeeting: 10/02/2026\n"
            "1. Patient: OTHER, Person   DOB 11/08/1948\nBreast cancer, L4 deposit. ECOG 0. Outcome: SBRT.\n"
            "2. Patient: TEST, Patient   DOB 30/04/1959\nL3 metastasis with cauda equina compression. WHO PS 3.\n"
            "3. Patient: THIRD, Person   DOB 04/02/1970\nMyeloma, T11 collapse. ECOG 1.\n")


@pytest.mark.parametrize(("banner", "b4"), [
    # the chart's other documents give the patient's birth date: the other items are someone else's
    ("Patient: TEST, Patient   DOB 30/04/1959\n", "not_met"),
    # with no birth date to tell the patient by, nothing is set aside (the newest word is a conflict)
    ("", "insufficient"),
])
def test_another_patients_block_by_birth_date(reviewer, tmp_path, banner, b4):
    docs = {name: (banner + text if name != B_NOTE else text) for name, text in FAMILY_B.items()}
    docs[B_NOTE] = docs[B_NOTE].replace("ECOG 1. ", "")
    docs["hp_2026-02-01.txt"] = "H&P\nDate of service: 02/01/2026\n" + banner + "Seen on the ward.\n"
    docs["mdt_2026-02-10.txt"] = MDT_LIST
    got = outcomes(reviewer, write_case(tmp_path, "mdt", ["63303"], docs))["63303"]
    assert got[1]["B4"] == b4, got


@pytest.mark.parametrize(("dob", "b4"), [
    # a page of another patient sent with the chart (another birth date) decides nothing for this one
    ("11/30/1958", "met"),
    # one digit off the patient's is a misread of the patient's own: the page counts
    ("30/04/1958", "not_met"),
])
def test_another_patients_page_by_birth_date(reviewer, tmp_path, dob, b4):
    banner = "Patient: TEST, Patient   DOB 30/04/1959\n"
    docs = {name: banner + text for name, text in FAMILY_B.items()}
    docs["note_2026-02-08.txt"] = (f"ONCOLOGY NOTE\nDate of service: 02/08/2026\nPatient: TESTER, Pat   DOB {dob}\n"
                                   "ECOG 3. Expected survival is less than 3 months.\n")
    got = outcomes(reviewer, write_case(tmp_path, "stray", ["63303"], docs))["63303"]
    assert got[1]["B4"] == b4, got


TAGGED_LIST = ("SPINE TUMOR BOARD - PATIENT LIST\nDate: 02/10/2026\n(one row per patient; MRN last 4)\n\n"
               "1. MRN ...4471 | 64M | S1 met RCC | ECOG 1 | exp survival >12 mo | rec: S1 corpectomy\n"
               "2. MRN ...0936 | {ours} | L3 met, cauda equina compression | ECOG 3 | exp survival <3 mo\n"
               "3. MRN ...2285 | 58F | T7 met breast ca | ECOG 1 | exp survival >2 y | rec: T7\ncorpectomy\n")


@pytest.mark.parametrize(("tag", "width", "b4"), [
    # the chart tags its patient "71M" in two notes: the rows tagging others are someone else's,
    # however the list wraps
    ("71M", 0, "not_met"), ("71M", 40, "not_met"),
    # a row tagging nobody the chart knows: nothing to tell the patient by (a conflict of one date)
    ("66F", 0, "insufficient"),
])
def test_another_patients_row_by_age_and_sex(reviewer, tmp_path, tag, width, b4):
    import textwrap

    docs = dict(FAMILY_B)
    docs[B_NOTE] = docs[B_NOTE].replace("ECOG 1. ", "71M, metastatic RCC. ")
    docs["hp_2026-02-01.txt"] = "H&P\nDate of service: 02/01/2026\n71M with back pain. Seen on the ward.\n"
    board = TAGGED_LIST.format(ours=tag)
    if width:
        board = "\n".join(w for line in board.splitlines() for w in (textwrap.wrap(line, width) or [""]))
    docs["tb_2026-02-10.txt"] = board
    got = outcomes(reviewer, write_case(tmp_path, f"rows{width}{tag}", ["63303"], docs))["63303"]
    assert got[1]["B4"] == b4, got


@pytest.mark.parametrize(("final", "c1"), [
    # a preliminary read sent as its own report is replaced by the final report of the same study
    ("MRI PELVIS - FINAL REPORT\nExam date: 03/01/2026\nFINDINGS: 7 cm soft tissue mass in the left gluteal "
     "region. A fat plane separates the mass from the left sciatic nerve.\nIMPRESSION: Left gluteal mass; the "
     "sciatic nerve is separate from it.\n", "not_met"),
    # without the final report, the preliminary read is the read
    (None, "met"),
])
def test_final_report_replaces_a_preliminary_report(reviewer, tmp_path, final, c1):
    docs = dict(FAMILY_C)
    docs["mri_2026-03-01.txt"] = ("MRI PELVIS - PRELIMINARY READ\nExam date: 03/01/2026\nPrelim by the on-call "
                                  "reader; final interpretation to follow.\nThe mass abuts the left sciatic nerve "
                                  "at the notch.\n")
    if final:
        docs["mri_final_0303.txt"] = final
    got = outcomes(reviewer, write_case(tmp_path, f"prelim{bool(final)}", ["64712-LT"], docs))["64712"]
    assert got[1]["C1"] == c1, got


def test_a_nerve_draped_around_a_cyst_touches_no_tumor(reviewer, tmp_path):
    docs = dict(FAMILY_C)
    docs["mri_2026-03-01.txt"] = (
        "MRI PELVIS\nDate of service: 03/01/2026\nFINDINGS: 7 cm soft tissue mass in the left gluteal region, "
        "separated from the left sciatic nerve by a fat plane. Incidental 2 cm ganglion cyst at the notch.\n"
        "The left sciatic nerve is draped around this cyst, with mild displacement.\nIMPRESSION: Left gluteal "
        "mass. Ganglion cyst displacing the sciatic nerve.\n")
    got = outcomes(reviewer, write_case(tmp_path, "cyst", ["64712-LT"], docs))["64712"]
    assert got[1]["C1"] != "met" and got[0] != "approve", got


ENTRAPMENT = {
    "consult_2026-03-19.txt": (
        "NERVE SURGERY CONSULT\nDate of service: 03/19/2026\nLeft foot drop and sole numbness since an injection in "
        "the left buttock in 11/2025. Physical therapy and an AFO for 10 weeks without improvement.\nPlan: left "
        "sciatic nerve external neurolysis.\n"),
    "mrn_2026-03-11.txt": (
        "MR NEUROGRAPHY LEFT SCIATIC NERVE\nExam date: 03/11/2026\nFINDINGS: The left sciatic nerve is enlarged "
        "with perineural scar and focal narrowing consistent with focal compression by scar. No mass.\n"),
}
EMG_HL7 = ("MSH|^~\\&|NEUROPHYS|GH|EHR|GH|202603091512||ORU^R01|80457|P|2.3\n"
           "PID|1||5533071^^^GH^MR||DOE^JOHN||19731215|M\n"
           "OBR|1|EMG-1|NP-1|EMGNCS^NERVE CONDUCTION STUDIES AND NEEDLE EMG|||202603091300|||F\n"
           "OBX|1|TX|IMP^Interpretation||INTERPRETATION: Left sciatic neuropathy with axonal loss. Sparing of the "
           "gluteal muscles localises the lesion to the sciatic nerve distal to the gluteal nerves.||||||F\n")


@pytest.mark.parametrize(("emg", "pathway"), [
    # an electrodiagnostic study localises the nerve's injury ("the lesion"), and the muscles it
    # spares are no preserved nerve: no tumor, the entrapment pathway
    (EMG_HL7, "C1'"),
    # the same words in prose, in any file name
    ("NERVE CONDUCTION STUDY AND EMG\nDate of study: 03/09/2026\nLeft sciatic neuropathy. Sparing of the gluteal "
     "muscles localises the lesion to the sciatic nerve.\n", "C1'"),
])
def test_electrodiagnostic_lesion_is_no_tumor(reviewer, tmp_path, emg, pathway):
    docs = {**ENTRAPMENT, "ORU_R01_80457.txt": emg}
    got = outcomes(reviewer, write_case(tmp_path, "emg", ["64712-LT"], docs))["64712"]
    assert pathway in got[1] and got[0] == "approve", got


# ---- blind19 classes ------------------------------------------------------------------------------
OUTSIDE_MRI = ("MRI LUMBAR SPINE (OUTSIDE)\nDate of service: 01/20/2026\nFINDINGS: L3 vertebral lesion with an "
               "intradural extramedullary component displacing the cauda equina.\nIMPRESSION: L3 lesion with an "
               "intradural component.\n")
REVIEWED = ("MRI LUMBAR SPINE WITH REVIEW OF EXTERNAL MRI (Eastbay Imaging, 01/20/2026)\nDate of service: 01/28/2026\n"
            "FINDINGS: Enhancing lesion replaces the L3 vertebral body with epidural extension compressing the thecal "
            "sac. There is a pathologic compression fracture of L3. The \"intradural component\" described on the "
            "external report corresponds to the displaced ventral thecal sac.\nIMPRESSION: L3 metastasis with "
            "epidural extension.\n")


@pytest.mark.parametrize(("mri", "b2"), [
    # the institution's review of the outside study, in any words, replaces its read, and what it
    # says the outside "intradural component" really was takes it back: the lesion is epidural only,
    # the other compartment of the intradural code (blind36)
    (REVIEWED, "not_met"),
    # without the review the outside read's intradural part stands
    (REVIEWED.replace(" WITH REVIEW OF EXTERNAL MRI (Eastbay Imaging, 01/20/2026)", "").replace(
        " The \"intradural component\" described on the external report corresponds to the displaced ventral "
        "thecal sac.", ""), "met"),
])
def test_review_of_an_external_study(reviewer, tmp_path, mri, b2):
    docs = {**FAMILY_B, B_MRI: mri, "outside_mri.txt": OUTSIDE_MRI}
    got = outcomes(reviewer, write_case(tmp_path, "external", ["63307"], docs))["63307"]
    assert got[1]["B2"] == b2, got


@pytest.mark.parametrize(("note_tail", "b4"), [
    # a passage the note flags as another patient's decides nothing for this one
    ("[NOTE - paragraph below copied in error from another patient's record; not applicable to this patient]\n"
     "ECOG 3. Expected survival is less than 3 months.\n[end of pasted text]\n", "met"),
    ("The paragraph above belongs to a different patient: ECOG 3, expected survival under 3 months.\n", "met"),
    # a flag set off on its own line heads the passage under it, up to its closing line
    ("*** ENTERED IN ERROR - this paragraph belongs to another patient ***\nECOG 3. Expected survival is less "
     "than 3 months.\n*** END OF ERRONEOUS ENTRY ***\n", "met"),
    # a flag whose sentence OCR broke with blank lines still points forward to the paragraph below it
    ("*** NOTE: the paragraph below was copied\ninto this\n\nsummary from another patient's record in error. "
     "***\n\nECOG 3. Expected survival is less than 3 months.\n", "met"),
    # ... and past its own closing mark and the blank line under it
    ("*** NOTE: the paragraph below was copied\ninto this\n\nsummary from another patient's record in error. It "
     "does not refer to\nthis\n\npatient and should be disregarded. ***\n\nECOG 3. Expected survival is less than 3 "
     "months.\n", "met"),
    # a retraction of "the paragraph beginning" some words takes back the whole paragraph
    ("ECOG 3, bedbound. Expected survival is less than 3 months.\nADDENDUM: The paragraph beginning \"ECOG 3, "
     "bedbound\" was entered in error from another chart and is retracted.\n", "met"),
    # the same words as this patient's own
    ("ECOG 3. Expected survival is less than 3 months.\n", "not_met"),
    # a parenthesis dates its own score: "was ECOG 1" is the past, the ECOG 3 before it is now
    ("PERFORMANCE STATUS: ECOG 3 (was ECOG 1 in January).\n", "not_met"),
])
def test_what_the_note_says_is_not_this_patients_now(reviewer, tmp_path, note_tail, b4):
    docs = {**FAMILY_B, "note_2026-02-09.txt": f"SPINE FOLLOW-UP\nDate of service: 02/09/2026\n{note_tail}"}
    got = outcomes(reviewer, write_case(tmp_path, "pasted", ["63303"], docs))["63303"]
    assert got[1]["B4"] == b4, got


INTRADURAL = {
    "mri_2026-01-28.txt": ("MRI LUMBAR SPINE\nDate of service: 01/28/2026\nFINDINGS: Intradural extramedullary mass "
                           "fills the spinal canal at L2, compressing the cauda equina.\nIMPRESSION: Intradural "
                           "mass at L2.\n"),
    "note_2026-02-05.txt": ("NEUROSURGERY\nDate of service: 02/05/2026\nSaddle anesthesia and urinary retention. "
                            "Plan: L2 corpectomy and gross total resection with curative intent.\n"),
}


@pytest.mark.parametrize(("path_line", "b1"), [
    # a tissue-proven primary tumor of the cord's coverings is the neoplasm B1 names
    ("DIAGNOSIS: Myxopapillary ependymoma, CNS WHO grade 2.", "met"),
    # one that imaging only favors is not
    (None, "insufficient"),
])
def test_primary_spinal_cord_tumor(reviewer, tmp_path, path_line, b1):
    docs = dict(INTRADURAL)
    if path_line:
        docs["path_2026-02-02.txt"] = f"SURGICAL PATHOLOGY\nDate of service: 02/02/2026\n{path_line}\n"
    else:
        docs = edit(docs, "mri_2026-01-28.txt", "mass at L2.", "mass at L2, myxopapillary ependymoma favored.")
    got = outcomes(reviewer, write_case(tmp_path, "cns", ["63307"], docs))["63307"]
    assert got[1]["B1"] == b1, got


LMN = ("SPINE ONCOLOGY\nLETTER OF MEDICAL NECESSITY\nDate: 02/10/2026\nThe patient has a biopsy-proven L3 "
       "metastasis with ECOG 1 and an expected survival of more than 12 months. We request authorization.\n")


@pytest.mark.parametrize(("note_line", "b4"), [
    # the requester's letter argues the request: the record decides (the palliative note's ECOG 3 stands)
    ("ECOG 3. Expected survival is less than 3 months.", "not_met"),
    # ... and where the record says nothing, the letter does not say it for the record
    ("Seen for pain.", "met"),
])
def test_the_requesters_letter_is_no_record(reviewer, tmp_path, note_line, b4):
    docs = {**FAMILY_B, "note_2026-02-08.txt": f"PALLIATIVE CARE\nDate of service: 02/08/2026\n{note_line}\n",
            "lmn_2026-02-10.txt": LMN}
    got = outcomes(reviewer, write_case(tmp_path, "lmn", ["63303"], docs))["63303"]
    assert got[1]["B4"] == b4, got


def test_a_headings_duration_is_its_items(reviewer, tmp_path):
    # "Conservative care:" names no duration of its own: the sling's 6 weeks are fracture care, the
    # therapy for the nerve is 4 weeks (C3' not met)
    docs = {"nerve_2026-03-19.txt": (
        "NERVE SURGERY CONSULT\nDate of service: 03/19/2026\nNumbness of the right ulnar hand and weak grip after a "
        "clavicle fracture. EMG/NCS: right lower trunk plexopathy with conduction block.\nConservative care: sling "
        "for 6 weeks after fixation (fracture care). Physical therapy for 4 weeks so far.\nPlan: right brachial "
        "plexus neurolysis.\n")}
    got = outcomes(reviewer, write_case(tmp_path, "heading", ["64713-RT"], docs))["64713"]
    assert got[1]["C3'"] == "not_met", got


@pytest.mark.parametrize(("title", "a3"), [
    # a record that is also the letter stays a record; a letter alone argues for its statements of fact,
    # but the plan it states is the requester's own, first hand, where no other document plans
    ("OPERATIVE PLAN / LETTER OF MEDICAL NECESSITY", "met"),
    ("LETTER OF MEDICAL NECESSITY", "met"),
])
def test_a_plan_that_is_also_the_letter(reviewer, tmp_path, title, a3):
    docs = edit(FAMILY_A, A_NOTE, "ORTHOPAEDIC ONCOLOGY CONSULT", title)
    got = outcomes(reviewer, write_case(tmp_path, "plan_letter", ["27076-LT"], docs))["27076"]
    assert got[1]["A3"] == a3, got


# earlier words a later statement quotes and takes back decide nothing; quoted and agreed with,
# they stand
WET_READ_NOTE = ("SPINE SURGERY NOTE\nDate of service: 02/06/2026\nIMAGING: MRI L-spine (preliminary read): L3 "
                 "metastasis with epidural tumor, with intradural extension at L3.\nPlan: L3 corpectomy.\n")


@pytest.mark.parametrize(("name", "addendum", "superseded"), [
    ("withdrawn", 'The statement "with intradural extension at L3" above came from the wet read and is withdrawn.',
     True),
    ("withdrawn_across_a_wrap", 'The statement "with intradural\nextension at L3" above was made in error.', True),
    ("agreed_with", 'The statement "with intradural extension at L3" above is confirmed on the final read.', False),
])
def test_a_quoted_statement_taken_back(reviewer, tmp_path, name, addendum, superseded):
    from mednec.review import load_case

    docs = {**FAMILY_B, "note_2026-02-06.txt": WET_READ_NOTE + "\nADDENDUM 02/07/2026: " + addendum + "\n"}
    case = load_case(write_case(tmp_path, name, ["63307"], docs), known_codes=reviewer.known_codes)
    facts, _ = reviewer.read_case_facts(case)
    standing = [f for f in facts if f.document == "note_2026-02-06.txt" and f.concept == "compartment_intradural"
                and not (f.assertion.superseded or f.assertion.negated)]
    assert bool(standing) is not superseded, standing


# a flag that points back at another patient's paragraph names it: by the label it quotes, or as the
# paragraph just before the flag's own; the flag pointing at another paragraph leaves this one standing
ONC_PARAGRAPH = ("SPINE SURGERY CONSULT\nDate of service: 02/05/2026\nBilateral leg weakness 4/5 and intractable "
                 "pain.\n"
                 "\nSocial history: retired teacher.\n\nPlan: L3 corpectomy with posterior stabilization.\n\n"
                 "Oncology discussion: ECOG 1. Expected survival more than 12 months.\n\n{flag}\n")


@pytest.mark.parametrize(("name", "flag", "b4"), [
    ("quoted_label", 'ADDENDUM: The paragraph above headed "Oncology discussion" was pasted from another patient\'s '
                     "record in error.", "insufficient"),
    ("quoted_label_wrapped", 'ADDENDUM: The paragraph above headed "Oncology\ndiscussion" was pasted from another '
                             "patient's record in error.", "insufficient"),
    ("paragraph_just_before", "ADDENDUM: The paragraph above belongs to a different patient.", "insufficient"),
    ("another_paragraph_named", 'ADDENDUM: The paragraph above headed "Social history" was pasted from another '
                                "patient's record in error.", "met"),
])
def test_a_flag_pointing_back_names_its_paragraph(reviewer, tmp_path, name, flag, b4):
    docs = {**FAMILY_B, "note_2026-02-05.txt": ONC_PARAGRAPH.format(flag=flag)}
    got = outcomes(reviewer, write_case(tmp_path, name, ["63303"], docs))["63303"]
    assert got[1]["B4"] == b4, got


# a solitary iliac-wing metastasis (27075): an overnight preliminary CT read says it reaches the
# acetabular roof, the final MRI reads the acetabulum free and says so of the preliminary read
WING_PATH = ("SURGICAL PATHOLOGY REPORT\nCollected: 09/18/2025\nSpecimen: left iliac wing lesion, core biopsy.\n"
             "DIAGNOSIS: Metastatic renal cell carcinoma.\n")
WING_PRELIM = ("TELERADIOLOGY PRELIMINARY READ\nCT PELVIS WITH CONTRAST\nExam date: 09/14/2025\nFindings: Lytic "
               "lesion of the left iliac wing. The lesion extends to the left acetabular roof.\n")
WING_NOTE = ("ORTHOPAEDIC ONCOLOGY\nDate of service: 09/25/2025\nSolitary metastasis of the left iliac wing; PET/CT "
             "shows no other metastatic disease. Tumor board: curative-intent en bloc resection of the left iliac "
             "wing with wide margins. ECOG 0.\n")


@pytest.mark.parametrize(("mri_impression", "a2"), [
    # the final read calls the acetabulum free and doubts the preliminary read: superseded
    ("Lesion confined to the left iliac wing; the left acetabulum is uninvolved (the preliminary CT read of "
     "extension to the acetabular roof is not confirmed on review of the CT).", "met"),
    # it only doubts the preliminary read: the roof is left open
    ("Lesion of the left iliac wing. The preliminary CT read of extension to the acetabular roof cannot be "
     "confirmed.", "insufficient"),
])
def test_a_final_read_that_doubts_a_preliminary_read(reviewer, tmp_path, mri_impression, a2):
    docs = {"path.txt": WING_PATH, "ct_prelim.txt": WING_PRELIM, "note.txt": WING_NOTE,
            "mri.txt": f"MRI PELVIS\nExam date: 09/16/2025\nIMPRESSION: {mri_impression}\n"}
    got = outcomes(reviewer, write_case(tmp_path, "prelim", ["27075-LT"], docs))["27075"]
    assert got[1]["A2"] == a2, got


# an outside read of the whole hemipelvis, and an institution's re-read that reads two of its parts free
WHOLE_OUTSIDE = ("MRI PELVIS W/WO CONTRAST\nDate of exam: 08/25/2025\nIMPRESSION: Aggressive left iliac mass involving "
                 "the entire left hemipelvis (ilium, acetabulum, pubis and ischium), most likely Ewing sarcoma.\n")
WHOLE_REREAD = ("SECOND-OPINION INTERPRETATION OF OUTSIDE STUDY\nStudy: MRI pelvis, exam date 08/25/2025\nDate of this "
                "interpretation: 09/02/2025\nIMPRESSION: Left iliac tumor involving the wing and body with extension "
                "to the left acetabular roof. Disagree with the outside report regarding pubis and ischium: the left "
                "pubic ramus lesion is an incidental enchondroma and the left ischium is normal.\n")
WHOLE_PATH = ("SURGICAL PATHOLOGY\nDate of service: 09/05/2025\nSpecimen: left ilium, core biopsy.\n"
              "DIAGNOSIS: Ewing sarcoma.\n")
WHOLE_NOTE = ("SARCOMA CLINIC\nDate of service: 01/20/2026\nCompleted 6 cycles of VDC/IE. CT chest and PET-CT show no "
              "metastatic disease.\nPlan: en bloc resection with wide margins, curative intent.\n")


@pytest.mark.parametrize(("reread", "a2"), [(True, {"not_met", "insufficient"}), (False, {"met"})])
def test_a_reread_of_the_parts_takes_the_whole(reviewer, tmp_path, reread, a2):
    # (with the re-read the whole is no longer documented: never met, whether the smaller extent reads
    # as documented or only as undocumented)
    docs = {"outside_mri.txt": WHOLE_OUTSIDE, "path.txt": WHOLE_PATH, "note.txt": WHOLE_NOTE}
    if reread:
        docs["second_opinion.txt"] = WHOLE_REREAD
    got = outcomes(reviewer, write_case(tmp_path, "whole", ["27077-LT"], docs))["27077"]
    assert got[1]["A2"] in a2, got


_LETTER = ("PERIPHERAL NERVE CLINIC\nClinic date: 02/02/2026\nBurning pain down the back of the left thigh with "
           "numbness of the left sole and weak left ankle dorsiflexion 4/5.\nShe has had three months of "
           "physiotherapy and pregabalin without relief.\nHer EMG confirms a left sciatic neuropathy behind the hip.\n"
           "Plan: external neurolysis of the left sciatic nerve.\n{addendum}")


@pytest.mark.parametrize(("addendum", "c2"), [
    ("", "met"),
    # the claim rests on a study a later statement says was never done
    ("\nADDENDUM 16/02/2026: Correction to the letter above - the EMG/NCS has not yet been performed; it is "
     "booked for 09/03/2026.\n", "insufficient"),
    # another study not done, or a repeat not done, leaves the claim standing
    ("\nADDENDUM 16/02/2026: MR neurography has not yet been performed.\n", "met"),
    ("\nADDENDUM 16/02/2026: A repeat EMG has not yet been performed.\n", "met"),
])
def test_a_study_said_later_not_done_supports_nothing(reviewer, tmp_path, addendum, c2):
    docs = {"letter_2026-02-02.txt": _LETTER.format(addendum=addendum)}
    got = outcomes(reviewer, write_case(tmp_path, "undone", ["64712-LT"], docs))["64712"]
    assert got[1]["C2'"] == c2, got


def test_a_study_said_not_done_in_an_earlier_note_does_not_undo_a_later_one(reviewer, tmp_path):
    docs = {"letter_2026-02-02.txt": _LETTER.format(addendum=""),
            "note_2026-01-05.txt": "CLINIC NOTE\nDate of service: 01/05/2026\nThe EMG has not yet been performed.\n"}
    got = outcomes(reviewer, write_case(tmp_path, "undone", ["64712-LT"], docs))["64712"]
    assert got[1]["C2'"] == "met", got


@pytest.mark.parametrize(("second", "b2"), [
    # the impression's second item hedges an intradural component at L3, not the L3 metastasis itself
    ("2. ?intradural component at L3.\n", "met"),
    ("2. ?intradural component at L3.\nADDENDUM: No intradural component. The lesion is entirely extradural.\n",
     "met"),
    # an item that hedges the level's own involvement does
    ("2. L3 involvement questionable.\n", "insufficient"),
])
def test_a_level_named_as_a_hedged_findings_place_is_not_hedged(reviewer, tmp_path, second, b2):
    docs = edit(FAMILY_B, "mri_2026-01-28.txt", "IMPRESSION: L3 metastasis with epidural extension.\n",
                "IMPRESSION:\n1. L3 metastasis with epidural extension.\n" + second)
    got = outcomes(reviewer, write_case(tmp_path, "hedged_place", ["63303"], docs))["63303"]
    assert got[1]["B2"] == b2, got


_MINUTES = ("SARCOMA MDT - MINUTES   Wed 10/02/2026\n"
            "ITEM 1  - MRN ISD-0390127  F 44  L thigh sarcoma recurrence.\n  - ECOG 3. Expected survival under 3 "
            "months. Plan: palliation.\n"
            "ITEM 2  - TEST Patient  MRN {ours}  M 61\n  - L3 metastasis, for corpectomy.\n"
            "ITEM 3  - MRN ISD-0501776  M 79  myeloma.\n  - Not for surgery.\n")


@pytest.mark.parametrize(("ours", "b4"), [
    # the chart gives the patient's record number in two documents: the other items are someone else's
    ("ISD-0448213", "met"),
    # minutes that hold no block of this patient's record number set nothing aside (another
    # institution's numbers): the newest ECOG 3 stands
    ("ISD-0999999", "not_met"),
])
def test_another_patients_item_by_record_number(reviewer, tmp_path, ours, b4):
    banner = "Patient: TEST, Patient   MRN ISD-0448213\n"
    docs = {name: banner + text for name, text in FAMILY_B.items()}
    docs["mdt_2026-02-10.txt"] = _MINUTES.format(ours=ours)
    got = outcomes(reviewer, write_case(tmp_path, "items", ["63303"], docs))["63303"]
    assert got[1]["B4"] == b4, got


@pytest.mark.parametrize(("stated", "b3"), [
    # a metastasis in a spine stated stable, with no compression, deficit or intractable pain: B3 (b) and
    # (c) are excluded in words
    ("He is neurologically intact. There is no fracture and the lumbar spine is mechanically stable.", "not_met"),
    # nothing said of stability: open
    ("He is neurologically intact.", "insufficient"),
])
def test_a_stable_spine_in_words_excludes_the_metastasis_indications(reviewer, tmp_path, stated, b3):
    docs = edit(FAMILY_B, "mri_2026-01-28.txt", "Enhancing lesion replaces the L3 vertebral body with epidural "
                "extension compressing the thecal sac. There is a pathologic compression fracture of L3.\n",
                "Enhancing lesion replaces the L3 vertebral body. No epidural extension.\n")
    docs = edit(docs, "mri_2026-01-28.txt", "IMPRESSION: L3 metastasis with epidural extension.",
                "IMPRESSION: L3 metastasis.")
    docs = edit(docs, "note_2026-02-05.txt", "Bilateral leg weakness 4/5 and intractable pain. ", stated + " ")
    got = outcomes(reviewer, write_case(tmp_path, "stable", ["63303"], docs))["63303"]
    assert got[1]["B3"] == b3, got
