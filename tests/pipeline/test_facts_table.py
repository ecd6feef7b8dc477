"""Rule table: short clinical texts -> the exact fact, span, side, relation and assertion."""

from __future__ import annotations

import pytest

AFFIRMED: frozenset[str] = frozenset()

# text, concept, evidence text, side, relation, assertion flags set, extra attributes
ROWS = [
    # "separate from" keeps a structure apart from the tumor on either side of the cue
    ("The left lumbar plexus and left femoral nerve are separate from the mass.", "femoral_nerve",
     "The left lumbar plexus and left femoral nerve are separate from the mass", "left", "separate",
     AFFIRMED, {}),
    # "R" and "L" alone are sides; "27075-RT" is a code modifier, not radiation therapy
    ("Decreased LT R anterior thigh.", "limb_lumbar", "Decreased LT R anterior thigh", "right", None,
     AFFIRMED, {}),
    ("The mass abuts the left acetabular roof.", "acetabulum", "The mass abuts the left acetabular roof",
     "left", "abut", AFFIRMED, {}),
    # the relation cue is denied ("not involved"), so the structure keeps no relation
    ("The right acetabulum is not involved.", "acetabulum", "The right acetabulum is not involved",
     "right", None, {"negated"}, {}),
    ("The sciatic nerve is displaced but not encased.", "sciatic_nerve",
     "The sciatic nerve is displaced but not encased", None, "displace", AFFIRMED, {}),
    ("No intradural or intrathecal extension.", "compartment_intradural", "No intradural or intrathecal extension",
     None, None, {"negated"}, {}),
    ("Tumor contacts the left L5, S1 and S2 nerve roots and the left lumbosacral plexus.", "nerve_root",
     "Tumor contacts the left L5, S1 and S2 nerve roots and the left lumbosacral plexus", "left", "contact",
     AFFIRMED, {"levels": ("L5", "S1", "S2")}),
    ("Tumor contacts the left L5, S1 and S2 nerve roots and the left lumbosacral plexus.", "lumbosacral_plexus",
     "Tumor contacts the left L5, S1 and S2 nerve roots and the left lumbosacral plexus", "left", "contact",
     AFFIRMED, {}),
    ("She has completed three cycles of neoadjuvant cisplatin and doxorubicin.", "chemotherapy",
     "She has completed three cycles of neoadjuvant cisplatin and doxorubicin", None, None, AFFIRMED,
     {"cycles": 3.0}),
    ("Expected survival is less than 3 months.", "survival", "Expected survival is less than 3 months",
     None, None, AFFIRMED, {"value": 3.0, "comparator": "<"}),
    # a prognosis with its participle names the expected survival
    ("Prognosis expected to be well over 12 months.", "survival", "Prognosis expected to be well over 12 months",
     None, None, AFFIRMED, {"value": 12.0, "comparator": ">"}),
    ("ECOG performance status: 2", "ecog", "ECOG performance status: 2", None, None, AFFIRMED, {"value": 2.0}),
    ("SINS: 2 + 3 + 1 = 14 (unstable).", "sins", "SINS: 2 + 3 + 1 = 14 (unstable)", None, None, AFFIRMED,
     {"value": 14.0}),
    ("KPS 40%.", "kps", "KPS 40%", None, None, AFFIRMED, {"value": 40.0}),
    ("Patient completed 8 wks of PT without relief.", "physical_therapy",
     "Patient completed 8 wks of PT without relief", None, None, AFFIRMED, {"weeks": 8.0}),
    ("Mother had breast cancer.", "carcinoma", "Mother had breast cancer", None, None, {"family"}, {}),
    ("Possible pathologic fracture.", "pathologic_fracture", "Possible pathologic fracture", None, None,
     {"uncertain"}, {}),
    ("If margins are positive, radiation will be considered.", "radiation",
     "If margins are positive, radiation will be considered", None, None, {"hypothetical"}, {}),
    ("Left internal iliac vein thrombosis on enoxaparin.", "vte", "Left internal iliac vein thrombosis on enoxaparin",
     "left", None, AFFIRMED, {}),
    # "will" lies inside the matched plan phrase, so it does not modify it (the plan is what it states)
    ("The sciatic nerve will be resected.", "nerve_sacrifice", "The sciatic nerve will be resected", None, None,
     AFFIRMED, {}),
    ("Acetabulum: no tumor.", "acetabulum", "Acetabulum", None, "tumor", {"negated"}, {}),
    ("The inferior margin ends 3.6 cm superior to the right acetabular roof.", "acetabulum",
     "The inferior margin ends 3.6 cm superior to the right acetabular roof", "right", "separate", AFFIRMED, {}),
    ("Mass centered in the posterior left ilium.", "ilium", "Mass centered in the posterior left ilium",
     "left", "involve", AFFIRMED, {}),
    # a relation under an epistemic modal is only possible: it states no relation
    ("The callus could compress the right brachial plexus.", "brachial_plexus",
     "The callus could compress the right brachial plexus", "right", None, AFFIRMED, {}),
    ("The callus compresses the right brachial plexus.", "brachial_plexus",
     "The callus compresses the right brachial plexus", "right", "compress", AFFIRMED, {}),
    # a colon after a stated denial opens what follows from it: the plan after it is not denied
    ("The sciatic nerve is not encased: plan to preserve the right sciatic nerve by neurolysis.",
     "nerve_preservation", "plan to preserve the right sciatic nerve by neurolysis", "right", None, {"planned"}, {}),
    # a comma and "with" open an adjunct of the whole plan, not another spared structure
    ("Plan: en bloc resection of the left iliac wing, sparing the acetabulum, with curative intent.",
     "curative_intent", "en bloc resection of the left iliac wing, sparing the acetabulum, with curative intent",
     "left", None, AFFIRMED, {}),
    # structures a parenthesis lists right after a structure are its parts and share its relation
    ("Aggressive permeative lesion of the left innominate bone (ilium, acetabulum and inferior pubic ramus).",
     "pubic_ramus", "Aggressive permeative lesion of the left innominate bone (ilium, acetabulum and inferior pubic "
     "ramus)", "left", "tumor", AFFIRMED, {}),
    # an aside's denial ends at its closing parenthesis, and its semicolon parts only the aside
    ("Tumor extends into the right acetabulum (roof involved; no joint effusion) and along the right superior "
     "pubic ramus.", "pubic_ramus", "Tumor extends into the right acetabulum (roof involved; no joint effusion) and "
     "along the right superior pubic ramus", "right", "involve",
     AFFIRMED, {}),
    # a diagnosis the tissue proved is not hedged by what is suspected of another lesion in its sentence
    ("Biopsy-proven solitary osseous metastasis of the right acetabulum and a 9 mm lung nodule suspicious for "
     "metastasis.", "metastasis", "Biopsy-proven solitary osseous metastasis of the right acetabulum and a 9 mm lung "
     "nodule suspicious for metastasis", "right", None, AFFIRMED, {}),
    # a one-letter side word that opens a slashed abbreviation is none: "R/O" is rule out
    ("Brief history: R/O chondrosarcoma.", "chondrosarcoma", "R/O chondrosarcoma", None, None,
     {"uncertain"}, {}),
    # a documented reason chemotherapy is not given, by the drug or the word, in any of its forms
    ("He is not a candidate for doxorubicin or cisplatin given LVEF 35%.", "chemo_not_indicated",
     "He is not a candidate for doxorubicin or cisplatin given LVEF 35%", None, None, AFFIRMED, {}),
    ("Not a chemotherapy candidate (cardiac/renal).", "chemo_not_indicated",
     "Not a chemotherapy candidate (cardiac/renal)", None, None, AFFIRMED, {}),
    ("The MDT did not recommend neoadjuvant chemotherapy.", "chemo_not_indicated",
     "The MDT did not recommend neoadjuvant chemotherapy", None, None, AFFIRMED, {}),
    # an HL7 field separator glued to a negation ("||No mass") parts the words: the denial holds
    ("OBX|4|TX|FIND^Findings||No mass, collection or haematoma.||||||F", "mass",
     "OBX|4|TX|FIND^Findings||No mass, collection or haematoma.||||||F", None, None,
     {"negated"}, {}),
]




# the measurement a lesion mention carries (largest dimension, mm): before the noun across adjectives
# only, or right after it; a measurement of something else ("an area of ... within the mass") is none
SIZES = [
    ("A 7 mm ovoid sclerotic focus in the left ilium.", "lesion", 7.0),
    ("There is a 6.2 x 4.0 x 5.5 cm lobulated mass in the right ilium.", "mass", 62.0),
    ("Bone island measuring 9mm in the left femoral head.", "bone_island", 9.0),
    ("The mass (3.4 cm) abuts the roof.", "mass", 34.0),
    ("A 2 cm x 1 cm lesion of the pubis.", "lesion", 20.0),
    ("11-mm hemangioma at L3.", "fibrous_dysplasia", 11.0),
    ("A 4 cm area of enhancement within the mass.", "mass", None),
    ("A separate 1.6 cm\nlobulated chondroid lesion of the pubis.", "lesion", 16.0),
    ("Large mass of the sacrum.", "mass", None),
]


@pytest.mark.parametrize(("text", "concept", "size"), SIZES, ids=[f"{i}-{r[1]}" for i, r in enumerate(SIZES)])
def test_lesion_size(facts_of, text, concept, size):
    found = [f for f in facts_of(text) if f.concept == concept]
    assert found, f"no {concept} fact in {text!r}"
    assert found[0].size_mm == size


@pytest.mark.parametrize(("text", "concept", "evidence", "side", "relation", "flags", "extra"), ROWS,
                         ids=[f"{i}-{r[1]}" for i, r in enumerate(ROWS)])
def test_fact_row(facts_of, text, concept, evidence, side, relation, flags, extra):
    found = [f for f in facts_of(text) if f.concept == concept]
    assert found, f"no {concept} fact in {text!r}"
    fact = found[0]
    assert fact.evidence[0].text == evidence
    assert text[fact.evidence[0].start : fact.evidence[0].end] == evidence
    assert fact.side == side
    assert fact.relation == relation
    set_flags = {k for k, v in fact.assertion.model_dump().items() if v}
    assert set_flags == set(flags)
    for key, value in extra.items():
        assert getattr(fact, key) == value


def test_affirmed_sub_heading_is_not_a_finding(facts_of):
    # "Spine:" only introduces the sentence; the sentence names the structure itself
    assert not [f for f in facts_of("Spine: the mass abuts the L3 vertebral body.") if f.evidence[0].text == "Spine"]


@pytest.mark.parametrize(("text", "sacrum"), [
    # a place word naming where another structure is: the denial is that structure's
    ("The sacral neural foramina are clear.", None),
    ("No tumor in the sacral anterior neural foramina.", None),
    ("The sacral\nneural foramina are clear.", None),
    # the place itself denied, or named beside the structure, or its involvement affirmed
    ("The sacral marrow signal is normal.", "negated"),
    ("The sacral and iliac bones are normal; the neural foramina are clear.", "negated"),
    ("No sacral or spinal canal involvement.", "negated"),
    ("Tumor extends into the sacral neural foramina.", "affirmed"),
    # the place word names a relation, or ends its list item
    ("No sacral involvement of the neural foramina.", "negated"),
    ("No:\n- pathologic fracture\n- sacral infiltration\nNeural foramina clear.", "negated"),
])
def test_a_place_word_of_another_structure_is_not_denied_with_it(facts_of, text, sacrum):
    got = [f for f in facts_of(text) if f.concept == "sacrum"]
    if sacrum is None:
        assert not [f for f in got if f.assertion.negated]
    else:
        assert got and all(f.assertion.negated == (sacrum == "negated") for f in got)


@pytest.mark.parametrize("text", ["The mass extends from L1 to the iliac fossa.", "A node at the level of L3."])
def test_spinal_level_as_height_mark_is_no_site(facts_of, text):
    assert not [f for f in facts_of(text) if f.concept == "spinal_level"]


@pytest.mark.parametrize("text", [
    "CT CHEST\nWillow Creek Cancer Center - Diagnostic Radiology\nDate of service: 01/08/2026\nNo nodules.\n",
    # an institution on the first line, and a department word this list did not know
    "RIVERSIDE CANCER & NEUROSCIENCE PAVILION\nPeripheral Nerve Surgery Clinic\nDate of service: 10/14/2026\n",
    "EMG REPORT\nRiverside Cancer & Neuroscience Pavilion - Clinical Neurophysiology\nTest date: 09/15/2026\n",
])
def test_letterhead_names_no_finding(facts_of, text):
    assert not [f for f in facts_of(text) if f.concept == "malignancy"]


@pytest.mark.parametrize(("text", "concept", "kept"), [
    # a disease word in an institution's name is no diagnosis of the patient
    ("FAX TO: Tri-County Regional Sarcoma & Spine Center, Peripheral Nerve Clinic  555-0191", "sarcoma", False),
    ("Seen at the Regional Cancer Institute.", "carcinoma", False),
    # the diagnosis itself, beside a name or before a line that opens with an institution word
    ("Referred to the Sarcoma Center for biopsy-proven Ewing Sarcoma.", "ewing_sarcoma", True),
    ("Diagnosis: Ewing Sarcoma\nCenter of the lesion is the ilium.", "ewing_sarcoma", True),
    ("Biopsy-proven sarcoma; center of the mass in the ilium.", "sarcoma", True),
])
def test_a_disease_word_in_an_institution_name_is_no_diagnosis(facts_of, text, concept, kept):
    found = [f for f in facts_of(text, "clinical_note") if f.concept == concept]
    assert bool(found) == kept, found


@pytest.mark.parametrize(("text", "kept"), [
    # a tumor noun named by what it consists of, and that is no tumor
    ("The nerve is tethered between the plate and a 3.1 cm mass of mature heterotopic ossification.", False),
    ("A mass of organizing hematoma in the thigh.", False),
    # an "of" phrase that places the mass, or names its density, keeps it
    ("A 9 cm mass of the left ilium.", True),
    ("A mass of soft tissue density abuts the nerve.", True),
])
def test_a_mass_made_of_no_tumor_is_no_tumor(facts_of, text, kept):
    assert bool([f for f in facts_of(text) if f.concept == "mass"]) == kept


def test_a_report_title_on_the_first_line_is_read():
    from mednec.pipeline.doctype import letterhead_ranges

    assert letterhead_ranges("ORTHOPAEDIC ONCOLOGY CONSULT\nDate of service: 01/08/2026\n") == []


@pytest.mark.parametrize(("text", "relation"), [
    # a site named after a position word is a reference point, not a location of the tumor
    ("Denervation of the hamstrings places the lesion distal to the greater sciatic notch.", "separate"),
    ("The mass lies inferior to the acetabulum.", "separate"),
    ("The mass abuts the greater sciatic notch.", "abut"),
])
def test_position_words_make_a_landmark(facts_of, text, relation):
    sites = [f for f in facts_of(text, "imaging") if f.concept in ("sciatic_foramen", "acetabulum")]
    assert sites and sites[0].relation == relation


@pytest.mark.parametrize(("text", "relation"), [
    ("The right sciatic nerve courses posterior to the mass and is separated from it by a preserved fat plane.",
     "separate"),
    # the same sentence wrapped as a scanner or a fax wraps it: line breaks count no words
    ("The right sciatic nerve courses posterior to the\nmass and is separated from it by a preserved fat plane.",
     "separate"),
    ("The right sciatic nerve courses posterior to\n\nthe mass and is separated from it by a preserved fat plane.",
     "separate"),
    # a denial reaches its cue across a wrap: no relation is stated
    ("The mass does not abut the left sciatic nerve.", None),
    ("The mass does not\nabut the left sciatic nerve.", None),
    ("The mass does\nnot\n\nabut the left sciatic nerve.", None),
])
def test_wrapped_cue_windows(facts_of, text, relation):
    nerves = [f for f in facts_of(text, "imaging") if f.concept == "sciatic_nerve"]
    assert nerves and nerves[0].relation == relation, nerves


@pytest.mark.parametrize("text", [
    "Mass approaches the R sciatic nerve w/o encasement.",
    "Mass approaches the R SN w/o encasement.",
])
def test_shorthand_denial_states_no_relation(facts_of, text):
    nerves = [f for f in facts_of(text, "imaging") if f.concept == "sciatic_nerve"]
    assert nerves and nerves[0].relation == "near", nerves


@pytest.mark.parametrize(("text", "hedged"), [
    # a clause whose subject is the relation, left open, hedges the involvement stated before it
    ("The mass abuts the right sciatic nerve at the notch; contact cannot be excluded.", True),
    ("The mass abuts the right sciatic nerve, and direct contact is possible.", True),
    ("The mass abuts the right sciatic nerve; invasion cannot be excluded.", True),
    # a relation of another structure named in its own clause leaves the first as stated
    ("The mass abuts the right sciatic nerve; involvement of the acetabulum cannot be excluded.", False),
    ("The mass abuts the right sciatic nerve.", False),
])
def test_relation_left_open_in_its_own_clause(facts_of, text, hedged):
    nerves = [f for f in facts_of(text, "imaging") if f.concept == "sciatic_nerve"]
    assert nerves and nerves[0].relation == "abut" and nerves[0].assertion.uncertain == hedged, nerves


@pytest.mark.parametrize(("text", "uncertain"), [
    # a finding left open between two readings: the structure before the hedge is open too
    ("IMPRESSION:\n2. Marrow signal along the right superior pubic ramus, indeterminate between tumor extension "
     "and reactive edema.", True),
    ("Marrow signal along the right superior pubic ramus is indeterminate between tumor and edema.", True),
    ("Tumor extends along the right superior pubic ramus.", False),
])
def test_open_between_two_readings(facts_of, text, uncertain):
    rami = [f for f in facts_of(text, "imaging") if f.concept == "pubic_ramus"]
    assert rami and rami[0].assertion.uncertain == uncertain, rami


@pytest.mark.parametrize(("text", "family"), [
    # a short family history ends at the next labelled line, known as a section title or not
    ("FHx: brother osteosarcoma age 14.\nSx: R post thigh ache.\nA/P 61F R ischiogluteal UPS:\n"
     "* En bloc resection R IT, wide margins, curative intent.\n", False),
    ("FHx: brother osteosarcoma age 14.\nFunctional: walks 3 mi/day.\nEn bloc resection, curative intent.\n",
     False),
    # a wrap that puts "family history:" at the start of a line mid-sentence opens no section
    ("You asked about the\nfamily history: his brother had an osteosarcoma, but I do not think\nit matters. "
     "I recommend en bloc resection with wide margins and curative intent.\n", False),
    # the family history's own lines stay the family's
    ("FHx: brother osteosarcoma age 14,\nfather had en bloc resection with curative intent.\n", True),
])
def test_family_history_ends_at_the_next_label(facts_of, text, family):
    plans = [f for f in facts_of(text, "clinical_note") if f.concept == "curative_intent"]
    assert plans and plans[0].assertion.family == family, plans


@pytest.mark.parametrize(("text", "concept", "superseded"), [
    # a finding whose own predicate names a non-tumor origin no longer counts ...
    ("IMPRESSION: 2. Prior CT intradural finding is artifact. No intradural disease.", "compartment_intradural",
     True),
    ("IMPRESSION: Left iliac mass. The acetabular roof signal corresponds to streak artifact.", "acetabulum", True),
    # ... only in its own clause, and a limit of the study is no origin
    ("IMPRESSION: The mass abuts the left acetabular roof, and the ischial signal is artifact.", "acetabulum",
     False),
    ("IMPRESSION: The mass abuts the left acetabular roof; evaluation is limited by artifact.", "acetabulum",
     False),
])
def test_a_finding_its_predicate_calls_no_tumor(facts_of, text, concept, superseded):
    found = [f for f in facts_of(text, "imaging") if f.concept == concept]
    assert found and found[0].assertion.superseded == superseded, found


@pytest.mark.parametrize(("text", "historical"), [
    # a pasted block ends at the next labelled paragraph: the update after it is current
    ("Interval history (copied from prior note 09/14/2026):\n  Walks two miles a day. ECOG 1.\n\n"
     "Interval update 11/30/2026:\nNow in bed most of the day. Current performance status: ECOG 3.\n", False),
    # labels inside the pasted block stay in it
    ("Interval history (copied from prior note 09/14/2026):\nMobility: walks two miles.\nOverall: ECOG 3.\n", True),
    # a pasted line that holds its own text is that line: the next labelled line is current
    ("PERFORMANCE STATUS (copied from 09/15/2025 note): ECOG 1.\nToday: ECOG 3 per oncology; I agree.\n", False),
    ("PERFORMANCE STATUS (copied from 09/15/2025 note): ECOG 3.\nToday: bed to chair.\n", True),
])
def test_copied_block_ends_at_the_next_labelled_paragraph(facts_of, text, historical):
    scores = [f for f in facts_of(text, "clinical_note") if f.concept == "ecog" and "3" in f.evidence[0].text]
    assert scores and scores[-1].assertion.historical == historical, scores


@pytest.mark.parametrize(("text", "historical"), [
    # what an operation did is done, no plan
    ("At the biopsy the genitofemoral nerve coursed on its anterior surface and was protected.", True),
    ("At resection the sciatic nerve will be dissected off the capsule and preserved.", False),
])
def test_a_preservation_done_is_no_plan(facts_of, text, historical):
    kept = [f for f in facts_of(text, "operative") if f.kind == "plan" and f.category == "nerve_preservation"]
    assert kept and kept[-1].assertion.historical == historical, kept


@pytest.mark.parametrize("text", [
    "Expected survival is weeks, likely under three months.",
    # the comparator wrapped onto the line before its number
    "Expected survival is weeks, likely under\nthree months.",
])
def test_a_wrapped_comparator_still_compares(facts_of, text):
    found = [f for f in facts_of(text, "clinical_note") if f.concept == "survival"]
    assert found and found[0].value == 3 and found[0].comparator == "<", found


def test_family_history_section_marks_family(facts_of):
    text = "HPI: Left hip pain.\nFAMILY HISTORY: Osteosarcoma in a cousin.\n"
    dx = [f for f in facts_of(text, "clinical_note") if f.concept == "osteosarcoma"]
    assert dx and dx[0].assertion.family


def test_plan_section_therapy_is_planned_unless_completed(facts_of):
    text = "PLAN:\n1. Physical therapy 2x/week for 6 weeks.\n2. Completed 8 weeks of naproxen without relief.\n"
    facts = facts_of(text, "clinical_note")
    pt = [f for f in facts if f.concept == "physical_therapy"]
    med = [f for f in facts if f.concept == "neuropathic_medication"]
    assert pt and pt[0].assertion.planned
    assert med and not med[0].assertion.planned and med[0].weeks == 8.0


@pytest.mark.parametrize("text", ["Submit 27075-RT, 64714-RT.", "Request 27076 - LT for the pelvis."])
def test_code_modifiers_are_no_radiation(facts_of, text):
    assert not [f for f in facts_of(text) if f.concept == "radiation"]


@pytest.mark.parametrize("text", ["RIGHT ILIAC WING, CURETTAGE:", "Procedure: open biopsy and curettage of the ilium."])
def test_procedures_done_are_no_plans(facts_of, text):
    plans = [f for f in facts_of(text) if f.kind == "plan"]
    assert plans and all(f.assertion.historical for f in plans)


@pytest.mark.parametrize(("text", "planned"), [
    # a SOAP note's plan: eight weeks of therapy to come are no weeks of therapy done
    ("A: Lower trunk plexopathy.\nP: 2x/wk x 8 wks: nerve glides and postural retraining.\n", True),
    # "P: 72" is a pulse, not a plan
    ("Vitals:\nP: 72 BP 118/76\nShe completed 8 weeks of physical therapy without relief.\n", False),
])
def test_soap_plan_line(facts_of, text, planned):
    therapy = [f for f in facts_of(text, "clinical_note") if f.kind == "therapy"]
    assert therapy and all(f.assertion.planned is planned for f in therapy)


@pytest.mark.parametrize(("text", "concept", "negated"), [
    # a sub-heading whose clause only says the structure is normal clears it
    ("FINDINGS:\nGreater trochanter: normal.\n", "greater_trochanter", True),
    # an impression's list item without a copula
    ("IMPRESSION:\n3. Greater trochanter and femur not involved.\n", "greater_trochanter", True),
])
def test_structure_cleared_in_a_list(facts_of, text, concept, negated):
    found = [f for f in facts_of(text, "imaging") if f.concept == concept]
    assert found and found[0].assertion.negated is negated


def test_a_sub_heading_with_a_finding_names_nothing_by_itself(facts_of):
    assert not [f for f in facts_of("FINDINGS:\nAcetabulum: the mass abuts the roof.\n", "imaging")
                if f.evidence[0].text == "Acetabulum"]


@pytest.mark.parametrize(("text", "concept", "uncertain"), [
    # "elsewhere" denies other levels and leaves the one under discussion open...
    ("Possible dural enhancement at T9. No leptomeningeal enhancement elsewhere.", "compartment_intradural", True),
    # ...while a diagnosis denied elsewhere is a staging negative
    ("Sarcoma of the left ilium. No metastatic disease elsewhere.", "metastasis", False),
])
def test_elsewhere(facts_of, text, concept, uncertain):
    found = [f for f in facts_of(text, "imaging") if f.concept == concept and f.assertion.negated]
    assert found and found[-1].assertion.uncertain is uncertain


@pytest.mark.parametrize(("text", "concept", "negated"), [
    # a denial after a coordinated subject reaches every member, however far back...
    ("The right superior and inferior pubic rami and the right ischium, including the ischial tuberosity, have "
     "normal marrow signal and are not involved.", "pubic_ramus", True),
    ("The right superior and inferior pubic rami and the right ischium, including the ischial tuberosity, have "
     "normal marrow signal and are not involved.", "ischium", True),
    ("The left ilium, the left acetabulum and the left ischium are uninvolved.", "ilium", True),
    # ...but not a list that is the object of another verb ("tumor replaces ... X, Y and Z")
    ("Tumor replaces the marrow of the right iliac wing, the right acetabular roof and the right ischium, "
     "including the ischial tuberosity, and the right pubic rami have normal marrow signal.", "iliac_wing", False),
    ("Tumor replaces the marrow of the right iliac wing, the right acetabular roof and the right ischium, "
     "including the ischial tuberosity, and the right pubic rami have normal marrow signal.", "pubic_ramus", True),
    # "normal <finding> in X" clears X
    ("Normal marrow signal in the right pubic rami and right ischium.", "pubic_ramus", True),
    ("Normal marrow signal in the right pubic rami and right ischium.", "ischium", True),
])
def test_denial_of_a_coordinated_subject(facts_of, text, concept, negated):
    found = [f for f in facts_of(text) if f.concept == concept]
    assert found and found[0].assertion.negated is negated, [f.assertion for f in found]


@pytest.mark.parametrize(("text", "conditional", "hypothetical"), [
    # inside the condition of an "if" clause: what would have to be true, not what is
    ("If her assessment supports an expected survival beyond three months, we will proceed.", True, True),
    ("We will operate if oncology expects survival of more than 3 months.", True, True),
    # the clause after the condition states the estimate under that condition
    ("If neurologic function is preserved, expected survival is 6 to 12 months.", False, True),
    # a new clause with its own subject after the condition ("..., I expect") states the estimate
    ("With surgery and, if needed, kinase inhibitors, I expect survival of several years.", False, False),
    ("Expected survival is more than 12 months.", False, False),
])
def test_condition_of_an_if_clause(facts_of, text, conditional, hypothetical):
    found = [f for f in facts_of(text, "clinical_note") if f.concept == "survival"]
    assert found and found[0].assertion.conditional is conditional
    assert found[0].assertion.hypothetical is hypothetical


@pytest.mark.parametrize(("text", "concept", "affirmed"), [
    # a service or department named after a disease names who cares for the patient
    ("Discussed with sarcoma oncology (Dr. Patel).", "sarcoma", False),
    ("Seen at the University Cancer Center today.", "malignancy", False),
    ("Referred to the sarcoma service.", "sarcoma", False),
    ("Ordering: Lindahl, H., MD (Great Plains Sarcoma Ctr)", "sarcoma", False),
    ("Also seen by: sarcoma\noncology (Dr. Patel)", "sarcoma", False),
    # the disease itself is still a diagnosis
    ("Biopsy-proven sarcoma of the left thigh.", "sarcoma", True),
])
def test_service_names_are_no_diagnosis(facts_of, text, concept, affirmed):
    found = [f for f in facts_of(text, "clinical_note") if f.concept == concept and f.assertion.affirmed]
    assert bool(found) is affirmed


@pytest.mark.parametrize(("text", "negated"), [
    # the denial is of the subject before "is required"; the aim after it is not denied
    ("No sacral resection is required to obtain a wide margin.", False),
    # a denial of the aim itself stays one
    ("It is not possible to obtain a wide margin.", True),
    ("A wide margin is not required.", True),
    ("Wide margins cannot be obtained.", True),
    ("A wide margin is not achievable at the sacral side.", True),
    ("We were unable to obtain wide margins.", True),
    # a denial qualified by its means leaves the aim open for another means
    ("A wide margin cannot be achieved with a nerve-sparing dissection there.", False),
])
def test_the_aim_of_a_denied_requirement(facts_of, text, negated):
    found = [f for f in facts_of(text, "clinical_note") if f.concept == "wide_margin"]
    assert found and found[0].assertion.negated is negated


@pytest.mark.parametrize(("text", "partial"), [
    ("No other site of metastatic disease.", True),
    ("Metastases cannot be excluded.", False),
])
def test_no_other_is_a_partial_denial_not_a_hedge(facts_of, text, partial):
    found = [f for f in facts_of(text) if f.concept == "metastasis"]
    assert found and found[0].assertion.uncertain and found[0].assertion.partial is partial


def test_a_wrapped_line_of_prose_opens_no_section(facts_of):
    # "findings support UPS." after a wrap is prose, not a FINDINGS title: the comment stays a comment
    text = ("SURGICAL PATHOLOGY REPORT\nCOMMENT: No lineage-specific differentiation identified;\nfindings "
            "support UPS.\nHistologic type: undifferentiated pleomorphic sarcoma\n")
    found = [f for f in facts_of(text, "pathology") if f.concept == "ups_bone"]
    assert found and all(f.section == "comment" for f in found), [f.section for f in found]


@pytest.mark.parametrize(("text", "section"), [
    # a header form prints its fields side by side: a title after a wide gap opens its own field
    ("ELECTRODIAGNOSTIC CONSULTATION\nREFERRING: DR. A. B     INDICATION: L FEMORAL NEUROPATHY\n"
     "NEEDLE EMG: NORMAL.\n", "clinical_history"),
    ("ELECTRODIAGNOSTIC CONSULTATION\nREFERRING: DR. A. B\tINDICATION: L FEMORAL NEUROPATHY\n", "clinical_history"),
    # a single space, or no field before it on the line, is prose
    ("ELECTRODIAGNOSTIC CONSULTATION\nThe study shows: indication: L FEMORAL NEUROPATHY\n", None),
    ("ELECTRODIAGNOSTIC CONSULTATION\nSevere    indication: L FEMORAL NEUROPATHY\n", None),
    # OCR closes the gap to one space or reads it as a dash: a capitals title after a capitals field
    ("ELECTRODIAGNOSTIC CONSULTATION\nREFERRING: DR. A. B \u2014 INDICATION: L FEMORAL NEUROPATHY\n"
     "NEEDLE EMG: NORMAL.\n", "clinical_history"),
    ("ELECTRODIAGNOSTIC CONSULTATION\nREFERRING: DR. A. B INDICATION: L FEMORAL NEUROPATHY\n", "clinical_history"),
    # ...but not in lower case, nor without a field before it on the line
    ("ELECTRODIAGNOSTIC CONSULTATION\nReferring: Dr. A. B indication: L FEMORAL NEUROPATHY\n", None),
    ("ELECTRODIAGNOSTIC CONSULTATION\nSEVERE \u2014 INDICATION: L FEMORAL NEUROPATHY\n", None),
])
def test_a_title_after_a_wide_gap_on_a_form_line_opens_a_field(facts_of, text, section):
    found = [f for f in facts_of(text, "other") if f.concept == "femoral_neuropathy"]
    assert found and found[0].section == section, [f.section for f in found]


@pytest.mark.parametrize(("text", "section"), [
    # a comparison field holding its value on its own line ends at the blank line: the body follows
    ("MRI RIGHT HIP\nDate: 02/01/2026   Comparison: 08/10/2025\n\nThe mass invades the right ischial tuberosity.\n",
     None),
    ("MRI RIGHT HIP\nTechnique: axial T1, STIR.\n\nThe mass invades the right ischial tuberosity.\n", None),
    # a title alone on its line heads the paragraph under it; without a blank line the field goes on
    ("MRI RIGHT HIP\nComparison:\nPrior MRI: mass invades the right ischial tuberosity.\n", "comparison"),
    ("MRI RIGHT HIP\nComparison: prior MRI, where the mass\ninvades the right ischial tuberosity.\n", "comparison"),
])
def test_a_field_line_ends_at_its_paragraph(facts_of, text, section):
    found = [f for f in facts_of(text) if f.concept == "ischial_tuberosity"]
    assert found and found[0].section == section, [f.section for f in found]


@pytest.mark.parametrize("title", ["FINAL DIAGNOSIS (review of outside slides and blocks):", "FINAL DIAGNOSIS:"])
def test_a_title_with_a_parenthetical_is_the_title(facts_of, title):
    text = (f"PATHOLOGY CONSULTATION\n\n{title}\nSoft tissue, right thigh, core biopsy:\n"
            "UNDIFFERENTIATED PLEOMORPHIC SARCOMA.\n")
    found = [f for f in facts_of(text, "pathology") if f.kind == "diagnosis"]
    assert found and found[0].section == "diagnosis" and found[0].tissue, [(f.section, f.tissue) for f in found]


def test_electrodiagnostic_parts_are_findings(facts_of):
    text = ("ELECTRODIAGNOSTIC CONSULTATION\nINDICATION: L FEMORAL NEUROPATHY.\nNEEDLE EMG: NO FIBRILLATIONS OR "
            "POSITIVE SHARP WAVES.\n")
    found = [f for f in facts_of(text, "other") if f.concept == "neuropathy_finding"]
    assert found and all(f.section == "findings" for f in found), [f.section for f in found]


@pytest.mark.parametrize(("text", "concept"), [
    # a region name locates a lesion; a word of totality makes it the whole bone, across a wrap too
    ("Lesion of the right hemipelvis.", "innominate_bone"),
    ("The tumor involves the entire left\nhemipelvis.", "whole_innominate_bone"),
    ("Tumor of the whole right innominate bone.", "whole_innominate_bone"),
    ("Tumor involves the innominate bone in its entirety.", "whole_innominate_bone"),
])
def test_region_name_and_whole_region(facts_of, text, concept):
    assert [f for f in facts_of(text) if f.concept == concept]


@pytest.mark.parametrize(("text", "concept", "flag", "value"), [
    # a template's checkboxes: an empty box leaves its option out, a checked "no" denies the label
    ("[x] extradural   [ ] intradural-extramedullary   [ ] intramedullary", "compartment_intradural",
     "negated", True),
    ("[5] INTRADURAL / LEPTOMENINGEAL DISEASE: [ ] yes [X] no", "compartment_intradural", "negated", True),
    ("[5] INTRADURAL / LEPTOMENINGEAL DISEASE: [X] yes [ ] no", "compartment_intradural", "negated", False),
    # a finding named as a line's label is what its answer makes of it
    ("2. Greater trochanteric marrow signal change: reactive oedema versus tumour infiltration, indeterminate.",
     "greater_trochanter", "uncertain", True),
    # a hedge after its finding, before a dash
    ("Mild uptake at the margin of the right sacral ala (SUVmax 2.9), indeterminate - could reflect reactive "
     "change.", "hemisacrum", "uncertain", True),
    # "along the remainder of" is elsewhere: the level under discussion stays open
    ("No leptomeningeal enhancement along the remainder of the visualized cord and conus.",
     "compartment_intradural", "uncertain", True),
    # a prediction of what a pending test will show states nothing yet
    ("I would expect these to demonstrate a focal lesion of the lumbar plexus within the psoas.", "lumbar_plexus",
     "hypothetical", True),
])
def test_templates_labels_and_predictions(facts_of, text, concept, flag, value):
    found = [f for f in facts_of(text, "clinical_note" if "expect" in text else "imaging") if f.concept == concept]
    assert found and getattr(found[0].assertion, flag) is value, [f.assertion for f in found]


@pytest.mark.parametrize(("text", "concept", "relation"), [
    # a separation that governs both the tumor and the structure wins over the tumor noun beside it
    ("Contrary to the original report, there is a preserved fat plane between the mass and the trunks of the left "
     "brachial plexus.", "brachial_plexus", "separate"),
    # "circumferential neurolysis" is a procedure, not a circumferential contact
    ("2. Circumferential neurolysis of the left sciatic nerve at the greater sciatic notch.", "sciatic_nerve", None),
    ("The mass circumferentially encases the left sciatic nerve.", "sciatic_nerve", "encase"),
])
def test_relation_classes(facts_of, text, concept, relation):
    found = [f for f in facts_of(text) if f.concept == concept]
    assert found and all(f.relation == relation for f in found), [f.relation for f in found]


def test_coordinated_predicates_share_their_subject(facts_of):
    text = ("2. The right C6 root will be identified in the right C5-C6 foramen, freed of any tumour or scar and "
            "preserved (neurolysis) as part of the tumour resection.")
    plans = [f for f in facts_of(text, "clinical_note") if f.concept == "nerve_preservation"]
    assert plans and plans[0].target == "nerve_root" and plans[0].levels == ("C6",)


def test_an_abbreviated_nerve_beside_a_slash(facts_of):
    text = "- Femoral n./lumbar plexus at psoas margin: planned neurolysis & preservation."
    concepts = {f.concept for f in facts_of(text, "clinical_note")}
    assert {"femoral_nerve", "lumbar_plexus"} <= concepts
    plans = [f for f in facts_of(text, "clinical_note") if f.concept == "nerve_preservation"]
    assert plans and plans[0].target == "lumbar_plexus"


@pytest.mark.parametrize(("text", "negated"), [
    ("Not a candidate for curative or wide resection.", True),
    ("The tumour is not amenable to wide resection.", True),
    ("Wide resection is not an option.", True),
    # the subject is denied, not the aim after "for"
    ("A sacral osteotomy is not required for a wide margin.", False),
])
def test_not_a_candidate_for(facts_of, text, negated):
    found = [f for f in facts_of(text, "clinical_note") if f.concept in ("wide_margin", "curative_intent")]
    assert found and found[0].assertion.negated is negated


@pytest.mark.parametrize("text", [
    "An 8 mm lesion in the L4 vertebral body is a typical haemangioma.",
    # a line wrapped mid-phrase ends no clause: the lesion is still the haemangioma
    "An 8 mm lesion in the L4 vertebral body is a typical\nhaemangioma.",
])
def test_a_wrapped_copula_keeps_its_subject(facts_of, text):
    facts = facts_of(text)
    benign = [f for f in facts if f.kind == "diagnosis" and f.category == "benign"]
    body = [f for f in facts if f.concept == "vertebral_body"]
    assert benign and body and body[0].subject == benign[0].id


def test_a_checkbox_wrapped_before_its_option(facts_of):
    text = "[x] extradural   [ ] intradural-extramedullary   [ ]\nintramedullary"
    found = [f for f in facts_of(text) if f.concept == "compartment_intradural"]
    assert found and all(f.assertion.negated for f in found)


@pytest.mark.parametrize(("text", "concept", "relation"), [
    # a direction is no reach: "extends toward the notch" approaches it
    ("3. The posterior soft tissue component extends toward the right greater sciatic notch.", "sciatic_foramen",
     "near"),
    ("The soft tissue component extends through the right greater sciatic notch.", "sciatic_foramen", "involve"),
    # whatever the verb of the movement
    ("Posteriorly the mass bulges toward the right greater sciatic notch.", "sciatic_foramen", "near"),
    ("The mass bows towards the left sciatic nerve.", "sciatic_nerve", "near"),
    # closely approximated is near, not touching
    ("The posterior margin of the mass is closely approximated to the right sciatic nerve.", "sciatic_nerve",
     "near"),
])
def test_toward_is_no_reach(facts_of, text, concept, relation):
    found = [f for f in facts_of(text) if f.concept == concept]
    assert found and found[0].relation == relation, [f.relation for f in found]


def test_copied_forward_assessment_is_history(facts_of):
    text = ("Previous assessment (copied from 06/12/2023 urology note):\n  Localized prostate adenocarcinoma. "
            "Prognosis excellent, expected survival > 10 years.\n\nMEDICATIONS: degarelix.\n")
    found = [f for f in facts_of(text, "clinical_note") if f.concept == "survival"]
    assert found and found[0].assertion.historical


@pytest.mark.parametrize(("text", "concept", "affirmed"), [
    # a test or panel named after a disease is no diagnosis of it
    ("Final categorisation awaits molecular studies (NGS sarcoma fusion panel sent).", "sarcoma", False),
    ("NEURO-ONCOLOGY / SARCOMA JOINT TUMOR BOARD -- 02/18/2026", "sarcoma", False),
])
def test_tests_and_boards_named_after_a_disease(facts_of, text, concept, affirmed):
    found = [f for f in facts_of(text, "pathology") if f.concept == concept and f.assertion.affirmed]
    assert bool(found) is affirmed


def test_a_resolved_structure_was_involved(facts_of):
    found = [f for f in facts_of("- Previously noted signal abnormality at the left acetabular roof has resolved.")
             if f.concept == "acetabulum"]
    assert found and not found[0].assertion.negated and found[0].assertion.historical


def test_therapy_without_effect_was_given(facts_of):
    text = "Not improving after >= 10 weeks of physiotherapy and gabapentin."
    found = [f for f in facts_of(text, "clinical_note") if f.concept == "physical_therapy"]
    assert found and not found[0].assertion.negated


@pytest.mark.parametrize(("text", "levels"), [
    ("PD-L1 (22C3) TPS 60%.", set()),
    ("Tumor at T12-L1.", {"L1", "T12"}),
])
def test_a_biomarker_name_is_no_level(facts_of, text, levels):
    found = {lv for f in facts_of(text, "pathology") if f.concept == "spinal_level" for lv in f.levels}
    assert found == levels


@pytest.mark.parametrize(("text", "category"), [
    # a cancer named metastatic is a metastasis whatever words stand between
    ("DIAGNOSIS: Metastatic squamous cell carcinoma.", "metastasis"),
    ("Metastatic poorly differentiated adenocarcinoma of the T9 vertebral body.", "metastasis"),
    ("Squamous cell carcinoma.", "carcinoma"),
    # punctuation or a line ends the noun phrase: the word is about something else
    ("Not metastatic. Squamous cell carcinoma of the lung apex.", "carcinoma"),
    ("Workup for metastatic disease, squamous cell carcinoma of the apex.", "carcinoma"),
    # a sarcoma keeps its histology ("metastatic osteosarcoma" is an osteosarcoma that has spread)
    ("Metastatic osteosarcoma of the left ilium.", "primary_bone_sarcoma"),
])
def test_named_metastatic(facts_of, text, category):
    # the histology's own fact: the one whose words name the carcinoma or sarcoma (a fact id ends
    # with the offsets of its words and its concept: "doc:12-40:carcinoma")
    def words(fact) -> str:
        start, end = fact.id.split(":")[-2].split("-")
        return text[int(start):int(end)].lower()

    diags = [f for f in facts_of(text, doc_type="pathology") if f.kind == "diagnosis"
             and ("sarcoma" in words(f) or "carcinoma" in words(f))]
    assert [f.category for f in diags] == [category], [(f.concept, words(f)) for f in diags]


@pytest.mark.parametrize(("text", "hypothetical"), [
    # a threshold a trial protocol asks for is no score of the patient
    ("The protocol requires a life expectancy of at least 12 weeks and ECOG 0-1.", True),
    ("Expected survival is at least 12 weeks. ECOG 1.", False),
])
def test_eligibility_threshold_is_no_score(facts_of, text, hypothetical):
    scores = [f for f in facts_of(text, doc_type="clinical_note") if f.kind == "score"]
    assert scores and all(f.assertion.hypothetical is hypothetical for f in scores), scores


@pytest.mark.parametrize(("text", "target"), [
    # a preservation whose own "of" phrase names tissue keeps that tissue, not the nerve the sentence
    # names further on; one whose phrase names the nerve keeps the nerve
    ("Sparing of the gluteal muscles localises the lesion to the sciatic nerve.", "tissue"),
    ("Preservation of the hamstring origin is planned; the sciatic nerve lies nearby.", "tissue"),
    ("Sparing of the left sciatic nerve is planned.", "sciatic_nerve"),
    # an adjective's "of" is no object: the nerve is freed of the tumor and kept
    ("The left sciatic nerve will be dissected free of the tumor pseudocapsule and preserved.", "sciatic_nerve"),
    ("Preservation of the nerve to the hamstrings and of the sciatic nerve.", None),
    # the cue's own "of the nerve" keeps a nerve, never the tissue named before the cue: the nerve its
    # head noun refers back to
    ("Right sciatic nerve: neurolysis off the tumor pseudocapsule at the greater sciatic notch with preservation "
     "of the nerve.", "sciatic_nerve"),
])
def test_preservation_object(facts_of, text, target):
    plans = [f for f in facts_of(text, doc_type="clinical_note") if f.concept == "nerve_preservation"]
    assert plans and plans[0].target == target, [(f.evidence[0].text, f.target) for f in plans]


@pytest.mark.parametrize(("text", "hypothetical"), [
    # a step named as the subject of a consequence is weighed, not planned
    ("The sciatic nerve runs along the tumour; sacrificing it would mean a flail foot.", True),
    ("Resection of the sciatic nerve would leave him with a foot drop.", True),
    ("The sciatic nerve will be sacrificed; this would mean a foot drop.", False),
])
def test_a_step_weighed_by_its_consequence_is_no_plan(facts_of, text, hypothetical):
    found = [f for f in facts_of(text, "clinical_note") if f.concept == "nerve_sacrifice"]
    assert found and found[0].assertion.hypothetical == hypothetical, [f.assertion for f in found]


@pytest.mark.parametrize(("text", "concept", "negated"), [
    # distant disease named with its imaging adjective; Commonwealth spelling of a localized stage
    ("PET-CT 04/09/2025 showed no distant FDG-avid disease and the lungs were clear.", "metastasis", True),
    ("Distant FDG-avid disease in the liver.", "metastasis", False),
    ("Ewing sarcoma left pelvis, localised.", "staging_negative", False),
    # an expectation of how long the patient will live, the patient the verb's object or the clause's subject
    ("I expect him to live well over a year.", "survival", False),
    ("His oncologist expects he will live well beyond a year.", "survival", False),
    # a study list dates each study between its name and its verdict
    ("Staging: CT chest 02/20/2026 and 05/28/2026 clear.", "staging_negative", False),
    ("Bone scan 11/2025: negative.", "staging_negative", False),
])
def test_staging_words(facts_of, text, concept, negated):
    found = [f for f in facts_of(text, "clinical_note") if f.concept == concept]
    assert found and found[0].assertion.negated == negated, found


@pytest.mark.parametrize(("text", "concept", "weeks"), [
    # how long a treatment helped is not how long it was given
    ("She had a perineural steroid injection, which gave about two weeks of partial relief only.", "injection", None),
    ("Physiotherapy for two weeks of graded loading.", "physical_therapy", 2.0),
    # a course from a month named in words runs to the document's date (01/10/2026)
    ("She was also on pregabalin 75 mg bd from August 2025.", "neuropathic_medication", 23.0),
    ("Pregabalin from August 2025 to September 2025.", "neuropathic_medication", None),
])
def test_weeks_of_a_course(facts_of, text, concept, weeks):
    found = [f for f in facts_of(text, "clinical_note", __import__("datetime").date(2026, 1, 10))
             if f.concept == concept]
    assert found and (found[0].weeks if weeks is None else round(found[0].weeks)) == weeks, \
        [(f.weeks, f.evidence[0].text) for f in found]


@pytest.mark.parametrize(("text", "relation"), [
    # a structure named as the topic of a part of a report states no relation
    ("ADDENDUM: This addendum replaces the brachial plexus statements in the original report.", None),
    ("MRI RIGHT BRACHIAL PLEXUS PROTOCOL: the mass contacts the brachial plexus evaluation field.", None),
    ("ADDENDUM: The mass contacts the right brachial plexus.", "contact"),
])
def test_a_structure_named_as_a_topic_states_no_relation(facts_of, text, relation):
    found = [f for f in facts_of(text) if f.concept == "brachial_plexus"]
    assert found and found[-1].relation == relation, [(f.relation, f.evidence[0].text) for f in found]


@pytest.mark.parametrize(("text", "relation"), [
    # a disorder named by its own word keeps its relation when a cue only says what it affects
    ("IMPRESSION: Chronic right lower trunk brachial plexopathy, affecting T1 more than C8 fibers.", "neuropathy"),
    ("IMPRESSION: Right brachial plexopathy extending to the medial cord.", "neuropathy"),
    ("IMPRESSION: Right brachial plexopathy from compression by the cervical rib band.", "compress"),
])
def test_a_named_disorder_keeps_its_relation_under_an_extent_cue(facts_of, text, relation):
    found = [f for f in facts_of(text, "other") if f.concept == "brachial_plexopathy"]
    assert found and found[0].relation == relation, [(f.relation, f.evidence[0].text) for f in found]


@pytest.mark.parametrize(("text", "concept", "target"), [
    # a plan sentence that names no nerve acts on the nerve the plan before it names
    ("Plan: external neurolysis of the left femoral nerve origin. Goal is gross total resection with preservation "
     "of all functional fascicles.", "nerve_preservation", "femoral_nerve"),
    ("Plan: neurolysis of the left sciatic nerve at the notch. No grafting anticipated; nerve sacrifice not "
     "planned.", "nerve_sacrifice", "sciatic_nerve"),
    # a root named by its region alone is a root (of no sciatic level), not the region's bone
    ("Counselled on bladder and bowel changes after sacral root sacrifice (per surgeon).", "nerve_sacrifice",
     "nerve_root"),
    # a predicate that shares its subject acts on that subject, not on the notch named on the way
    ("Plan: resection. The left sciatic nerve will be mobilized from the tumor at the greater sciatic notch and "
     "preserved (neurolysis).", "nerve_preservation", "sciatic_nerve"),
    # a pronoun points back at the one nerve its sentence names
    ("The sciatic nerve runs along the tumour; sacrificing it would mean a flail foot.", "nerve_sacrifice",
     "sciatic_nerve"),
    # a cue that opens a clause after a semicolon is that clause's subject, not the tissue before it
    ("The right sciatic nerve will be preserved with neuroplasty at the notch; sacrifice is not planned.",
     "nerve_sacrifice", None),
    # not across a section: the history's nerve is not the plan's
    ("HPI: left femoral nerve palsy.\nPlan: preservation of all functional fascicles.", "nerve_preservation", None),
])
def test_a_plan_naming_no_nerve_acts_on_the_nerve_before_it(facts_of, text, concept, target):
    plans = [f for f in facts_of(text, doc_type="clinical_note") if f.concept == concept]
    if target is None:  # whatever else it keeps, not the nerve of another section, nor tissue
        assert plans and plans[-1].target not in ("femoral_nerve", "tissue"), \
            [(f.evidence[0].text, f.target) for f in plans]
    else:
        assert plans and plans[-1].target == target, [(f.evidence[0].text, f.target) for f in plans]


_LIST = ("MRI PELVIS\nFINDINGS:\nMass of the right iliac wing.\n{lead}\n- pathologic fracture\n- acetabular "
         "involvement\n{after}\n")


@pytest.mark.parametrize(("text", "concept", "flags"), [
    # a lead that is only a denial and a colon speaks for every item of the list under it
    (_LIST.format(lead="No:", after="Left hemipelvis normal."), "acetabulum", {"negated"}),
    (_LIST.format(lead="No:", after="Left hemipelvis normal."), "pathologic_fracture", {"negated"}),
    (_LIST.format(lead="Negative for:", after=""), "acetabulum", {"negated"}),
    (_LIST.format(lead="There is no:", after=""), "acetabulum", {"negated"}),
    (_LIST.format(lead="Possible:", after=""), "acetabulum", {"uncertain"}),
    # a lead with words of its own is a heading, and the list ends where its items end
    (_LIST.format(lead="Findings of note:", after=""), "acetabulum", set()),
    (_LIST.format(lead="No:", after="Right sacral involvement."), "sacrum", set()),
    # "sacral canal" is the canal: its denial says nothing of the sacral bone
    ("No sacral canal involvement.", "spinal_canal", {"negated"}),
    # a denial inside a subordinate clause ends at the comma that closes it
    ("Because chondrosarcoma does not respond to chemotherapy, wide en bloc resection is the only curative "
     "option.", "en_bloc", set()),
    ("Pelvic location is adverse, and because it does not respond to radiation, en bloc resection is "
     "planned.", "en_bloc", set()),
    ("Because there is no cord compression, decompression is not needed.", "decompression", {"negated"}),
    ("En bloc resection is not advised, because the tumor is widespread.", "en_bloc", {"negated"}),
    ("PLAN:\n2. If no progression, curative-intent en bloc resection with spine surgery.", "en_bloc",
     {"hypothetical"}),
    # a query mark before its word asks about it (and ends no sentence); so does a differential
    ("Clinical : L3 lesion, ? chordoma ? metastasis ? plasmacytoma.", "metastasis", {"uncertain"}),
    ("Differentials include chordoma, metastasis and plasmacytoma.", "metastasis", {"uncertain"}),
    ("Primary bone tumor (chordoma, chondrosarcoma) or metastasis should be considered.", "metastasis",
     {"hypothetical"}),
    # the structures an impression names before "free of tumor", with no verb; the margins' "free"
    # frees no structure named before them
    ("2. Right ischium, pubic rami and symphysis free of tumor.", "pubic_ramus", {"negated"}),
    ("Plan: wide resection of the ilium with margins free of tumor.", "ilium", set()),
    # a reading offered, not made
    ("Enhancement along the cauda equina is favored to represent intradural tumor extension.",
     "compartment_intradural", {"uncertain"}),
    ("IMPRESSION: Most consistent with metastasis; plasmacytoma or lymphoma also possible.", "myeloma",
     {"uncertain"}),
    # a finding the reader calls nonspecific is no definite finding
    ("IMPRESSION: Nonspecific mild thickening and T2 hyperintensity of the right lower trunk.", "brachial_plexus",
     {"uncertain"}),
    # what is still to be excluded is possible
    ("Assessment: plexopathy, likely radiation-induced; recurrent tumor in the plexus to be excluded.", "mass",
     {"uncertain"}),
    # a hedge written after its diagnosis without a copula
    ("IMPRESSION: Meningioma favored.", "cns_neoplasm", {"uncertain"}),
    ("IMPRESSION: Meningioma.", "cns_neoplasm", set()),
    # what a read replaces is the earlier claim, not a finding
    ("This supersedes the outside interpretation of an intradural mass.", "compartment_intradural", {"negated"}),
])
def test_assertion_scope_by_structure(facts_of, text, concept, flags):
    found = [f for f in facts_of(text, doc_type="clinical_note") if f.concept == concept]
    assert found, f"no {concept} fact in {text!r}"
    assert {k for k, v in found[0].assertion.model_dump().items() if v and k != "planned"} == flags, found[0]


@pytest.mark.parametrize(("text", "concept", "weeks"), [
    # an age is no duration: "34 yr old" says how old she is, not how long anything lasted
    ("34 yr old lady with a sciatic nerve injury following an IM injection.", "injection", None),
    ("A 52-year-old man completed 8 weeks of physical therapy.", "physical_therapy", 8.0),
    ("34 yr old lady; physiotherapy for 3 weeks without benefit.", "physical_therapy", 3.0),
    # how often is not how long
    ("Jan 26 - gabapentin up to 600 three times a day.", "neuropathic_medication", None),
    ("Physical therapy twice per week.", "physical_therapy", None),
    # a course given as its first and last date
    ("Physical therapy from 12/01/25 to 02/09/26, 16 visits.", "physical_therapy", 10.0),
    ("Physical therapy 03/02/2026 - 04/13/2026.", "physical_therapy", 6.0),
])
def test_an_age_is_no_duration(facts_of, text, concept, weeks):
    found = [f for f in facts_of(text, doc_type="clinical_note") if f.concept == concept]
    assert found and found[0].weeks == weeks, [(f.concept, f.weeks) for f in found]


@pytest.mark.parametrize(("text", "concept", "flags", "target"), [
    # a nerve taken with any part of the specimen is sacrificed
    ("Right femoral nerve: because it is encased, the nerve will be resected en bloc with the psoas component.",
     "nerve_sacrifice", set(), "femoral_nerve"),
    ("The sciatic nerve will be excised along with the tumor.", "nerve_sacrifice", set(), "sciatic_nerve"),
    # whatever verb moves it: a nerve that leaves with the specimen is sacrificed
    ("The femoral nerve goes with the specimen, divided at its origin.", "nerve_sacrifice", set(), "femoral_nerve"),
    ("The left sciatic nerve travels with the tumor specimen.", "nerve_sacrifice", set(), "sciatic_nerve"),
    # ... but bone taken with the tumor is no nerve
    ("The ilium will be resected en bloc with the tumor.", "nerve_sacrifice", set(), "tissue"),
    # a plan withdrawn
    ("Nerve preservation (neurolysis) is no longer planned.", "nerve_preservation", {"negated"}, None),
])
def test_what_the_plan_does_to_the_nerve(facts_of, text, concept, flags, target):
    found = [f for f in facts_of(text, doc_type="clinical_note") if f.concept == concept]
    assert found, f"no {concept} in {text!r}"
    f = found[0]
    assert {k for k, v in f.assertion.model_dump().items() if v and k != "planned"} == flags, f
    assert f.target == target, f


@pytest.mark.parametrize(("text", "levels"), [
    # a level heading its line's findings places them, and asserts no relation of its own
    ("FINDINGS:\nT12: enhancing tumor replaces the vertebral body with a pathologic fracture.\n", {"T12"}),
    ("FINDINGS:\nL1: 1.6 cm T2-bright focus in the posterior vertebral body.\n", {"L1"}),
])
def test_a_level_label_places_its_findings(facts_of, text, levels):
    facts = facts_of(text)
    labels = [f for f in facts if f.concept == "spinal_level" and f.evidence[0].text in levels]
    assert labels and all(f.relation is None for f in labels), [(f.evidence[0].text, f.relation) for f in facts]
    finding = [f for f in facts if f.kind != "site"]
    assert finding and all(f.sentence == labels[0].sentence for f in finding), \
        [(f.concept, f.sentence, labels[0].sentence) for f in finding]


@pytest.mark.parametrize(("text", "section"), [
    # a one-word title without its colon that runs on in lower case is a wrapped sentence, not a heading
    ("FINDINGS: The canal component at L3 is extradural.\nImpression item 2\nis revised: extradural tumor at L3.\n",
     "findings"),
    ("FINDINGS: The canal component at L3 is extradural.\nIMPRESSION\nExtradural tumor at L3.\n", "impression"),
])
def test_a_title_that_runs_into_prose_is_no_heading(facts_of, text, section):
    found = [f for f in facts_of(text) if f.concept == "spinal_level" and "tumor" in f.evidence[0].text]
    assert found and found[-1].section == section, [(f.evidence[0].text, f.section) for f in found]
