"""Unit rows for the lesion model's mechanisms: damaged "no", wrapped lines, subjects,
hedges that point back, the impression, compartment descriptors and past scores."""

from __future__ import annotations

import pytest
from mednec.pipeline.respell import respell


@pytest.mark.parametrize(("text", "repaired"), [
    ("Ne pulmonary metastases.", "No pulmonary metastases."),
    ("There is ne encasement of the vessels.", "There is no encasement of the vessels."),
    ("with ne epidural tumor", "with no epidural tumor"),
    ("THERE IS NE INTRADURAL ABNORMALITY", "THERE IS NO INTRADURAL ABNORMALITY"),
    ("N o intradural extension.", "No intradural extension."),
    # "be" read as "he" between a modal and a past participle
    ("contact with the nerve cannot he excluded.", "contact with the nerve cannot be excluded."),
    ("IT MAY HE RELATED", "IT MAY BE RELATED"),
    ("He was seen in clinic.", "He was seen in clinic."),
    ("so he excluded nothing", "so he excluded nothing"),
    # no clinical word after it, a name, TNM staging: left as written
    ("ne plus ultra", "ne plus ultra"),
    ("Mr. Ne is here", "Mr. Ne is here"),
    ("T2 N0 M0", "T2 N0 M0"),
])
def test_damaged_no(text, repaired):
    assert respell(text)[0] == repaired


@pytest.mark.parametrize(("text", "sentences"), [
    ("THERE IS NO\nINTRADURAL ABNORMALITY.", 1),
    ("AGGRESSIVE LYTIC LESION OF T12 WITH A LARGE PARAVERTEBRAL COMPONENT. THE DIFFERENTIAL\n"
     "INCLUDES CHORDOMA AND METASTASIS.", 2),
    ("Smoker: no\nAlcohol: rarely", 2),
    ("FINDINGS\nTHE MASS IS LARGE.", 2),
    ("3. L1 HEMANGIOMA.\n4. NO FRACTURE.", 2),
    # a clause that ends its line on a colon runs on in lower case; a short label does not
    ("2. Indistinct ventral dura with an intrathecal enhancing focus:\npossible intradural extension.", 1),
    ("Plan:\ncontinue physical therapy.", 2),
    # a period that would not end the sentence inside a line ends none at a wrap either
    ("The posterior femoral cutaneous n.\nwill be sacrificed with the specimen.", 1),
    ("No fracture.\nstable marrow signal.", 2),
    ("Neuroplasty of the left lumbosacral plexus (L5, S1,\nS2) off the pseudocapsule; the nerves are kept.", 1),
    # a short all-caps line inside a paragraph starts a wrapped sentence; a section title does not
    ("2. AGGRESSIVE LYTIC LESION OF T12 WITH A PARAVERTEBRAL COMPONENT.\nDIFFERENTIAL\n"
     "INCLUDES CHORDOMA AND METASTASIS.", 2),
    ("TECHNIQUE: AXIAL IMAGES WERE OBTAINED WITHOUT CONTRAST.\nFINDINGS\nTHE MASS IS LARGE.", 3),
])
def test_wrapped_lines(nlp, text, sentences):
    assert len(list(nlp(text).sents)) == sentences


def _facts(facts_of, text, doc_type="imaging"):
    return facts_of(text, doc_type)


def test_subject_is_the_benign_lesion_of_its_clause(facts_of):
    facts = _facts(facts_of, "Metastasis replaces the T11 vertebral body; incidental hemangioma in the L2 vertebral "
                             "body.")
    by_level = {f.levels: f for f in facts if f.kind == "site" and f.levels}
    assert by_level[("T11",)].subject_category == "metastasis"
    assert by_level[("L2",)].subject_category == "benign"


@pytest.mark.parametrize(("text", "uncertain"), [
    ("Marrow signal extends into the left acetabular roof. This may represent edema.", True),
    ("Marrow signal extends into the left acetabular roof, which could reflect reactive change.", True),
    ("The mass extends into the left acetabular roof. It likely represents a chondrosarcoma.", False),
    ("The mass extends into the left acetabular roof. It measures 9 cm.", False),
])
def test_hedge_pointing_back(facts_of, text, uncertain):
    roof = [f for f in _facts(facts_of, text) if f.concept == "acetabulum"]
    assert roof and all(f.assertion.uncertain == uncertain for f in roof)


def test_impression_supersedes_the_findings(facts_of):
    text = ("FINDINGS: The mass extends into the left acetabular roof.\n"
            "IMPRESSION: Possible extension into the left acetabular roof.\n")
    body = [f for f in _facts(facts_of, text) if f.concept == "acetabulum" and f.section != "impression"]
    assert body and all(f.assertion.superseded and f.assertion.superseded_by == "impression" for f in body)


def test_impression_denying_a_fracture_supersedes_nothing(facts_of):
    text = ("FINDINGS: The mass abuts the left acetabular roof.\n"
            "IMPRESSION: No fracture of the left acetabulum.\n")
    body = [f for f in _facts(facts_of, text) if f.concept == "acetabulum" and f.section != "impression"]
    assert body and not any(f.assertion.superseded for f in body)


@pytest.mark.parametrize(("text", "found"), [
    ("There is intradural extension of tumor.", True),
    ("The intradural nerve roots are crowded.", False),
    ("10 mL iohexol intrathecal; CT after contrast.", False),
    ("Intrathecal chemotherapy was given.", False),
])
def test_compartment_descriptors(facts_of, text, found):
    assert any(f.concept == "compartment_intradural" for f in _facts(facts_of, text)) == found


def test_past_score_beside_a_current_one_is_history(facts_of):
    facts = _facts(facts_of, "Before the onset of weakness she was ECOG 1. Current performance status: ECOG 3.",
                   "clinical_note")
    ecog = {f.value: f.assertion.historical for f in facts if f.kind == "score" and f.category == "ecog"}
    assert ecog == {1.0: True, 3.0: False}


@pytest.mark.parametrize(("text", "weeks", "comparator"), [
    # "over" after a count of sessions is the time they took; before a bare duration, "more than"
    ("Formal PT 10/27-11/21/2025, 7 visits over 4 weeks, stopped.", 4, "="),
    ("Physical therapy for over 8 weeks without relief.", 8, ">"),
])
def test_sessions_over_weeks_is_their_span(facts_of, text, weeks, comparator):
    pt = [f for f in _facts(facts_of, text, "clinical_note") if f.kind == "therapy"]
    assert pt and pt[0].weeks == weeks and pt[0].weeks_comparator == comparator


@pytest.mark.parametrize("text", [
    # a conjunction between two structures joins one subject: the verb after them speaks of both
    "Marrow signal in the superior pubic ramus and ischium has resolved.",
    "Marrow signal in the ischium and superior pubic ramus has resolved.",
])
def test_a_coordinated_subject_shares_its_verb(facts_of, text):
    sites = {f.concept: f.assertion for f in _facts(facts_of, text, "imaging") if f.kind == "site"}
    assert set(sites) == {"pubic_ramus", "ischium"}
    assert all(a.historical and not a.affirmed for a in sites.values()), sites


def test_a_pathology_diagnosis_is_of_its_own_specimen(facts_of):
    # a year and a side the diagnosis compares with belong to the older specimen, not to this one
    facts = _facts(facts_of, "SURGICAL PATHOLOGY REPORT\nSpecimen: Left iliac wing lesion, core biopsy.\n"
                             "DIAGNOSIS: Metastatic renal cell carcinoma, morphologically similar to the 2022 "
                             "right nephrectomy.\n", "pathology")
    met = [f for f in facts if f.kind == "diagnosis" and f.concept == "metastasis"]
    assert met and not met[0].assertion.historical and met[0].side == "left", met


def test_a_denied_tumor_is_no_subject(facts_of):
    # the plexus is encased by fibrosis: the tumor the clause names after "without" is denied
    facts = _facts(facts_of, "1. Radiation-induced fibrosis encasing the left brachial plexus (upper and middle\n"
                             "trunks), without mass or nodular enhancement to suggest tumor recurrence.")
    plexus = [f for f in facts if f.kind == "nerve"]
    assert plexus and all(f.subject is None for f in plexus), [(f.id, f.subject) for f in plexus]


def test_a_denial_closed_by_a_comma_leaves_the_subject(facts_of):
    facts = _facts(facts_of, "The 6 mm focus in the right supra-acetabular ilium that abuts the acetabular roof is "
                             "low signal, without enhancement or edema, consistent with a bone island.")
    roof = [f for f in facts if f.kind == "site" and f.concept == "acetabulum"]
    assert roof and roof[0].subject_category == "benign", [(f.id, f.subject, f.subject_category) for f in roof]


@pytest.mark.parametrize(("text", "cited"), [
    # a label another read gave is cited, not stated; the same word stated is stated
    ("ADDENDUM: The component described above as intradural is epidural.", True),
    ("ADDENDUM: There is an intradural component at L2.", False),
])
def test_a_label_described_as_is_cited(facts_of, text, cited):
    found = [f for f in _facts(facts_of, text) if f.concept == "compartment_intradural"]
    assert found and found[0].assertion.superseded == cited, found


@pytest.mark.parametrize(("text", "stated"), [
    # a label in quotation marks after a naming verb is the name another read gave: every level in it
    ('Specimen: T12 vertebral body, core biopsy (labelled "L1 per outside CT / T12 per over-read")', {"T12"}),
    ('Specimen: T12 vertebral body, core biopsy (called \u201cL1\u201d on the outside study)', {"T12"}),
    ('Specimen: T12 vertebral body, core biopsy (labelled "T12 per over-read /\nL1 per outside CT")', {"T12"}),
    # no naming verb: the quotation marks alone cite nothing
    ('Specimen: T12 vertebral body, core biopsy (with "L1" cortex fragments)', {"T12", "L1"}),
])
def test_a_quoted_label_is_cited(facts_of, text, stated):
    levels = [f for f in _facts(facts_of, text, "pathology") if f.concept == "spinal_level"]
    got = {lv for f in levels if not f.assertion.superseded for lv in f.levels}
    assert got == stated, [(f.levels, f.assertion.superseded) for f in levels]


def test_a_lead_denies_the_unmarked_list_under_it(facts_of):
    # OCR flattened the list's indentation: the sentence right under "No:" is still its first item
    facts = _facts(facts_of, "The dura is displaced but intact.\nNo:\nintradural extension,\nleptomeningeal "
                             "enhancement, or\nclumping of the cauda equina nerve roots.\nL1: small Schmorl node.")
    intradural = [f for f in facts if f.concept == "compartment_intradural"]
    assert intradural and all(f.assertion.negated for f in intradural), intradural


def test_weeks_keep_their_comparator(facts_of):
    facts = _facts(facts_of, "Physical therapy for under 6 weeks so far.", "clinical_note")
    pt = [f for f in facts if f.kind == "therapy"]
    assert pt and pt[0].weeks == 6 and pt[0].weeks_comparator == "<"


def test_a_sentence_broken_by_a_fax_page_reads_on(nlp):
    from mednec.review import analyse_text

    text = ("PLAN:\n2. Neuroplasty of the left sciatic nerve and left lumbosacral plexus\n\f\n"
            "MAR-25-2026 13:47 FROM-CANCER INSTITUTE P.003/012\nPatient: DOE, JANE  MRN: 123  DOB: 01/02/1970\n\n"
            "(L5, S1, S2) off the pseudocapsule; the nerves will be preserved.\n"
            "01/12/2026 14:30 FROM-CANCER INSTITUTE P.004/012 seen in clinic\n")
    analysed, offsets = analyse_text(text)
    assert offsets is None and len(analysed) == len(text)
    assert "P.003/012" not in analysed and "DOE, JANE" not in analysed
    sents = [s.text for s in nlp(analysed).sents if "Neuroplasty" in s.text]
    assert sents and "preserved" in sents[0]


@pytest.mark.parametrize(("text", "negated", "uncertain"), [
    # "no other evidence of" presupposes a finding already made: no clean negative
    ("2. No other evidence of thoracic metastatic disease.", False, True),
    ("No additional sites of metastatic disease.", False, True),
    ("No evidence of metastatic disease.", True, False),
])
def test_partial_negation_is_no_clean_negative(facts_of, text, negated, uncertain):
    mets = [f for f in facts_of(text) if f.concept == "metastasis"]
    assert mets and all(f.assertion.negated == negated and f.assertion.uncertain == uncertain for f in mets)


def test_a_pathology_specimen_negative_is_no_staging(reviewer, tmp_path):
    """'No evidence of metastatic melanoma' in a pathology report is about the specimen: A5 needs a
    staging study."""
    from tests.lesions.charts import outcomes, write_case

    docs = {
        "pathology_2026-03-17.txt": "SURGICAL PATHOLOGY REPORT\nDate: 03/17/2026\nDIAGNOSIS: Right iliac wing, core "
                                    "biopsy: dedifferentiated liposarcoma invading bone. Immunostains show no "
                                    "evidence of metastatic melanoma.\n",
        "ct_2026-03-11.txt": "CT ABDOMEN PELVIS\nExam date: 03/11/2026\nFINDINGS: A right iliacus mass invades the "
                             "right iliac wing. The acetabulum is spared. The chest is not imaged.\n",
    }
    got = outcomes(reviewer, write_case(tmp_path, "path", ["27075-RT"], docs))["27075"]
    assert got[1]["A5"] == "insufficient"


@pytest.mark.parametrize(("text", "concept", "uncertain"), [
    # a reading offered after a comma with its verb left out hedges its own clause
    ("Marrow signal extends to the right acetabular roof, possibly reactive edema.", "acetabulum", True),
    ("Mild T2 hyperintensity of the right sciatic nerve, possibly perineural fibrosis or neuritis.",
     "sciatic_nerve", True),
    ("Signal change reaches the\nright acetabular roof, likely\npost-treatment change.", "acetabulum", True),
    # not another clause's finding, not a finding of its own after the hedge, not a tumor reading
    ("The mass abuts the right acetabular roof; adjacent marrow edema, possibly reactive.", "acetabulum", False),
    ("Mass abuts the right acetabular roof, possibly with reactive edema in the ischium.", "acetabulum", False),
    ("Mass abuts the right acetabular roof, likely chondrosarcoma.", "acetabulum", False),
    # a mechanism stated is no hedge (POLICY: "consistent with focal compression" states it)
    ("Mild T2 hyperintensity of the right sciatic nerve, consistent with perineural fibrosis.", "sciatic_nerve",
     False),
])
def test_a_reading_offered_after_a_comma_hedges_its_clause(facts_of, text, concept, uncertain):
    found = [f for f in _facts(facts_of, text) if f.concept == concept and f.relation]
    assert found and all(f.assertion.uncertain == uncertain for f in found), \
        [(f.relation, f.assertion) for f in found]


@pytest.mark.parametrize("text", [
    # a flag set off by marks, wrapped over two lines, with OCR's blank lines between it, the passage and
    # the passage's closing line: the passage down to the closing line is another patient's
    "PT DISCHARGE SUMMARY\nDuration: 4 weeks.\n\n*** ENTERED IN ERROR - this paragraph belongs to another patient;\n"
    "see addendum ***\n\nPt completed 10 weeks of supervised therapy with good tolerance and\nindependent HEP; "
    "cervical\n\nradiculopathy symptoms resolved.\n\n** END OF ERRONEOUS ENTRY ***\n\nTreatment: nerve glides.\n",
])
def test_a_marked_flag_heads_the_passage_down_to_its_closing_line(facts_of, text):
    pt = [f for f in _facts(facts_of, text, "clinical_note") if f.kind == "therapy" and f.weeks == 10]
    assert pt and all(f.assertion.family for f in pt), [(f.evidence[0].text, f.assertion) for f in pt]


@pytest.mark.parametrize(("text", "concept", "asked"), [
    # what a question names is asked, not stated, wherever OCR broke its lines
    ('ADDENDUM - Question from Dr. B (orthopaedic\noncology): "Is lesion 2 contiguous with\n\nthe tumor, and is the '
     'pubis/ischium involved at any time point?"\nAnswer: No.', "ischium", True),
    ("Clinical question: R/O fracture? The mass abuts the right acetabular roof.", "acetabulum", False),
    # a "?" glued to a word is a hedge, no question
    ("Indication: ?intradural extension.", "compartment_intradural", False),
])
def test_a_question_states_nothing(facts_of, text, concept, asked):
    found = [f for f in _facts(facts_of, text) if f.concept == concept]
    assert found and all(f.assertion.superseded == asked for f in found), [f.assertion for f in found]
