"""Classes found by the blind40 batch (first run 0.667 / 2 false approvals), each in our own words, with
rows where the outcome must not move: "s/o" and a predicate hedge with a degree word offer a reading;
"bone meta" names a metastasis; the treating team's newest hedged word on an untissued diagnosis
reopens it; a nerve plan stated on another's word gives way to the planner's own; a level pair
("S1/2") is no date; year-first dates ("2026.01.16", "2026/01/14"); a title line with a capitalised
abbreviation ("Univ. Hosp.") is no prose.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.lesions.charts import FAMILY_B, FAMILY_C, edit, outcomes, write_case

# ---- "s/o", "is most likely": a reading offered ----------------------------------------------------


@pytest.mark.parametrize(("text", "concept", "uncertain"), [
    ("Biopsy: s/o low-grade central osteosarcoma.", "osteosarcoma", True),
    ("#1 L2 lytic lesion, s/o bone metastasis from breast Ca.", "metastasis", True),
    ("Metastasis is most likely given the history.", "metastasis", True),
    ("A sarcoma is strongly favored.", "sarcoma", True),
    ("Biopsy: low-grade central osteosarcoma.", "osteosarcoma", False),
    ("Metastasis from breast carcinoma is confirmed.", "metastasis", False),
])
def test_a_reading_offered(facts_of, text, concept, uncertain):
    got = [f for f in facts_of(text, "clinical_note") if f.kind == "diagnosis" and f.concept == concept]
    assert got and all(f.assertion.uncertain is uncertain for f in got), [(f.concept, f.assertion) for f in got]


@pytest.mark.parametrize(("text", "metastasis"), [
    ("L2 lesion, s/o bone meta from breast Ca.", True),
    ("Multiple lung metas on CT.", True),
    ("A meta-analysis supports surgery.", False),
])
def test_meta_for_metastasis_named_with_a_site(facts_of, text, metastasis):
    got = [f for f in facts_of(text, "clinical_note") if f.kind == "diagnosis" and f.concept == "metastasis"]
    assert bool(got) is metastasis, got


# ---- the treating team's newest hedged word reopens an untissued diagnosis ---------------------------

REFERRAL_B = ("REFERRAL LETTER\nDate: 01/20/2026\nDear Doctor, thank you for seeing this lady with an L3 metastasis "
              "of breast cancer. Please evaluate for operation.\n")
MRI_B_OPEN = ("MRI LUMBAR SPINE\nDate of service: 01/28/2026\nFINDINGS: Lytic lesion replaces the L3 vertebral body "
              "with epidural extension. There is a pathologic compression fracture of L3. No intradural abnormality.\n"
              "IMPRESSION: L3 lytic lesion.\n")
NOTE_B_OPEN = ("SPINE SURGERY CONSULT\nDate of service: 02/05/2026\nBilateral leg weakness 4/5 and intractable pain. "
               "ECOG 1. Expected survival more than 12 months.\n#1 L3 lesion, {reading}\n"
               "Plan: CT-guided biopsy of L3, then L3 corpectomy with posterior stabilization.\n")


@pytest.mark.parametrize(("reading", "tissue", "b1"), [
    # the referral's flat word, then the treating team's newest word hedges it: no diagnosis yet
    ("s/o bone metastasis from breast cancer, r/o myeloma.", False, "insufficient"),
    ("metastasis is most likely; myeloma not excluded.", False, "insufficient"),
    # the treating team states it: a treating-team diagnosis
    ("metastasis of breast cancer.", False, "met"),
    # tissue settles it over any hedge
    ("s/o bone metastasis from breast cancer, r/o myeloma.", True, "met"),
])
def test_a_newest_hedged_word_reopens_an_untissued_diagnosis(reviewer, tmp_path, reading, tissue, b1):
    docs = {"referral_2026-01-20.txt": REFERRAL_B, "mri_2026-01-28.txt": MRI_B_OPEN,
            "note_2026-02-05.txt": NOTE_B_OPEN.format(reading=reading)}
    if tissue:
        docs["path_2026-02-02.txt"] = FAMILY_B["path_2026-02-02.txt"]
    got = outcomes(reviewer, write_case(tmp_path, "b", ["63303"], docs))
    assert got["63303"][1]["B1"] == b1, got


# ---- a plan on another's word gives way to the planner's own -----------------------------------------

NAVIGATOR = ("NURSE NAVIGATOR CHART SUMMARY\nDate: 03/20/2026\nSurgery: wide resection of the left gluteal sarcoma, "
             "sciatic nerve to be preserved {source}.\n")
CONDITIONAL = ("Plan: wide resection of the left gluteal sarcoma with neuroplasty of the left sciatic nerve. Whether "
               "the nerve can be kept will be settled in the operating room; if tumor has grown into the epineurium, "
               "the sciatic nerve goes with the specimen.\n")


@pytest.mark.parametrize(("source", "surgeon", "c2"), [
    # the surgeon's own plan is conditional: the navigator's restatement settles nothing
    ("per Dr. Vance", CONDITIONAL, "insufficient"),
    ("according to the surgeon", CONDITIONAL, "insufficient"),
    # the surgeon's own plan preserves the nerve: preserved either way
    ("per Dr. Vance", None, "met"),
])
def test_a_plan_on_anothers_word_gives_way_to_the_planners_own(reviewer, tmp_path, source, surgeon, c2):
    docs = {**FAMILY_C, "navigator_2026-03-20.txt": NAVIGATOR.format(source=source)}
    if surgeon is not None:
        docs = edit(docs, "note_2026-03-10.txt", docs["note_2026-03-10.txt"].split("\n", 2)[2], surgeon)
    got = outcomes(reviewer, write_case(tmp_path, "c", ["64712-LT"], docs))
    assert got["64712"][1]["C2"] == c2, got


def test_a_plan_stated_first_hand_is_not_reported(facts_of):
    got = [f for f in facts_of("Plan: the sciatic nerve will be preserved.", "clinical_note")
           if f.concept == "nerve_preservation"]
    assert got and not any(f.assertion.reported for f in got)
    got = [f for f in facts_of("Sciatic nerve to be preserved per Dr. Vance.", "clinical_note")
           if f.concept == "nerve_preservation"]
    assert got and all(f.assertion.reported for f in got)


# ---- a level pair is no date; year-first dates; a title with an abbreviation -------------------------

@pytest.mark.parametrize(("line", "historical"), [
    ("Plan: en bloc partial sacrectomy, osteotomy through the S1/2 level, curative intent.", False),
    ("Plan: en bloc partial sacrectomy through L4/5, curative intent.", False),
    # a real earlier date still makes a plan history ("done 1/2" in a March note)
    ("Underwent en bloc partial sacrectomy on 1/2/2026.", True),
])
def test_a_level_pair_is_no_date(facts_of, line, historical):
    got = [f for f in facts_of(line, "tumor_board", dt.date(2026, 3, 1)) if f.concept == "en_bloc"]
    assert got and all(f.assertion.historical is historical for f in got), [f.assertion for f in got]


@pytest.mark.parametrize(("text", "date"), [
    ("Cancer board  2026.01.16\nPolicy: resection.\n", dt.date(2026, 1, 16)),
    ("Report: CT pelvis (2025/11/04)\nFindings: mass.\n", dt.date(2025, 11, 4)),
    ("MRI 2026-02-03\nFindings: mass.\n", dt.date(2026, 2, 3)),
    # mixed separators are no date
    ("MRI 2026/02-03\nFindings: mass.\n", None),
])
def test_year_first_dates(text, date):
    from mednec.pipeline.doctype import infer_date

    assert infer_date(text) == date


@pytest.mark.parametrize(("title", "doc_type"), [
    ("Cancer Board (Musculoskeletal Tumor)  2026.01.16  Kanto Medical Univ. Hosp.", "tumor_board"),
    ("Dept. of Radiology  Kinki Univ. Hosp.  MRI PELVIS", "imaging"),
])
def test_a_title_with_an_abbreviation_is_no_prose(title, doc_type):
    from mednec.pipeline.doctype import infer_type

    assert infer_type(title + "\n68M  Sacral chordoma. Chest CT negative.\n") == doc_type


# ---- a hedge inside a closed parenthesis is the aside's own ------------------------------------------

@pytest.mark.parametrize(("text", "relation"), [
    ("Right gluteal sarcoma (myxofibrosarcoma suspected) with invasion\nof the right ischial tuberosity.", "involve"),
    ("Right gluteal sarcoma with possible invasion of the right ischial tuberosity.", None),
])
def test_a_hedge_in_a_closed_parenthesis_is_the_asides_own(facts_of, text, relation):
    got = [f for f in facts_of(text) if f.concept == "ischial_tuberosity"]
    assert got and all(f.relation == relation for f in got), [(f.relation, f.assertion) for f in got]


# ---- a denial opening a list reaches each item ----------------------------------------------------------

@pytest.mark.parametrize(("text", "relation"), [
    ("Edema-like signal in the left superior pubic ramus without a mass, cortical destruction or "
     "enhancement of tumor.", None),
    ("Edema-like signal in the left superior pubic ramus with cortical destruction.", "involve"),
    # the list ends at a new clause: "no fracture, the mass destroys ..." still destroys
    ("No fracture; the mass shows cortical destruction of the left superior pubic ramus.", "involve"),
])
def test_a_denial_opening_a_list_reaches_each_item(facts_of, text, relation):
    got = [f for f in facts_of(text) if f.concept == "pubic_ramus"]
    assert got and all(f.relation == relation for f in got), [(f.relation, f.assertion) for f in got]


# ---- a staging study named in another clause's denial is no study missing -----------------------------

@pytest.mark.parametrize(("line", "negated_stands"), [
    ("Staging: chest CT 2026/01/07 no lung mets; PET-CT 2025/12/02 no other uptake.", True),
    ("Staging: no lung mets reported by the referrer; PET-CT awaited.", False),
])
def test_a_denial_in_another_clause_says_no_study_is_missing(reviewer, tmp_path, line, negated_stands):
    board = f"TUMOR BOARD\nDate: 01/14/2026\n{line}\n"
    case = write_case(tmp_path, "a", ["27076-LT"], {"board_2026-01-14.txt": board})
    from mednec.review import load_case

    facts, _ = reviewer.read_case_facts(load_case(case, known_codes=reviewer.known_codes))
    mets = [f for f in facts if f.kind == "diagnosis" and f.concept == "metastasis" and f.assertion.negated]
    assert mets and all((not f.assertion.superseded) is negated_stands for f in mets), [f.assertion for f in mets]


# ---- the roots a plan names: a coordinated list, within its clause ------------------------------------

@pytest.mark.parametrize(("text", "plan", "levels"), [
    ("Roots: bilateral S1, S2 and S3 roots to be preserved; S4, S5 and coccygeal roots taken with the specimen.",
     "nerve_preservation", ("S1", "S2", "S3")),
    ("Roots: bilateral S1, S2 and S3 roots to be preserved; S4, S5 and coccygeal roots taken with the specimen.",
     "nerve_sacrifice", ("S4", "S5")),
    ("The S4 and S5 roots will be sacrificed.", "nerve_sacrifice", ("S4", "S5")),
])
def test_the_roots_a_plan_names(facts_of, text, plan, levels):
    got = [f for f in facts_of(text, "tumor_board") if f.concept == plan]
    assert got and all(f.levels == levels and f.target == "nerve_root" for f in got), \
        [(f.levels, f.target) for f in got]


def test_roots_outside_the_codes_nerve_leave_it_preserved(reviewer, tmp_path):
    mri = ("MRI SACRUM\nDate of service: 02/09/2026\nFINDINGS: Sacrococcygeal mass from S3 to the coccyx. The tumor "
           "abuts the left S3 nerve root at its foramen.\nIMPRESSION: Sacral chordoma abutting the left S3 root.\n")
    path = "SURGICAL PATHOLOGY\nDate of service: 02/12/2026\nDIAGNOSIS: Chordoma, conventional type.\n"
    board = ("TUMOR BOARD\nDate: 02/19/2026\nPlan: en bloc partial sacrectomy with curative intent. Roots: bilateral "
             "S1, S2 and S3 roots to be preserved, with neurolysis of the left S3 root; {tail}\n")
    for tail, c2 in (("S4, S5 and coccygeal roots taken with the specimen.", "met"),
                     ("the left S3 root taken with the specimen.", "not_met")):
        docs = {"mri_2026-02-09.txt": mri, "path_2026-02-12.txt": path, "board_2026-02-19.txt": board.format(tail=tail)}
        got = outcomes(reviewer, write_case(tmp_path, c2, ["64712-LT"], docs))
        assert got["64712"][1]["C2"] == c2, (tail, got)


# ---- durations: from a start date; a plan's horizon is no course ---------------------------------------

@pytest.mark.parametrize(("text", "weeks"), [
    ("Rehab (PT: quadriceps strengthening) started 2025/12/22.", 2.7),
    ("Physical therapy since 12/22/2025.", 2.7),
    ("PT referral placed today, reassess after 6-8 weeks of therapy.", None),
    ("Physical therapy, follow up in 6 weeks.", None),
    ("Physical therapy for 8 weeks without relief.", 8.0),
])
def test_course_durations(facts_of, text, weeks):
    got = [f.weeks for f in facts_of(text, "clinical_note", dt.date(2026, 1, 10))
           if f.kind == "therapy" and f.concept == "physical_therapy"]
    assert got and max(got, key=lambda w: w or 0) == weeks, got


def test_a_coagulation_test_is_no_physical_therapy(facts_of):
    got = [f for f in facts_of("Iliopsoas hematoma (PT-INR 4.8) on warfarin.", "clinical_note")
           if f.concept == "physical_therapy"]
    assert not got


# ---- a reading after a colon hedges the reading, not the finding named before it -----------------------

@pytest.mark.parametrize(("impression", "questioned"), [
    ("1. Lt. brachial plexus tumor (upper trunk origin): MPNST is strongly\n   suspected (size, necrosis).", False),
    # the tumor itself only suspected: the impression's reading replaces the body's
    ("1. Lt. brachial plexus tumor (upper trunk origin) is strongly suspected.", True),
])
def test_a_reading_after_a_colon_questions_no_finding(facts_of, impression, questioned):
    text = ("Findings:\nLt.: 7 cm mass in the Lt. supraclavicular fossa arising from the Lt. upper trunk. It encases "
            f"the Lt. upper and middle trunks.\nImpression:\n{impression}\n")
    got = [f for f in facts_of(text) if f.concept == "brachial_plexus" and "It encases" in f.evidence[0].text]
    assert got and all((f.assertion.uncertain or f.assertion.superseded) is questioned for f in got), \
        [f.assertion for f in got]


# ---- sacrifice in other words; an institution's name -------------------------------------------------

@pytest.mark.parametrize("text", [
    "The left upper and middle trunks will be taken in continuity with the tumor.",
    "The femoral nerve will be resected en bloc with the tumor.",
])
def test_a_nerve_taken_with_the_tumor_is_sacrificed(facts_of, text):
    assert any(f.concept == "nerve_sacrifice" for f in facts_of(text, "tumor_board"))


def test_a_disease_word_in_a_service_name_is_no_tumor(facts_of):
    text = ("Keystone Musculoskeletal Tumor & Spine Surgery -- Peripheral Nerve Service\n"
            "Follow-up visit. Left arm numbness unchanged.\n")
    assert not [f for f in facts_of(text, "clinical_note") if f.kind == "diagnosis"]


# ---- dates: a file name in the chart's order; of several fax stamps the earliest ----------------------

def test_a_file_names_date_is_read_in_the_charts_order():
    from mednec.pipeline.doctype import infer_date

    text = "RADIOLOGY\nExamination: CT THORAX\nDate: 10/03/2026\n"
    assert infer_date(text, "ct_staging_10-03-2026.txt", day_first_order=True).isoformat() == "2026-03-10"
    assert infer_date(text, "ct_staging_10-03-2026.txt").isoformat() == "2026-10-03"


def test_of_several_fax_stamps_the_earliest_dates_the_document():
    from mednec.pipeline.doctype import infer_date

    letter = ("MAR-02-2026 09:12 FROM-ORTHO ONCOLOGY CLINIC  (555)010-2000  P.005/009\n"
              "[FAX] REGIONAL GENERAL HOSPITAL  2026.01.09  Page 1 of 1\nDear Doctor, thank you for seeing her.\n")
    assert infer_date(letter).isoformat() == "2026-01-09"
