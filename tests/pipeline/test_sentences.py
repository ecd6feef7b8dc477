"""Clinical sentence splitting: headers, numbered lists, abbreviations, wrapped lines."""

from __future__ import annotations

import pytest
from mednec.pipeline.sentences import wrap_width

CASES = [
    # a sequence or level code is capitalised wherever it stands: a line that ends on a word goes on
    # into it ("with increased" / "T2 signal")
    ("The right upper trunk is mildly thickened with increased\nT2 signal over 2 cm. This could reflect neuritis.",
     ["The right upper trunk is mildly thickened with increased\nT2 signal over 2 cm.",
      "This could reflect neuritis."]),
    # ...also from a short line that itself goes on in lower case (a wrap re-broken by a fax)
    ("The right upper trunk is mildly thickened\nwith increased\nT2 signal over 2 cm.",
     ["The right upper trunk is mildly thickened\nwith increased\nT2 signal over 2 cm."]),
    # a terse note opens a sentence on a comparison or an approximation sign
    ("no mass, no tumor. >5 mo since onset, failed meds + ~14 wk PT.",
     ["no mass, no tumor.", ">5 mo since onset, failed meds + ~14 wk PT."]),
    ("No tumor. ~14 wk of PT.", ["No tumor.", "~14 wk of PT."]),
    # a line ending on a word that needs its number goes on into the number ("every" / "12 hours")
    ("Pregabalin 75 mg every\n12 hours since 19/01/2026. No change.",
     ["Pregabalin 75 mg every\n12 hours since 19/01/2026.", "No change."]),
    ("Pain since\n2024. Stable.", ["Pain since\n2024.", "Stable."]),
    # a word broken at its hyphen goes on in the next line, in capitals or not
    ("THE IMAGING SUPPORTS A LOW-\nGRADE CHONDROSARCOMA; NO MORE.", ["THE IMAGING SUPPORTS A LOW-\nGRADE "
                                                                      "CHONDROSARCOMA; NO MORE."]),
    ("The imaging supports a low-\ngrade chondrosarcoma.", ["The imaging supports a low-\ngrade chondrosarcoma."]),
    # a number at a line's end goes on into its unit on the next line, whatever the case
    ("TREATMENT TO DATE: 5 SESSIONS OVER 3\nWEEKS - NERVE GLIDING.",
     ["TREATMENT TO DATE: 5 SESSIONS OVER 3\nWEEKS - NERVE GLIDING."]),
    ("Mass measures 3\nCm. No fracture.", ["Mass measures 3\nCm.", "No fracture."]),
    ("PT sessions: 3\nWeeks: 4", ["PT sessions: 3", "Weeks: 4"]),
    # a bracket that opens the next line goes on after a number too
    ("Biopsy 08/27/2025\n(MUP25-7712): small round blue cell tumor.",
     ["Biopsy 08/27/2025\n(MUP25-7712): small round blue cell tumor."]),
    ("IMPRESSION:\n1. Mass of the left ilium.\n2. No fracture.",
     ["IMPRESSION:", "1. Mass of the left ilium.", "2. No fracture."]),
    ("Seen by Dr. Smith today. Pain improved.", ["Seen by Dr. Smith today.", "Pain improved."]),
    ("The lesion measures 3.6 cm. It abuts the roof.", ["The lesion measures 3.6 cm.", "It abuts the roof."]),
    ("Findings: the mass extends\ninto the sacrum. No fracture.",
     ["Findings: the mass extends\ninto the sacrum.", "No fracture."]),
    ("PLAN\nEn bloc resection\nIVC filter", ["PLAN", "En bloc resection", "IVC filter"]),
    ("Patient K. M. returns; doing well.", ["Patient K. M. returns; doing well."]),
    # a semicolon joins two clauses of one sentence across a line wrap too; a capital after it opens a line
    ("2. Neurolysis of the left sciatic nerve at the notch;\n   the nerve will be preserved.",
     ["2. Neurolysis of the left sciatic nerve at the notch;\n   the nerve will be preserved."]),
    ("Mass of the ilium;\nNo fracture.", ["Mass of the ilium;", "No fracture."]),
    # typed without capitals: a period after an English word still ends the sentence
    ("Partial response. staging negative. symptoms: tingling.",
     ["Partial response.", "staging negative.", "symptoms: tingling."]),
    # ... but not after an abbreviation
    ("Margins neg. for malignancy.", ["Margins neg. for malignancy."]),
    ("Mass in the prox. femur, approx. two cm.", ["Mass in the prox. femur, approx. two cm."]),
    ("Seen by Dr. smith; hx. of DVT.", ["Seen by Dr. smith; hx. of DVT."]),
    # a line that ends on a subordinator was wrapped, whatever the case of the next line
    ("4. Radiation oncology to see her postoperatively if\nMPNST is confirmed.",
     ["4. Radiation oncology to see her postoperatively if\nMPNST is confirmed."]),
    ("Surgery will proceed unless\nPET shows distant disease.",
     ["Surgery will proceed unless\nPET shows distant disease."]),
    # an acronym's capital starts no sentence: a line ending on a word goes on into it
    ("Pathology: ANNUBP on core; cannot exclude low-grade\nMPNST. Sampling may underestimate grade.",
     ["Pathology: ANNUBP on core; cannot exclude low-grade\nMPNST.", "Sampling may underestimate grade."]),
    # ... also when the acronym and its period are all the next line holds
    ("A rapidly enlarging left T4-5 nerve sheath tumor, presumed\nMPNST.\nHe describes pain.",
     ["A rapidly enlarging left T4-5 nerve sheath tumor, presumed\nMPNST.", "He describes pain."]),
    # ...but an all-caps heading line is a heading
    ("The mass abuts the roof\nIMPRESSION SECTION FOLLOWS HERE\n",
     ["The mass abuts the roof", "IMPRESSION SECTION FOLLOWS HERE"]),
    # a long prose line that ends on a word goes on into a date or number on the next line...
    ("Treatment so far: outpatient physical therapy started\n12/22/2025 (3 weeks, 5 visits so far).",
     ["Treatment so far: outpatient physical therapy started\n12/22/2025 (3 weeks, 5 visits so far)."]),
    # ...but not from a short line, a dated entry of a timeline, or into a list mark
    ("Oncologic history\n10/22/2025 biopsy.", ["Oncologic history", "10/22/2025 biopsy."]),
    ("10/01/2025 CT chest shows no pulmonary metastases\n10/22/2025 - biopsy: osteosarcoma.",
     ["10/01/2025 CT chest shows no pulmonary metastases", "10/22/2025 - biopsy: osteosarcoma."]),
    ("The staging studies we reviewed today were all negative\n2. Plan resection.",
     ["The staging studies we reviewed today were all negative", "2. Plan resection."]),
    # a dash that joined two clauses on one line joins them across a wrap; a bullet after a lead does not
    ("3. Marrow signal alteration in the left acetabular roof\n- reactive oedema versus tumour extension, "
     "indeterminate.",
     ["3. Marrow signal alteration in the left acetabular roof\n- reactive oedema versus tumour extension, "
      "indeterminate."]),
    ("Findings of note:\n- pathologic fracture\n- acetabular involvement",
     ["Findings of note:", "- pathologic fracture", "- acetabular involvement"]),
    # a parenthesis left open goes on into the line that closes it, even one that opens on a date
    ("1. Multidisciplinary plan (sarcoma tumor board\n01/16/2026): radiation, then resection.",
     ["1. Multidisciplinary plan (sarcoma tumor board\n01/16/2026): radiation, then resection."]),
    ("Staging CT (chest and abdomen) was negative for disease\n01/16/2026: biopsy of the ilium.",
     ["Staging CT (chest and abdomen) was negative for disease", "01/16/2026: biopsy of the ilium."]),
    # a score's name waits for its value on the next line, even after a colon
    ("She is working from home: ECOG\n1. With bone-only disease survival exceeds two years.",
     ["She is working from home: ECOG\n1. With bone-only disease survival exceeds two years."]),
]


# a note hard-wrapped at 55 characters, two of whose wraps a repair joined into long lines
WRAPPED_55 = (
    "The patient returns today for a scheduled infusion day\n"
    "and review of her staging studies with her mother at the bedside and the interpreter\n"
    "present. She reports that pain is much better overall.\n"
    "- Biopsy of the left ischium on 11/10/2025 showed a\n"
    "small round cell tumor with fusion of the EWSR1 gene.\n"
    "- Staging: PET/CT and chest CT without metastases and the marrow biopsies negative.\n"
    "- Treatment plan: interval-compressed alternating\n"
    "VDC/IE, 6 cycles of induction before local control.\n"
    "- Cycle 1 was complicated by febrile neutropenia and a\n"
    "line-related thrombosis of the left arm, now treated.\n"
)


def test_wrap_width_leaves_out_joined_lines():
    assert wrap_width(WRAPPED_55) == 54  # its longest typed line
    assert wrap_width("Short.\nLines.\nOnly.") == 0


def test_no_room_wrap_into_an_acronym_after_joined_lines(nlp):
    # the label's value goes on into the acronym: the line had no room left for "VDC/IE,"
    sents = [s.text.strip() for s in nlp(WRAPPED_55).sents]
    assert "- Treatment plan: interval-compressed alternating\nVDC/IE, 6 cycles of induction before local control." \
        in sents


# a plan hard-wrapped at 55 characters: a side word and a comparison each had no room for what follows
PLAN_55 = (
    "1. Posterior-only en bloc partial sacrectomy through\n"
    "the S1-S2 level (sacral corpectomy S2-S5) with wide\n"
    "margins, including the left piriformis muscle. Left\n"
    "S2-S3 roots will be sacrificed with the specimen.\n"
    "2. Oncology: ECOG 1, starting systemic therapy; survival\n"
    "expected to be at least twelve months, at least\n"
    "12 months per the oncologist and the tumor board.\n"
)


@pytest.mark.parametrize("sentence", [
    "Left\nS2-S3 roots will be sacrificed with the specimen.",
    "survival\nexpected to be at least twelve months, at least\n12 months per the oncologist and the tumor board.",
])
def test_no_room_wraps_a_side_word_and_a_number(nlp, sentence):
    assert any(sentence in s.text for s in nlp(PLAN_55).sents), [s.text for s in nlp(PLAN_55).sents]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_sentences(nlp, text, expected):
    doc = nlp(text)
    assert [s.text.strip() for s in doc.sents if s.text.strip()] == expected
