"""``mednec_laterality``: the side of each finding (``span._.side``, ``span._.side_source``).

Order of evidence (POLICY, Laterality): a side word in the finding's own phrase; else the
only side named in its sentence; else the only side of the tumor mentions of its document
(the finding inherits the side of the mass it belongs to); midline structures (sacrum as a
whole, spinal canal) are ``midline`` when no side is written.
"""



from mednec.pipeline.kb import load_kb
from mednec.pipeline.resources import load_yaml, rule_cache
from mednec.pipeline.sentmap import sentence_map
from mednec.pipeline.targets import GROUP
from pydantic import BaseModel, ConfigDict, Field
from spacy.language import Language
from spacy.tokens import Doc, Span


class LateralityConfig(BaseModel):
    """Schema of ``laterality.yaml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    window: int = Field(ge=1, le=20)
    sides: dict[str, list[str]]
    stop: list[str]
    list_continuers: list[str]
    tumor_labels: list[str]
    place_words: list[str] = []


@rule_cache
def laterality_config() -> LateralityConfig:
    """The validated laterality rules."""
    return load_yaml("laterality.yaml", LateralityConfig)


def _ensure_extensions() -> None:
    for attr in ("side", "side_source"):
        if not Span.has_extension(attr):
            Span.set_extension(attr, default=None)


@Language.factory("mednec_laterality")
def make_laterality(nlp: Language, name: str) -> "Laterality":
    """spaCy factory for :class:`Laterality`."""
    return Laterality()


class Laterality:
    """Assigns a side to every span of the ``mednec`` group."""

    def __init__(self) -> None:
        _ensure_extensions()
        cfg = laterality_config()
        self.window = cfg.window
        self.side_of = {w: side for side, words in cfg.sides.items() for w in words}
        self.stop = frozenset(cfg.stop)
        self.side_words = frozenset(self.side_of)
        self.side_nouns = frozenset(cfg.place_words)
        self.tumor_labels = frozenset(cfg.tumor_labels)
        self.kb = load_kb()

    def _own_side(self, span: Span) -> str | None:
        doc = span.doc
        # a side word inside the span itself ("left hemisacrum" matched as one alias)
        for tok in span:
            side = self.side_of.get(tok.lower_)
            if side:
                return side
        sent_start = sentence_map(span.doc).starts[span.start]
        i = span.start - 1
        steps = 0
        while i >= sent_start and steps < self.window:
            tok = doc[i]
            low = tok.lower_
            side = self.side_of.get(low)
            if side and not self._slash_word(doc, i):
                return side
            if low in self.stop and not (low in ("and", "or", ",") and self._in_level_list(doc, i)):
                return None
            # a line break inside the sentence is a wrap ("the right" / "sciatic nerve"): the
            # sentence splitter has already ended the sentence at every line that is not wrapped,
            # and a wrap counts no word of the window
            i -= 1
            steps += 0 if tok.is_space else 1
        return None

    @staticmethod
    def _slash_word(doc: Doc, i: int) -> bool:
        """Whether a one-letter side word is the first letter of a slashed abbreviation ("R/O
        chondrosarcoma": rule out), no side at all."""
        tok = doc[i]
        return (len(tok.text) == 1 and i + 2 < len(doc) and doc[i + 1].text == "/" and not tok.whitespace_
                and doc[i + 2].is_alpha)

    def _benign_sentences(self, spans: list[Span], smap) -> set[int]:
        """Starts of the sentences that name a benign lesion and no tumor."""
        from mednec.pipeline.lesion_rules import lesion_rules

        rules = lesion_rules().rules
        benign: set[int] = set()
        tumor: set[int] = set()
        for s in spans:
            category = self.kb[s._.concept].category
            if category in rules.benign_categories:
                benign.add(smap[s.start])
            elif category in rules.tumor_categories or category in rules.generic_categories:
                tumor.add(smap[s.start])
        return benign - tumor

    def _owned_elsewhere(self, doc: Doc, i: int, covered: set[int]) -> bool:
        """Whether the side word at ``i`` is the side of a noun that names nothing of the knowledge base
        ("similar to the 2022 right nephrectomy"): that side is the other organ's, not the sentence's."""
        j = i + 1
        while j < len(doc) and doc[j].is_space:  # a wrap between the side and its noun
            j += 1
        if j >= len(doc) or (doc[i].whitespace_ == "" and j == i + 1) or j in covered:
            return False
        nxt = doc[j]
        return (nxt.is_alpha and nxt.is_lower and len(nxt.text) > 3 and nxt.lower_ not in self.stop
                and nxt.lower_ not in self.side_words and nxt.lower_ not in self.side_nouns)

    @staticmethod
    def _in_level_list(doc: Doc, i: int) -> bool:
        # "left L5, S1 and S2 roots": the conjunction joins spinal levels, keep looking back
        prev = doc[i - 1].text if i > 0 else ""
        return len(prev) <= 3 and prev[:1] in "LSCT" and prev[1:].isdigit()

    def __call__(self, doc: Doc) -> Doc:
        spans = list(doc.spans[GROUP]) if GROUP in doc.spans else []
        sent_sides: dict[int, set[str]] = {}
        covered = {i for s in spans for i in range(s.start, s.end)}
        for sent in doc.sents:
            sides = {self.side_of[t.lower_] for t in sent
                     if t.lower_ in self.side_of and not self._slash_word(doc, t.i)
                     and not self._owned_elsewhere(doc, t.i, covered)}
            sides.discard("bilateral")
            sent_sides[sent.start] = sides
        for span in spans:
            side = self._own_side(span)
            span._.side, span._.side_source = (side, "explicit") if side else (None, "none")
        # the side of the document's tumor, when its explicit tumor mentions agree; a sentence about
        # a benign lesion alone ("incidental bone island in the left femoral head") names no side
        # of the tumor
        smap = sentence_map(doc).starts
        benign_only = self._benign_sentences(spans, smap)
        tumor_sides = {s._.side for s in spans if s.label_ in self.tumor_labels and s._.side in ("left", "right")
                       and smap[s.start] not in benign_only}
        site_sides = {s._.side for s in spans if s.label_ in ("SITE", "NERVE") and s._.side in ("left", "right")
                      and smap[s.start] not in benign_only}
        doc_side = next(iter(tumor_sides)) if len(tumor_sides) == 1 and len(site_sides) <= 1 else None
        if not tumor_sides and len(site_sides) == 1:
            # "Specimen: right superior pubic ramus ... CHONDROSARCOMA": the structures of a
            # document that all sit on one side give its tumor that side
            doc_side = next(iter(site_sides))
        for span in spans:
            if span._.side:
                continue
            sides = sent_sides.get(sentence_map(doc).starts[span.start], set())
            if len(sides) == 1:
                span._.side, span._.side_source = next(iter(sides)), "sentence"
            elif self.kb[span._.concept].midline:
                span._.side, span._.side_source = "midline", "midline"
            elif doc_side and not sides:
                span._.side, span._.side_source = doc_side, "document"
        return doc
