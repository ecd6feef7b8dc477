"""The ConText assertion rules (pipeline/resources/context_rules.jsonl) on hard chart patterns.

Each row: a short clinical sentence, the target phrase, and the exact set of assertion
flags the target must carry after the pipeline's ``mednec_context`` component ran on it
(``n`` negated, ``u`` uncertain, ``h`` historical, ``y`` hypothetical, ``p`` planned,
``f`` family; "" = affirmed, current, the patient's).
"""

from __future__ import annotations

import pytest
from mednec.pipeline.resources import (
    ContextRuleSpec,
    context_rule_specs,
    iter_jsonl,
    to_medspacy_context_rules,
)
from spacy.language import Language

from mednec.context_check import assess

FLAGS = {"n": "is_negated", "u": "is_uncertain", "h": "is_historical", "y": "is_hypothetical",
         "p": "is_planned", "f": "is_family"}

CASES: list[tuple[str, str, str]] = [
    # --- negation and its scope
    ("No evidence of fracture.", "fracture", "n"),
    # Commonwealth shorthand: "nil" is no, before its finding or as a label's answer
    ("CT thorax 15/12/2025: nil pulmonary metastases.", "metastases", "n"),
    ("Metastases: nil.", "Metastases", "n"),
    ("Nil pathological fracture, no retropulsion.", "pathological fracture", "n"),
    # a coordinated predicate after a comma is a clause of its own: the denial before it ends there
    ("The right sciatic nerve is contacted, not encased, and will be preserved with neuroplasty.", "preserved", ""),
    # a surgical step that frees a nerve from the tumor denies neither the tumor nor the plan after it
    ("The trunk at the notch will be dissected free of the tumour pseudocapsule and preserved (neuroplasty) as part "
     "of the limb salvage.", "neuroplasty", ""),
    ("The right ischium is free of tumour.", "ischium", "n"),
    # a clause of its own with a plural subject after "and the" ends a denial; a compound subject does not
    ("There is no fracture and the pelvic ring and lumbosacral junction are mechanically stable.",
     "lumbosacral junction", ""),
    ("No tumor in the lumbar spine and sacrum.", "sacrum", "n"),
    # a diagnosis weighed and argued against is hypothetical
    ("An isolated urothelial metastasis to the sacrum would be unusual given negative surveillance.", "metastasis",
     "y"),
    ("Sacral metastasis is present.", "metastasis", ""),
    # what a step must not harm is not denied
    ("A biopsy along the resection line, without compromising a later limb-sparing operation.", "limb-sparing", ""),
    ("Biopsy tract placed without jeopardizing the limb-sparing resection.", "limb-sparing", ""),
    # a comparison with an earlier study is no differential
    ("Lesion replacing the L3 vertebral body, increased in size vs 2025-07-18.", "L3", ""),
    ("Lesion replacing the L3 vertebral body, larger vs prior.", "L3", ""),
    ("Lesion of the L3 vertebral body, metastasis vs myeloma.", "metastasis", "u"),
    # structures said to be free of disease, or normal, before the cue
    ("The lumbar spine (L1-L5) and sacrum are free of metastatic disease.", "sacrum", "n"),
    ("L1 through L5 vertebral bodies demonstrate normal marrow signal.", "vertebral bodies", "n"),
    ("L3 is replaced by tumor and L4 has normal signal.", "L3", ""),
    # a missing record is not a missing treatment
    ("No PT notes in our chart; she attended PT for a while.", "PT", ""),
    # a hedge reaches the structure its finding sits in; a denial of a discrete mass is hedged
    ("Equivocal marrow signal in the posterior right greater trochanter.", "greater trochanter", "u"),
    ("No discrete mass in the sacrum.", "sacrum", "u"),
    # a conditional plan
    ("Sacrifice of the nerve would be discussed only if it is found invaded.", "Sacrifice", "y"),
    ("There is no sacral involvement.", "sacral involvement", "n"),
    # a judgement the reader could not reach leaves both arms open, a parenthetical grade inside
    # the differential notwithstanding (a number closing "(grade 1)" is no list enumerator)
    ("Distinction between enchondroma and low-grade (grade 1) chondrosarcoma cannot be made on this material.",
     "enchondroma", "u"),
    ("Distinction between enchondroma and low-grade (grade 1) chondrosarcoma cannot be made on this material.",
     "chondrosarcoma", "u"),
    ("Findings: 1) no fracture 2) sacral mass.", "sacral mass", ""),
    # a working diagnosis the team acts on is no diagnosis
    ("Tumor board: imaging aggressive, manage as chondrosarcoma.", "chondrosarcoma", "u"),
    ("Working diagnosis: Ewing sarcoma, biopsy pending.", "Ewing sarcoma", "u"),
    ("She was treated for osteosarcoma with MAP.", "osteosarcoma", ""),
    # a clause with its own subject and verb after "and" ends a denial
    ("Chondrosarcoma is not chemotherapy or radiation sensitive and surgery is the only curative treatment.",
     "curative", ""),
    ("No mass and edema is present.", "edema", ""),
    # a word talked about is no finding
    ("Her mother had breast cancer, which is why the word mass frightened her.", "mass", "y"),
    ("Margins are free of tumor.", "tumor", "n"),
    ("The sciatic nerve is seen without encasement.", "encasement", "n"),
    ("The sacrum is not involved.", "sacrum", "n"),
    ("The left acetabulum is uninvolved.", "acetabulum", "n"),
    ("The left SI joint is spared.", "SI joint", "n"),
    ("Iliac mass with sparing of the acetabular roof.", "acetabular roof", "n"),
    ("The tumor does not extend into the sacrum.", "sacrum", "n"),
    ("Negative for malignancy.", "malignancy", "n"),
    ("She denies fever or chills.", "chills", "n"),
    ("Patient denied any hip pain.", "hip pain", "n"),
    ("No fever, chills, or night sweats.", "night sweats", "n"),
    ("She no longer has hip pain.", "hip pain", "n"),
    ("The sacrum is unremarkable.", "sacrum", "n"),
    ("A fracture is not seen on this study.", "fracture", "n"),
    ("Her hyponatremia has resolved.", "hyponatremia", "n"),
    ("Pulmonary embolism was ruled out.", "Pulmonary embolism", "n"),
    # a consent's risk is no finding
    ("Consent discussed including L5 root injury risk.", "L5 root injury", "y"),
    ("Risks of sciatic nerve injury were explained.", "sciatic nerve injury", "y"),
    # a relation the study could not judge is open; an inseparable mass is in contact
    ("The relationship of the mass to the lumbosacral trunk cannot be assessed on CT.", "lumbosacral trunk", "u"),
    ("The mass is not separated from the sciatic nerve.", "sciatic nerve", ""),
    ("The pain has not resolved with therapy.", "pain", ""),
    # an active exclusion verb with a test or reader as its subject; the bare verb is a plan
    ("The immunoprofile excludes metastatic carcinoma.", "metastatic carcinoma", "n"),
    ("Flow cytometry has excluded lymphoma.", "lymphoma", "n"),
    ("Biopsy is needed to exclude metastatic carcinoma.", "metastatic carcinoma", "u"),
    ("Extremities: no clubbing, cyanosis, or edema.", "edema", "n"),
    ("The patient was not tachycardic.", "tachycardic", "n"),
    ("Former smoker.", "smoker", "n"),
    ("In no acute distress.", "acute distress", "n"),
    ("No pain, but there is a large soft tissue mass.", "soft tissue mass", ""),
    ("No fracture; large soft tissue mass in the left ilium.", "soft tissue mass", ""),
    ("No effusion, however marrow edema is present.", "marrow edema", ""),
    ("No fracture, although cortical thinning is noted.", "cortical thinning", ""),
    ("No DVT, positive for superficial thrombophlebitis.", "superficial thrombophlebitis", ""),
    ("No suspicious nodes, and the patient reports hip pain.", "hip pain", ""),
    ("1) No fracture 2) Large mass of the left ilium.", "Large mass", ""),
    ("No change in the size of the iliac mass.", "iliac mass", ""),
    ("No interval change in the sacral lesion.", "sacral lesion", ""),
    ("Gram negative rods grew from the wound.", "rods", ""),
    ("She walks without difficulty despite the pelvic mass.", "pelvic mass", ""),
    ("Not only the ilium but also the sacrum is involved.", "sacrum", ""),
    ("MRI with and without contrast shows a pelvic mass.", "pelvic mass", ""),
    ("Plan reimplantation once the infection is completely resolved.", "infection", ""),
    ("Nine weeks of PT without meaningful improvement in pain.", "pain", ""),
    ("No relief of buttock pain after the injection.", "buttock pain", ""),
    ("Thrombus, not significantly changed from the CT of 11/18/2025.", "CT", ""),
    ("MRI pelvis without and with contrast: large iliac mass.", "iliac mass", ""),
    ("T9 and L2 without epidural extension, multiple ribs, left acetabulum.", "left acetabulum", ""),
    ("T9 and L2 without epidural extension, multiple ribs.", "epidural extension", "n"),
    ("He cannot sit through a full shift, and requests definitive surgery.", "definitive surgery", ""),
    ("No radiation is indicated for conventional chondrosarcoma.", "conventional chondrosarcoma", ""),
    ("No suspicious osseous lesion.", "osseous lesion", "n"),
    ("Nerve sacrifice is not planned.", "Nerve sacrifice", "n"),  # the negated plan phrase consumes "not planned"
    ("Oral mucosa is moist with no erythema.", "Oral mucosa", ""),
    # --- uncertainty
    ("A pathologic fracture cannot be excluded.", "pathologic fracture", "u"),
    ("Cannot exclude sacral involvement.", "sacral involvement", "u"),
    ("Involvement of the sacrum is not excluded.", "Involvement", "u"),
    ("Rule out osteomyelitis.", "osteomyelitis", "u"),
    ("r/o DVT", "DVT", "u"),
    ("Findings suspicious for osteosarcoma.", "osteosarcoma", "u"),
    ("Lesion concerning for metastasis.", "metastasis", "u"),
    ("Likely chondrosarcoma.", "chondrosarcoma", "u"),
    ("Possible extension into the SI joint.", "SI joint", "u"),
    ("Appearance is consistent with osteosarcoma.", "osteosarcoma", "u"),
    ("c/w chondrosarcoma", "chondrosarcoma", "u"),
    ("Findings favor Ewing sarcoma.", "Ewing sarcoma", "u"),
    ("Osteomyelitis versus tumor.", "tumor", "u"),
    ("Questionable cortical breach.", "cortical breach", "u"),
    ("Evaluate for progression of metastatic disease.", "metastatic disease", "u"),
    # --- history, and what ends it
    ("History of DVT.", "DVT", "h"),
    ("Hx of pulmonary embolism.", "pulmonary embolism", "h"),
    ("h/o DVT", "DVT", "h"),
    ("She is s/p left hemipelvectomy.", "hemipelvectomy", "h"),
    ("Status post chemotherapy.", "chemotherapy", "h"),
    ("Prior radiation to the pelvis.", "radiation", "h"),
    ("Remote history of breast cancer.", "breast cancer", "h"),
    ("Chondrosarcoma resected in 2019.", "Chondrosarcoma", "h"),
    ("She had a DVT 3 years ago.", "DVT", "h"),
    ("Past medical history: diabetes, hypertension, and gout.", "gout", "h"),
    ("Past medical history of CAD, s/p CABG, hypertension and gout.", "gout", "h"),
    ("Compared to the prior study the iliac mass has grown.", "iliac mass", ""),
    ("The previously described sacral mass is larger.", "sacral mass", ""),
    ("Hip pain over the past 2 weeks.", "Hip pain", ""),
    ("Status post biopsy, large pelvic mass.", "pelvic mass", ""),
    ("Old rib fracture.", "rib fracture", "h"),
    ("Allergies: penicillin.", "penicillin", "h"),
    ("History of DVT, currently with a new pulmonary embolism.", "pulmonary embolism", ""),
    ("History of hypertension who presents with hip pain.", "hip pain", ""),
    ("She presents with a two-week history of hip pain.", "hip pain", ""),
    ("History of present illness: left hip pain.", "left hip pain", ""),
    ("A 45-year-old man with pelvic pain.", "pelvic pain", ""),
    ("No history of seizure.", "seizure", "nh"),
    # --- family and other experiencers
    ("Family history of sarcoma.", "sarcoma", "fh"),
    ("Her mother had breast cancer.", "breast cancer", "f"),
    ("FH: colon cancer.", "colon cancer", "f"),
    ("Breast cancer in her sister.", "Breast cancer", "f"),
    ("Paternal grandfather with prostate cancer.", "prostate cancer", "f"),
    # --- hypothetical
    ("Return to the ED if she develops fever.", "fever", "y"),
    ("If pain worsens, obtain an MRI.", "pain", "y"),
    ("Should symptoms of DVT develop, call the clinic.", "DVT", "y"),
    ("Call for any bleeding.", "bleeding", "y"),
    ("Resection would be considered.", "Resection", "y"),
    ("There is a risk of pathologic fracture.", "pathologic fracture", "y"),
    ("DVT prophylaxis with enoxaparin.", "DVT", "y"),
    ("Discussed that 6 weeks of conservative care is usually tried first.", "conservative care", "y"),
    ("Physical therapy is usually tried before surgery.", "Physical therapy", "y"),
    # --- planned
    ("She will start chemotherapy next week.", "chemotherapy", "p"),
    ("Pain persists despite scheduled oxycodone.", "Pain", ""),
    ("Plan to proceed with internal hemipelvectomy.", "internal hemipelvectomy", "p"),
    ("Scheduled for sacrectomy.", "sacrectomy", "p"),
    ("Wide resection is planned.", "Wide resection", "p"),
    ("She is to undergo sacrectomy.", "sacrectomy", "p"),
    ("Adjuvant chemotherapy would be given.", "Adjuvant chemotherapy", "p"),
    ("Biopsy pending.", "Biopsy", "p"),
    # a hedge after its finding, before the study it is undecided on, looks back; before a finding it
    # looks forward
    ("Relationship of the scar to the sciatic nerve indeterminate on this protocol.", "sciatic nerve", "u"),
    ("Equivocal marrow signal in the acetabular roof.", "acetabular roof", "u"),
    ("The sciatic nerve is normal. Roof signal indeterminate on this study.", "sciatic nerve", "n"),
    # two readings a sample cannot tell apart are both open; a reading a report gives other evidence is not its own
    ("The sample does not permit a distinction between enchondroma and chondrosarcoma grade 1.", "chondrosarcoma",
     "u"),
    ("Cannot be reliably distinguished from a schwannoma on this core.", "schwannoma", "u"),
    ("In a lesion of this size, the imaging supports a low-grade chondrosarcoma.", "chondrosarcoma", "u"),
    # a reading offered with an adverb between the modal and its verb is still only offered
    ("The L3 lesion could alternatively represent an atypical hemangioma.", "atypical hemangioma", "u"),
    # return precautions name what to come back for, not what the patient has
    ("She knows to go to the ED for new weakness or urinary retention.", "weakness", "y"),
    ("Told to present to the emergency department if numbness develops.", "numbness", "y"),
    # ... or before the reason it gives in brackets
    ("2. Acetabular roof involvement indeterminate (marrow edema only).", "Acetabular roof", "u"),
    ("Sciatic nerve contact equivocal (fat plane partly seen).", "Sciatic nerve", "u"),
    # a clause of its own after "and", its subject sided ("and the left ischium is normal"), ends a denial
    ("The pubic ramus lesion is an incidental enchondroma and the left ischium is normal.", "enchondroma", ""),
    # an aside's hedge says nothing of its sentence, except of the mention it is attached to
    ("The acetabulum is uninvolved (the prior read of tumor there is not confirmed).", "acetabulum", "n"),
    ("Differential: chordoma, metastasis (less likely, no other lesion).", "metastasis", "u"),
    # --- where a line breaks carries no meaning: a scope counts words, not line breaks or gaps
    ("Roof marrow signal,\ntumor versus reactive edema.", "Roof", "u"),
    ("Roof marrow signal,   \n\n   tumor versus reactive edema.", "Roof", "u"),
    # a heading line ending on a colon speaks for the line after it, as on one line
    ("Oncologic history (copied from clinic note 12/2025):\nECOG 1, working part time.", "ECOG", "h"),
    ("Oncologic history (copied from clinic note 12/2025): ECOG 1, working part time.", "ECOG", "h"),
    ("Plan:\nWide resection of the sarcoma.", "sarcoma", ""),
    # the alternative not chosen is negated; a condition after it opens its own clause
    ("Surgery rather than definitive radiation if a wide margin is achievable.", "wide margin", "y"),
    # a study ordered, and what it is to show, are not findings
    ("EMG/NCS and MR neurography ordered to document compression of the plexus.", "compression", "py"),
    ("MRI ordered by Dr. Smith showed compression of the plexus.", "compression", ""),
    # a lead that is only its cue and a colon speaks for the lines indented under it, to the next
    # line at its own depth
    ("  No:\n    epidural extension,\n    leptomeningeal enhancement, or\n    cord signal change.\n  L2: hemangioma.",
     "leptomeningeal enhancement", "n"),
    ("  No:\n    epidural extension,\n    cord signal change.\n  Fracture of L2.", "Fracture", ""),
    # "yet" and "still" turn a sentence only where they open its clause
    ("He has not yet received chemotherapy.", "chemotherapy", "n"),
    ("If the sciatic nerve is still encased after chemotherapy it will be sacrificed.", "sacrificed", "py"),
    ("No fracture, yet there is a mass.", "mass", ""),
    # a clause with a subject and a verb of its own after "and" ends a denial
    ("There is no role for neoadjuvant chemotherapy, and cure depends on wide en bloc resection.",
     "en bloc resection", ""),
    # a denied list goes on to its last item, across a comma and a line wrap
    ("The femoral nerve is normal in caliber, without focal compression, scarring or\nmass.", "mass", "n"),
    ("Without encasement, the tumor abuts the acetabulum and the ilium.", "tumor", ""),
    # "therefore" turns a sentence only where it opens a clause; inside one it ends no hedge
    ("Tumor involvement of the acetabular roof therefore cannot be excluded.", "acetabular roof", "u"),
    ("No fracture; therefore the mass is resectable.", "mass", ""),
    # --- plainly affirmed
    ("Large mass involving the left acetabulum.", "left acetabulum", ""),
    ("The patient has osteosarcoma of the left ilium.", "osteosarcoma", ""),
]


@pytest.fixture(scope="module")
def nlp() -> Language:
    """The determinations' pipeline (its ConText component is the one under test)."""
    from mednec.pipeline import build

    return build()


@pytest.mark.parametrize(("sentence", "phrase", "expected"), CASES, ids=[c[0][:48] for c in CASES])
def test_assertion_flags(nlp: Language, sentence: str, phrase: str, expected: str) -> None:
    span = assess(nlp, sentence, phrase)
    assert span.text == phrase
    assert span.start_char == sentence.index(phrase)
    got = {key for key, attr in FLAGS.items() if getattr(span._, attr)}
    assert got == set(expected), [m.rule.literal for m in span._.modifiers]


@pytest.mark.parametrize(("label", "planned"), [("DIAGNOSIS", False), ("SITE", True), ("CONDITION", True)])
def test_a_plan_never_applies_to_a_diagnosis(nlp: Language, label: str, planned: bool) -> None:
    span = assess(nlp, "She will undergo resection of the iliac osteosarcoma.", "osteosarcoma", label=label)
    assert span._.is_planned is planned
    lesion = assess(nlp, "Recommend biopsy of the iliac lesion.", "iliac lesion", label=label)
    assert lesion._.is_planned is planned


@pytest.mark.parametrize(("sentence", "phrase", "label", "historical"), [
    # a score of a time named before is not the current one; the time of this visit is now
    ("Admitted for urosepsis in 11/2025, KPS 40 at that time; fully recovered.", "KPS", "SCORE", True),
    ("ECOG 1 at the time of this visit.", "ECOG", "SCORE", False),
    # a symptom "at that time" in a hospital course belongs to the episode (the NegEx kit's reading)
    ("She also had abdominal pain at that time.", "abdominal pain", "CONDITION", False),
])
def test_a_score_at_that_time_is_past(nlp: Language, sentence: str, phrase: str, label: str,
                                      historical: bool) -> None:
    assert assess(nlp, sentence, phrase, label)._.is_historical is historical


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 60


def test_every_rule_line_validates() -> None:
    lines = list(iter_jsonl("context_rules.jsonl"))
    assert lines
    for lineno, obj in lines:
        assert ContextRuleSpec.model_validate(obj).literal, f"line {lineno}"
    specs = context_rule_specs()
    assert len(specs) == len(lines)
    assert len(to_medspacy_context_rules(specs)) == len(specs)


def test_rules_cover_every_category() -> None:
    cats = {spec.category for spec in context_rule_specs()}
    assert cats == {"NEGATED_EXISTENCE", "POSSIBLE_EXISTENCE", "HISTORICAL", "HYPOTHETICAL", "FAMILY",
                    "PLANNED", "REPORTED", "PSEUDO", "TERMINATE", "CURRENT"}


def test_historical_rules_end_at_current_cues() -> None:
    for spec in context_rule_specs():
        if spec.category == "HISTORICAL":
            assert spec.terminated_by and "CURRENT" in spec.terminated_by, spec.literal


def test_terminators_have_a_window() -> None:
    # medspaCy misses a terminator whose scope contains the whole scope of a short-range
    # modifier (its overlap test ignores containment): a one-token window avoids that.
    for spec in context_rule_specs():
        if spec.direction == "TERMINATE":
            assert spec.max_scope == 1, spec.literal
