"""Abbreviations: the shipped lexicon, in-document definitions (scispaCy) and the ConText shorthand cues."""

from __future__ import annotations

import pytest

GROUP, ALL_GROUP = "mednec", "mednec_all"

ASSERTION = {"HISTORICAL": "is_historical", "POSSIBLE_EXISTENCE": "is_uncertain",
             "NEGATED_EXISTENCE": "is_negated"}


def _spans(doc, group=GROUP):  # noqa: ANN001, ANN202
    return {(s.start_char, s.end_char, s.text, s._.concept) for s in doc.spans[group]}


# text, span text, start char, end char, concept: the span must be in both groups
LEXICON_ROWS = [
    ("The NV bundle is encased.", "NV bundle", 4, 13, "neurovascular"),  # alias of concepts.jsonl
    ("Tumor abuts the NV at the notch.", "NV", 16, 18, "neurovascular"),  # lexicon, case-sensitive
    ("BLE weakness for two weeks.", "BLE", 0, 3, "limb_lower"),
    ("Recurrent GCT of the sacrum.", "GCT", 10, 13, "giant_cell_tumor"),
    ("Tinel over the CPN.", "CPN", 15, 18, "peroneal_nerve"),
    ("Numbness in the LFCN distribution.", "LFCN", 16, 20, "lumbar_plexus"),
    ("Concern for CES.", "CES", 12, 15, "sphincter_deficit"),
    ("Tumor crosses the left SIJ.", "SIJ", 23, 26, "sacroiliac_joint"),
    ("Mass abuts the right SI jt.", "SI jt", 21, 26, "sacroiliac_joint"),
    ("The LS plexus is displaced.", "LS plexus", 4, 13, "lumbosacral_plexus"),
    ("Tumor abuts the NVB.", "NVB", 16, 19, "neurovascular"),
    ("Weakness of the LLE/RLE.", "LLE", 16, 19, "limb_lower"),
    ("Weakness of the LLE/RLE.", "RLE", 20, 23, "limb_lower"),
    ("Left femoral DVT on duplex.", "DVT", 13, 16, "vte"),
    ("CT shows a segmental PE.", "PE", 21, 23, "vte"),
    ("IVCF placed before surgery.", "IVCF", 0, 4, "ivc_filter"),
    ("AC held for surgery.", "AC", 0, 2, "anticoagulation"),
    ("Continue DVT ppx with SCDs.", "DVT ppx", 9, 16, "vte_prophylaxis"),
    ("Six cycles of MAP given.", "MAP", 14, 17, "chemotherapy"),
    ("Started VDC/IE in March.", "VDC/IE", 8, 14, "chemotherapy"),
    ("EMG/NCS was abnormal.", "EMG/NCS", 0, 7, "study_emg"),
    ("Completed 8 weeks of PT.", "PT", 21, 23, "physical_therapy"),
    ("ECOG 1.", "ECOG", 0, 4, "ecog"),
    ("Multiple lung mets.", "mets", 14, 18, "metastasis"),
    ("CT-guided bx of the ilium.", "bx", 10, 12, "biopsy"),
    ("Final path is pending.", "path", 6, 10, "biopsy"),
]

# text, the abbreviation that must not become a span
LEXICON_NEGATIVE = [
    ("Distal pulses 2+, NV intact.", "NV"),  # an exam finding: neurovascularly intact
    ("Mercy Hospital, Reno, NV 89501", "NV"),  # an address
    ("ble weakness", "ble"),  # case-sensitive entry
    ("The cpn was normal.", "cpn"),
    ("gct", "gct"),
]


@pytest.mark.parametrize(("text", "span_text", "start", "end", "concept"), LEXICON_ROWS)
def test_lexicon_abbreviation(nlp, text, span_text, start, end, concept):
    doc = nlp(text)
    assert text[start:end] == span_text
    assert (start, end, span_text, concept) in _spans(doc)
    assert (start, end, span_text, concept) in _spans(doc, ALL_GROUP)


@pytest.mark.parametrize(("text", "word"), LEXICON_NEGATIVE)
def test_lexicon_negative(nlp, text, word):
    doc = nlp(text)
    assert not [s for s in doc.spans[ALL_GROUP] if s.text == word]


# text, span text, start char, end char, concept (later occurrences of a defined short form)
DEFINITION_ROWS = [
    ("Giant cell tumor of bone (GCTB) of the sacrum. The GCTB abuts S1.", "GCTB", 51, 55, "giant_cell_tumor"),
    ("Mass abuts the lumbosacral plexus (LSP). The LSP is displaced.", "LSP", 45, 48, "lumbosacral_plexus"),
    ("Undifferentiated pleomorphic sarcoma (UPS) of the femur. UPS is high grade.", "UPS", 57, 60,
     "ups_bone"),
    ("The greater sciatic notch (GSN) is widened by tumor; the GSN is involved.", "GSN", 57, 60,
     "sciatic_foramen"),
    ("Right sciatic nerve (SN) encased. SN displaced. SN stretched.", "SN", 48, 50, "sciatic_nerve"),
]

# text, short form text, start char: no span there
DEFINITION_NEGATIVE = [
    ("Mass abuts the lumbosacral plexus (LSP). The LSP is displaced.", "LSP", 35),  # the definition itself
    ("The LSP is displaced. Mass abuts the lumbosacral plexus (LSP).", "LSP", 4),  # before the definition
    ("Magnetic resonance angiography (MRA) was done. MRA was normal.", "MRA", 47),  # long form no concept
    ("Mass abuts the lumbosacral plexus (LSP). The lsp is displaced.", "lsp", 45),  # case differs
]


@pytest.mark.parametrize(("text", "span_text", "start", "end", "concept"), DEFINITION_ROWS)
def test_in_document_definition(nlp, text, span_text, start, end, concept):
    doc = nlp(text)
    assert text[start:end] == span_text
    assert (start, end, span_text, concept) in _spans(doc)
    assert (start, end, span_text, concept) in _spans(doc, ALL_GROUP)


@pytest.mark.parametrize(("text", "short", "start"), DEFINITION_NEGATIVE)
def test_definition_negative(nlp, text, short, start):
    assert text[start:start + len(short)] == short
    doc = nlp(text)
    assert not [s for s in doc.spans[ALL_GROUP] if s.start_char == start]


def test_defined_short_form_takes_the_assertion(nlp):
    doc = nlp("Lumbosacral plexus (LSP) on the left. No tumor in the LSP.")
    lsp = [s for s in doc.spans[GROUP] if s.text == "LSP" and s.start_char > 30]
    assert len(lsp) == 1 and lsp[0]._.concept == "lumbosacral_plexus" and lsp[0]._.is_negated


def test_detector_runs_on_a_blank_pipeline_with_our_sentences():
    import spacy
    from mednec.pipeline import sentences  # noqa: F401 - registers mednec_sentences
    from scispacy.abbreviation import AbbreviationDetector

    nlp = spacy.blank("en")
    nlp.add_pipe("mednec_sentences")
    detector = AbbreviationDetector(nlp)
    doc = detector(nlp("History: giant cell tumor of bone (GCTB).\nThe GCTB recurred."))
    found = {(s.text, s.start_char, s._.long_form.text) for s in doc._.abbreviations}
    assert found == {("GCTB", 35, "giant cell tumor of bone"), ("GCTB", 46, "giant cell tumor of bone")}


# ConText shorthand (context_rules.jsonl): text, target text, the flag it must carry
MODIFIER_ROWS = [
    ("s/p hemipelvectomy in 2019.", "hemipelvectomy", "is_historical"),
    ("Pt is s/p en bloc resection.", "en bloc resection", "is_historical"),
    ("hx of DVT.", "DVT", "is_historical"),
    ("h/o DVT, on apixaban.", "DVT", "is_historical"),
    ("Findings c/w chondrosarcoma.", "chondrosarcoma", "is_uncertain"),
    ("Duplex to r/o DVT.", "DVT", "is_uncertain"),
    ("Mass w/o encasement of the sciatic nerve.", "encasement", "is_negated"),
]


@pytest.mark.parametrize(("text", "target", "flag"), MODIFIER_ROWS)
def test_context_shorthand(nlp, text, target, flag):
    doc = nlp(text)
    spans = [s for s in doc.spans[GROUP] if s.text == target]
    assert spans and getattr(spans[0]._, flag)


@pytest.mark.parametrize(("text", "target", "flag"), [
    ("Mass with encasement of the sciatic nerve.", "encasement", "is_negated"),
    ("Findings include chondrosarcoma.", "chondrosarcoma", "is_uncertain"),
    ("Acute DVT.", "DVT", "is_historical"),
])
def test_context_shorthand_controls(nlp, text, target, flag):
    doc = nlp(text)
    spans = [s for s in doc.spans[GROUP] if s.text == target]
    assert spans and not getattr(spans[0]._, flag)


def _lexicon_entries():  # noqa: ANN202
    from mednec.pipeline.abbreviations import load_lexicon

    return load_lexicon().entries


@pytest.mark.parametrize("entry", _lexicon_entries(), ids=lambda e: e.form)
def test_every_lexicon_example_resolves(nlp, entry):
    doc = nlp(entry.example)
    if entry.concept is not None:
        same = (lambda a, b: a in b) if entry.case_sensitive else (lambda a, b: a.lower() in b.lower())
        assert [s for s in doc.spans[GROUP] if same(entry.form, s.text) and s._.concept == entry.concept]
    else:
        after = [s for s in doc.spans[GROUP] if s.start_char > entry.example.find(entry.form)]
        assert after and all(getattr(s._, ASSERTION[entry.modifier]) for s in after)


def test_lexicon_validation():
    from mednec.pipeline.abbreviations import AbbreviationEntry
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        AbbreviationEntry(form="XX", expansion="x", handled_by="lexicon", example="XX")  # no concept
    with pytest.raises(ValidationError):
        AbbreviationEntry(form="s/p", expansion="x", modifier="HISTORICAL", handled_by="lexicon",
                          example="s/p")  # a modifier is handled by ConText
