"""The linker: damaged spellings normalise to KB concepts, clean words never do, the index is cached."""

from __future__ import annotations

import pytest

GROUP, ALL_GROUP = "mednec", "mednec_all"

# text, span text, start char, end char, concept
DAMAGED = [
    ("The acetabu1ar roof is eroded.", "acetabu1ar roof", 4, 19, "acetabulum"),
    ("Tumor invades the sacroi liac joint.", "sacroi liac joint", 18, 35, "sacroiliac_joint"),
    ("Biopsy: osteosarcorna.", "osteosarcorna", 8, 21, "osteosarcoma"),
    ("0steosarcoma of the ilium.", "0steosarcoma", 0, 12, "osteosarcoma"),
    ("The lumbosacraI plexus is displaced.", "lumbosacraI plexus", 4, 22, "lumbosacral_plexus"),
    ("The sciatlc nerve is encased.", "sciatlc nerve", 4, 17, "sciatic_nerve"),
    ("Grade 2 chondrosarcorna of the pelvis.", "chondrosarcorna", 8, 23, "chondrosarcoma"),
    ("Mass in the SACRUIVI.", "SACRUIVI", 12, 20, "sacrum"),
    ("Planned en-bIoc resection.", "en-bIoc", 8, 15, "en_bloc"),
    ("The iIiac vessels are patent.", "iIiac vessels", 4, 17, "external_iliac_vessels"),
    ("Prior bowel/blacIder dysfunction.", "bowel/blacIder dysfunction", 6, 32, "sphincter_deficit"),
    ("Pelvic osteosavcoma, high grade.", "Pelvic osteosavcoma", 0, 19, "axial_site"),
    # the linked mention takes the place of the target inside it ("carcinoma")
    ("Remote basa1 cell carcinoma of the scalp.", "basa1 cell carcinoma", 7, 27, "skin_cancer"),
    ("Tumor in the 5ACRUM.", "5ACRUM", 13, 19, "sacrum"),
    ("The psoas and iliacus are intact; the femoraI nerve is stretched.", "femoraI nerve", 38, 51,
     "femoral_nerve"),
]

# clean words that must not be linked
CLEAN = [
    "The account was reviewed.", "Blood pressure 120/80.", "Similar to the prior study.",
    "IMPRESSION: stable.", "Small intramural uterine fibroid.", "He is waking up at night.",
    "Numbness of the finger.", "She walked in.", "Kept in reserve.", "Dr. Walter Johnson, Lakeshore Univ.",
    "SATB2 positive, MDM2 not amplified.", "Gabapentin 300mg at bedtime.", "L5-S1 disc bulge.",
    "Spring 2025 visit.", "Patient is a 3rd grade teacher.", "The stains were reviewed.", "Clonus absent.",
    "She is an occupational therapist.",
    "Ifintradural tumor is found at surgery, it will be resected.",  # "If" run in: its cue must not be lost
]


def _linked(doc):  # noqa: ANN001, ANN202
    return [s for s in doc.spans[GROUP] if s._.link_score is not None]


@pytest.mark.parametrize(("text", "span_text", "start", "end", "concept"), DAMAGED)
def test_damaged_spelling_links(nlp, text, span_text, start, end, concept):
    from mednec.pipeline.linker_index import load_config

    doc = nlp(text)
    assert text[start:end] == span_text
    linked = [s for s in _linked(doc) if (s.start_char, s.end_char) == (start, end)]
    assert [s._.concept for s in linked] == [concept]
    span = linked[0]
    assert span.label_ == _label(concept) and span._.link_score >= load_config().threshold
    assert (start, end, concept) in {(s.start_char, s.end_char, s._.concept) for s in doc.spans[ALL_GROUP]}


def _label(concept: str) -> str:
    from mednec.pipeline.kb import load_kb

    return load_kb()[concept].label


@pytest.mark.parametrize("text", CLEAN)
def test_clean_words_are_not_linked(nlp, text):
    doc = nlp(text)
    assert not _linked(doc)


def test_linked_span_gets_context_and_exact_evidence(facts_of):
    text = "No tumor in the acetabu1ar roof. The sciatlc nerve is encased."
    facts = facts_of(text)
    roof = [f for f in facts if f.concept == "acetabulum"]
    nerve = [f for f in facts if f.concept == "sciatic_nerve"]
    assert roof and nerve
    for fact in roof + nerve:
        ev = fact.evidence[0]
        assert text[ev.start:ev.end] == ev.text
    assert roof[0].assertion.negated and not nerve[0].assertion.negated


def test_resolved_group_stays_free_of_overlaps(nlp):
    doc = nlp("Remote basa1 cell carcinoma; sacroi liac joint and the LSP. Lumbosacral plexus (LSP).")
    spans = sorted(doc.spans[GROUP], key=lambda s: s.start)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))
    assert list(doc.ents) == spans


def test_clean_text_is_not_queried(nlp, monkeypatch):
    linker = nlp.get_pipe("mednec_linker")
    calls = []
    generator = linker.generator
    monkeypatch.setattr(linker, "_generator", lambda texts, k: calls.append(texts) or generator(texts, k))
    nlp("The acetabular roof is eroded by a lytic lesion. No fracture. Sciatic nerve is normal.")
    assert calls == []
    nlp("The acetabu1ar roof is eroded. The sciatlc nerve is encased. Osteosarcorna.")
    assert len(calls) == 1  # one batch for the whole document


@pytest.mark.parametrize(("a", "b", "limit", "expected"), [
    ("sclatlc", "sclatlc", 1, 0), ("intramural", "intradural", 2, 1), ("abcd", "abdc", 2, 1),
    ("osteosarcoma", "chondrosarcoma", 2, 3),
])
def test_edit_distance(a, b, limit, expected):
    from mednec.pipeline.linker_index import edit_distance

    assert edit_distance(a, b, limit) == expected



def test_the_symspell_index_finds_exactly_the_kb_words_within_the_budget():
    """symspellpy's lookup agrees with a brute-force scan of the KB words, at every budget, for
    words near a KB word (one or two edits), words of a KB word's length that are far from all,
    and words longer than any KB word."""
    import random

    from mednec.pipeline.linker_index import canonical, edit_distance, kb_neighbourhood, near_word, vocabulary

    words = sorted({canonical(w) for w in vocabulary()[1]})
    rng = random.Random(7)
    probes = []
    for w in rng.sample(words, 60):
        chars = list(w)
        for _ in range(rng.choice((1, 2, 3))):
            i = rng.randrange(len(chars))
            op = rng.choice(("sub", "del", "ins", "swap"))
            if op == "sub":
                chars[i] = rng.choice("abcdefghijklmnopqrstuvwxyz")
            elif op == "del" and len(chars) > 2:
                del chars[i]
            elif op == "ins":
                chars.insert(i, rng.choice("abcdefghijklmnopqrstuvwxyz"))
            elif i + 1 < len(chars):
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
        probes.append("".join(chars))
    probes += ["zzzzzzzzq", "qxqxqxqxqxqxqxqxqxqxqxqxqxqxqxqx", "a"]
    index = kb_neighbourhood()
    for probe in probes:
        for budget in (0, 1, 2):
            brute = any(edit_distance(probe, w, budget) <= budget for w in words)
            assert near_word(index, probe, budget) is brute, (probe, budget)

@pytest.mark.parametrize(("damaged", "clean"), [
    ("acetabu1ar", "acetabular"), ("0steosarcoma", "osteosarcoma"), ("osteosarcorna", "osteosarcoma"),
    ("sciatlc", "sciatic"), ("lumbosacraI", "lumbosacral"), ("5acrum", "sacrum"), ("vveakness", "weakness"),
])
def test_canonical_folds_ocr_confusions(damaged, clean):
    from mednec.pipeline.linker_index import canonical

    assert canonical(damaged) == canonical(clean)


# -- the index cache ---------------------------------------------------------------------------

@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """An empty cache directory; the in-process generator is forgotten before and after."""
    from mednec.pipeline import linker_index

    monkeypatch.setenv("MEDNEC_CACHE_DIR", str(tmp_path))
    linker_index.candidate_generator.cache_clear()
    yield tmp_path
    linker_index.candidate_generator.cache_clear()


def test_index_is_built_once_and_reused(fresh_cache, monkeypatch):
    from mednec.pipeline import linker_index

    builds = []
    real = linker_index.build_index
    monkeypatch.setattr(linker_index, "build_index", lambda a, out: builds.append(out) or real(a, out))
    first = linker_index.index_dir()
    assert len(builds) == 1 and first.parent == fresh_cache / "linker"
    assert sorted(p.name for p in first.iterdir()) == sorted([*linker_index.FILES, "manifest.json"])

    def fail(aliases, out):  # noqa: ANN001, ANN202
        raise AssertionError("the cached index was rebuilt")

    monkeypatch.setattr(linker_index, "build_index", fail)
    assert linker_index.index_dir() == first
    generator = linker_index.candidate_generator()  # loads from disk without building
    best = generator(["osteosarcorna"], 3)[0]
    assert "osteosarcoma" in {c.concept_id for c in best}
    assert not [p for p in fresh_cache.joinpath("linker").iterdir() if p.name.startswith(".building-")]


def test_corrupt_index_is_rebuilt(fresh_cache, monkeypatch):
    from mednec.pipeline import linker_index

    first = linker_index.index_dir()
    (first / linker_index.FILES[1]).write_bytes(b"truncated")
    builds = []
    real = linker_index.build_index
    monkeypatch.setattr(linker_index, "build_index", lambda a, out: builds.append(out) or real(a, out))
    assert linker_index.index_dir() == first and len(builds) == 1
    assert linker_index.candidate_generator()(["sacroiliac joint"], 1)[0][0].concept_id == "sacroiliac_joint"


def test_index_key_follows_the_knowledge_base(monkeypatch):
    from mednec.pipeline import linker_index

    key = linker_index.index_key()
    text = linker_index.resource_text("concepts.jsonl")
    monkeypatch.setattr(linker_index, "resource_text", lambda name: text + "\n// changed")
    assert linker_index.index_key() != key
