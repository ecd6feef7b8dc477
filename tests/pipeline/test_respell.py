"""OCR repair that changes length (pipeline/respell.py) and its offset map (pipeline/offsets.py)."""

from __future__ import annotations

import random

import pytest
from mednec.pipeline.offsets import OffsetMap
from mednec.pipeline.respell import load_config, repair_word, respell
from mednec.pipeline.respell_vocab import vocabulary

# (damaged token, repaired form): one row per kind of damage the repair undoes
REPAIRS = [
    ("withhout", "without"),  # doubled letter
    ("innvolved", "involved"),
    ("pplanned", "planned"),
    ("PATTHOLOGY", "PATHOLOGY"),
    ("NNo", "No"),
    ("Noo", "No"),
    ("vvithout", "without"),  # w split into vv
    ("cydes", "cycles"),  # cl merged into d
    ("clisplacement", "displacement"),  # d split into cl
    ("lurnbar", "lumbar"),  # m split into rn
    ("rnonths", "months"),
    ("ancl", "and"),
    ("S0CIAL", "SOCIAL"),  # digit for letter
    ("PATHOL0GY", "PATHOLOGY"),
    ("5INS", "SINS"),
    ("SlNS", "SINS"),  # l for I
    ("FlNAL", "FINAL"),
    ("dispIaces", "displaces"),
    ("Negtive", "Negative"),  # dropped letter
    ("negatie", "negative"),
    ("acetablum", "acetabulum"),
    ("7O", "70"),  # letter in a number
    ("1O", "10"),
    ("withoutpulmonary", "without pulmonary"),  # lost space: a cue and a known word
    ("Nocomplete", "No complete"),
    ("butnot", "but not"),
    ("Negativefor", "Negative for"),
    ("suspiciousfor", "suspicious for"),
    ("extraduralwithout", "extradural without"),
    ("notplanned", "not planned"),
    ("rightbrachial", "right brachial"),  # lost space: two concept words
    ("PLEOMORPHICSARCOMA", "PLEOMORPHIC SARCOMA"),
    ("psoascompartment", "psoas compartment"),
    ("1and", "1 and"),  # a number glued to a word
    ("lesionof", "lesion of"),  # a rule word and a joining word
    ("involvingthe", "involving the"),
    ("isno", "is no"),  # a short word next to a cue
    ("roofNo", "roof No"),  # a lower-case word runs into a capitalised one
    ("pp1anned", "planned"),  # two kinds of damage in one word
    ("withoutpu1monary", "without pulmonary"),
    ("SURGICALPATH0LOGY", "SURGICAL PATHOLOGY"),
    ("PATTHOLOGYY", "PATHOLOGY"),
    ("rightbrachiaI", "right brachial"),
    ("anclargues", "and argues"),
    ("nnominate", "innominate"),  # a rule word wins over a word that is only English
    ("5taging", "Staging"),  # a digit at a word's start was a capital
    ("thepsoas", "the psoas"),  # a function word glued to a word
    ("bepreserved", "be preserved"),
    ("tothe", "to the"),
    ("ischiumare", "ischium are"),
    ("CTnegative", "CT negative"),  # an acronym glued to a word
]

# words that are no damage and must stay as they are
UNTOUCHED = [
    "without", "sacroiliac", "acetabular", "neoadjuvant", "osteosarcoma", "hemipelvectomy", "lumbosacral",
    "nondisplaced", "Nondisplaced", "presacral", "postsurgical", "hyperintensity", "transpsoas", "interbody",
    "labeling", "oncologically", "PSMA", "ECOG", "HER2", "T12", "L5", "S1", "3rd", "10mg", "ypT2N0", "mmol",
    "Keytruda", "ifosfamide", "radiculopathy", "plexopathy", "heme", "planed", "fails", "tail", "EAM",
    "medialis", "lateralis", "nosocomial", "noncontrast", "nontender", "notochord", "dura", "incont",
    "planne", "MRIs", "DVTs", "heparin", "Coumadin",
]


@pytest.mark.parametrize(("damaged", "repaired"), REPAIRS)
def test_repair_word(damaged: str, repaired: str) -> None:
    assert repair_word(damaged) == repaired


@pytest.mark.parametrize("word", UNTOUCHED)
def test_known_and_unknown_words_stay(word: str) -> None:
    assert repair_word(word) is None


def test_heading_words_are_repaired_towards_section_titles() -> None:
    assert repair_word("EAM", heading=True) == "EXAM"
    assert repair_word("EAM") is None  # an acronym outside a heading


def test_capitalised_word_inside_a_sentence_is_a_name() -> None:
    assert repair_word("Yoon", name_like=True) is None
    assert respell("Seen by Dr. Yoon today.")[1] is None
    text, _, n = respell("Seen by Varga.\nNegtive for tumor.")
    assert (text, n) == ("Seen by Varga.\nNegative for tumor.", 1)


@pytest.mark.parametrize(("text", "expected"), [
    ("Mass abuts the roof No tumor in the joint.", "Mass abuts the roof. No tumor in the joint."),
    ("Mass abuts the roof.No tumor in the joint.", "Mass abuts the roof. No tumor in the joint."),
    ("Findings 3.No fracture.", "Findings 3. No fracture."),
    ("Case No 5 reviewed.", "Case No 5 reviewed."),  # a number after "No": no new sentence
    ("Left hip. No fracture.", "Left hip. No fracture."),
    ("Mass abuts the roofNo tumor.", "Mass abuts the roof. No tumor."),  # split, then the period
    ("Both proximal femora No fracture.", "Both proximal femoral. No fracture."),  # letter, then period
    ("Labs negative Symptoms: none.", "Labs negative. Symptoms: none."),  # a label starts a sentence
    ("Date of Service: today.", "Date of Service: today."),  # ... but not after a stop word
    ("FINAL  DIAGNOSIS: sarcoma.", "FINAL DIAGNOSIS: sarcoma."),  # doubled space
    ("Age    62", "Age    62"),  # a layout gap stays
    ("A. ILIUM:\nFIBROUS\n  DYSPLASIA.", "A. ILIUM:\nFIBROUS DYSPLASIA."),  # wrapped inside an alias
    ("REVISED\nFINAL DIAGNOSIS:", "REVISED FINAL DIAGNOSIS:"),  # wrapped inside a section title
    ('labeled "left\niliac mass",are six cores', 'labeled "left iliac mass", are six cores'),  # side wrapped
    ("LEFT\nIMPRESSION: mass.", "LEFT\nIMPRESSION: mass."),  # a section title keeps its line
    ("PATHOLOGY REPORT\nFINAL DIAGNOSIS:", "PATHOLOGY REPORT\nFINAL DIAGNOSIS:"),  # two headings
    ("Pain for 6 weeks).He walks.", "Pain for 6 weeks). He walks."),  # space lost after ")."
    ("Pain for 6 weeks)He walks.", "Pain for 6 weeks). He walks."),  # period and space lost
    ("Pain (for 6 weeks) and he walks.", "Pain (for 6 weeks) and he walks."),
    ("Tumor at S1 and S2;no invasion.", "Tumor at S1 and S2; no invasion."),  # space lost after ;
    ("Dx:sarcoma, 1,000 cells at 10:30, L4:L5.", "Dx: sarcoma, 1,000 cells at 10:30, L4:L5."),
    ("Plan:\nl. En bloc resection.\n2. PT.", "Plan:\n1. En bloc resection.\n2. PT."),  # list number
    ("Seen by Dr. Haddad and Dr Smiith.", "Seen by Dr. Haddad and Dr Smiith."),  # names stay
    ("IMPRESSION: N intradural extension.", "IMPRESSION: No intradural extension."),  # lost "o"
    ("N stage: N1. Grade 2, N intradural.", "N stage: N1. Grade 2, N intradural."),
    ("IMPRESSION: N0 INTRADURAL EXTENSION.", "IMPRESSION: NO INTRADURAL EXTENSION."),  # a cue in capitals
    ("Stage pT2 N0 M0, N0 disease.", "Stage pT2 N0 M0, N0 disease."),  # nodal stage N0 stays
    ("Staging: N0 distant metastases.", "Staging: No distant metastases."),  # a capital "No" damaged
    ("Staging CT: T3 N0 metastases absent.", "Staging CT: T3 N0 metastases absent."),  # after its T
    ("N0 nodes are enlarged.", "N0 nodes are enlarged."),  # a nodal stage's noun
    ("There is ne\nintradural extension.", "There is no\nintradural extension."),  # across a line wrap
    ("There is ne\n\nIntradural", "There is ne\n\nIntradural"),  # not across a paragraph
    ("There is ne\n\nintradural extension.", "There is no\n\nintradural extension."),  # an OCR blank line
])
def test_lost_periods_and_spaces(text: str, expected: str) -> None:
    assert respell(text)[0] == expected


@pytest.mark.parametrize(("text", "word", "quoted"), [
    ("Seen 10/27/2025 withhout pulmonary nodules.", "without", "withhout"),
    ("Seen withoutpulmonary nodules.", "pulmonary", "pulmonary"),
    ("Seen withoutpulmonary nodules.", "without", "without"),
    ("Seen withoutpulmonary nodules.", "without pulmonary", "withoutpulmonary"),
    ("Tumor abuts the roof No invasion.", "No invasion", "No invasion"),
    ("Tumor abuts the roof No invasion.", "roof.", "roof"),
])
def test_offsets_quote_the_source(text: str, word: str, quoted: str) -> None:
    new, mapping, _ = respell(text)
    assert mapping is not None
    start = new.index(word)
    s, e = mapping.span(start, start + len(word))
    assert text[s:e] == quoted


def test_offset_map_round_trip_on_random_edits() -> None:
    rng = random.Random(7)
    source = "".join(rng.choice("ab cd\n") for _ in range(400))
    for _ in range(200):
        edits, pos = [], 0
        while pos < len(source):
            pos += rng.randint(1, 30)
            if pos >= len(source):
                break
            end = min(len(source), pos + rng.randint(0, 3))
            edits.append((pos, end, "x" * rng.randint(0, 3)))
            pos = end + 1
        mapping = OffsetMap(source, edits)
        # unedited stretches map to themselves, character for character
        for s_new in range(len(mapping.text)):
            s, e = mapping.span(s_new, s_new + 1)
            assert 0 <= s < e <= len(source)
            if mapping.text[s_new] in "abcd \n" and e - s == 1:
                assert source[s] == mapping.text[s_new]


def test_overlapping_edits_are_refused() -> None:
    with pytest.raises(ValueError, match="overlaps"):
        OffsetMap("abcdef", [(1, 3, "x"), (2, 4, "y")])


def test_clean_text_is_left_alone() -> None:
    text = ("MRI PELVIS\nFINDINGS: A 6 cm mass of the left acetabulum without extension into the sacroiliac "
            "joint. Nondisplaced pathologic fracture. Presacral soft tissue is normal. HER2 negative.\n"
            "IMPRESSION: Findings favor chondrosarcoma.\n")
    assert respell(text) == (text, None, 0)


def test_config_and_vocabulary_load() -> None:
    cfg = load_config()
    assert cfg.min_insert_length >= cfg.min_length
    vocab = vocabulary()
    assert {"without", "negative", "suspicious"} <= vocab.cues
    assert {"sacroiliac", "acetabulum", "right"} <= vocab.concepts
    assert "exam" in vocab.headings and "the" in vocab.known
