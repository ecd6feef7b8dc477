"""``mednec_abbreviations``: clinical abbreviations and in-document abbreviation definitions.

Two sources add target spans after ``mednec_targets``:

- the shipped lexicon ``abbreviations.yaml``: abbreviations a chart uses without defining
  them ("NV", "BLE", "CPN"), matched case-sensitively where the lexicon says so. Forms that
  are already aliases or token patterns of ``concepts.jsonl`` and the ConText cues (s/p,
  h/o, r/o ...) are listed there too, for documentation and tests;
- scispaCy's :class:`~scispacy.abbreviation.AbbreviationDetector` (Schwartz & Hearst) for
  definitions in the document, "giant cell tumor of bone (GCTB)": when the long form is a
  concept the target matcher found, every later occurrence of the short form becomes a
  span of that concept.

New spans never overlap an existing one and go into both span groups, so ConText and the
facts treat them like any other target.
"""

import bisect
from collections.abc import Iterable
from typing import Literal

import numpy
from mednec.pipeline.kb import load_kb
from mednec.pipeline.resources import load_yaml, rule_cache
from mednec.pipeline.targets import ALL_GROUP, GROUP
from pydantic import BaseModel, ConfigDict, Field, model_validator
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from mednec.core.errors import ResourceError

LEXICON = "abbreviations.yaml"
NUM = "<num>"
Modifier = Literal["NEGATED_EXISTENCE", "POSSIBLE_EXISTENCE", "HISTORICAL", "HYPOTHETICAL", "FAMILY",
                   "PLANNED"]


class AbbreviationEntry(BaseModel):
    """One abbreviation of the lexicon."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    form: str = Field(min_length=1)
    expansion: str
    concept: str | None = None
    modifier: Modifier | None = None
    handled_by: Literal["targets", "lexicon", "context"]
    case_sensitive: bool = False
    not_before: tuple[str, ...] = ()
    not_after: tuple[str, ...] = ()
    example: str

    @model_validator(mode="after")
    def _check(self) -> "AbbreviationEntry":
        if (self.concept is None) == (self.modifier is None):
            raise ValueError("an entry names either a concept or a modifier")
        if (self.modifier is not None) != (self.handled_by == "context"):
            raise ValueError("modifiers, and only they, are handled_by context")
        return self


class AbbreviationLexicon(BaseModel):
    """The validated lexicon file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1]
    entries: tuple[AbbreviationEntry, ...]


@rule_cache
def load_lexicon() -> AbbreviationLexicon:
    """Load ``abbreviations.yaml``; every concept must exist in the knowledge base."""
    lexicon = load_yaml(LEXICON, AbbreviationLexicon)
    kb = load_kb()
    for entry in lexicon.entries:
        if entry.concept is not None and entry.concept not in kb:
            raise ResourceError(f"{entry.form!r}: unknown concept {entry.concept!r}",
                                f"pipeline/resources/{LEXICON}")
    return lexicon


def ensure_extensions() -> None:
    """Span extensions the mednec target components write (concept id, linker score)."""
    for attr in ("concept", "link_score"):
        if not Span.has_extension(attr):
            Span.set_extension(attr, default=None)


def overlaps(start: int, end: int, taken: Iterable[tuple[int, int]]) -> bool:
    """Whether the token range [start, end) overlaps any of ``taken``."""
    return any(start < e and s < end for s, e in taken)


class _Near:
    """Spans sorted by start: :meth:`around` gives every span that may overlap or contain a range
    (a superset, in start order), so a test over them costs the spans nearby, not all of them."""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = sorted(spans, key=lambda s: s.start)
        self.starts = [s.start for s in self.spans]
        self.longest = max((len(s) for s in spans), default=0)

    def add(self, span: Span) -> None:
        i = bisect.bisect_right(self.starts, span.start)
        self.spans.insert(i, span)
        self.starts.insert(i, span.start)
        self.longest = max(self.longest, len(span))

    def around(self, start: int, end: int) -> list[Span]:
        """Spans starting in [start - longest, end]: all that can overlap or contain [start, end)."""
        lo = bisect.bisect_left(self.starts, start - self.longest)
        return self.spans[lo:bisect.bisect_right(self.starts, end)]


def add_target_spans(doc: Doc, spans: list[Span], replace_contained: bool = False) -> list[Span]:
    """Add spans (label and ``_.concept`` set) to both span groups; returns the spans added.

    A span overlapping an existing target is skipped, unless ``replace_contained`` is set and
    every target it overlaps lies inside it: then it takes their place in the resolved group
    (longest first, as the target matcher resolves) and they stay in ``mednec_all``. The
    resolved group and ``doc.ents`` stay free of overlaps.
    """
    if not spans:
        return []
    existing = list(doc.spans[ALL_GROUP]) if ALL_GROUP in doc.spans else []
    resolved = list(doc.spans[GROUP]) if GROUP in doc.spans else []
    near_existing, near_added = _Near(existing), _Near([])  # overlap tests in linear time
    added: list[Span] = []
    for span in spans:
        nearby = near_added.around(span.start, span.end)
        if overlaps(span.start, span.end, [(a.start, a.end) for a in nearby]):
            continue
        hit = [s for s in near_existing.around(span.start, span.end)
               if s.start < span.end and span.start < s.end]
        if hit and not (replace_contained and all(span.start <= s.start and s.end <= span.end for s in hit)):
            continue
        added.append(span)
        near_added.add(span)
    if added:
        def key(s: Span) -> tuple[int, int]:
            return s.start, -len(s)

        kept = [s for s in resolved if not any(a.start <= s.start and s.end <= a.end
                                               for a in near_added.around(s.start, s.end))]
        doc.spans[ALL_GROUP] = sorted(existing + added, key=key)
        doc.spans[GROUP] = sorted(kept + added, key=key)
        doc.ents = list(doc.spans[GROUP])
    return added


def make_span(doc: Doc, start: int, end: int, concept: str, score: float | None = None) -> Span:
    """A target span of ``concept`` over tokens [start, end), labelled with the concept's label."""
    span = Span(doc, start, end, label=load_kb()[concept].label)
    span._.concept = concept
    span._.link_score = score
    return span


@Language.factory("mednec_abbreviations")
def make_abbreviations(nlp: Language, name: str) -> "AbbreviationFinder":
    """spaCy factory for :class:`AbbreviationFinder`."""
    return AbbreviationFinder(nlp)


class AbbreviationFinder:
    """Adds target spans for lexicon abbreviations and for short forms defined in the document."""

    def __init__(self, nlp: Language) -> None:
        from scispacy.abbreviation import AbbreviationDetector

        ensure_extensions()
        self.detector = AbbreviationDetector(nlp)
        self.open, self.close = nlp.vocab.strings.add("("), nlp.vocab.strings.add(")")
        self.matcher = Matcher(nlp.vocab)
        self.entries: dict[str, AbbreviationEntry] = {}
        for i, entry in enumerate(load_lexicon().entries):
            if entry.handled_by != "lexicon":
                continue
            attr = "ORTH" if entry.case_sensitive else "LOWER"
            words = [t.text if entry.case_sensitive else t.lower_ for t in nlp.make_doc(entry.form)]
            key = f"mednec_abbr_{i}"
            self.entries[key] = entry
            self.matcher.add(key, [[{attr: w} for w in words]])

    def __call__(self, doc: Doc) -> Doc:
        add_target_spans(doc, self._lexicon_spans(doc))
        add_target_spans(doc, self._defined_spans(doc))
        return doc

    @staticmethod
    def _vetoed(words: tuple[str, ...], tok: Token | None) -> bool:
        if tok is None:
            return False
        return tok.lower_ in words or (NUM in words and tok.like_num)

    def _lexicon_spans(self, doc: Doc) -> list[Span]:
        spans = []
        for match_id, start, end in self.matcher(doc):
            entry = self.entries[doc.vocab.strings[match_id]]
            after = doc[end] if end < len(doc) else None
            before = doc[start - 1] if start > 0 else None
            if self._vetoed(entry.not_before, after) or self._vetoed(entry.not_after, before):
                continue
            spans.append(make_span(doc, start, end, entry.concept or ""))
        return spans

    def _defined_spans(self, doc: Doc) -> list[Span]:
        """Later occurrences of short forms whose long form is a target concept.

        scispaCy's detector considers every "( ... )"; only those next to a target can define
        one of our concepts, so only they are handed to its filters and its Schwartz-Hearst
        matching: right after a target ("giant cell tumor of bone (GCTB)") or closing one
        inside the parentheses ("GCTB (giant cell tumor of bone)").
        """
        from scispacy.abbreviation import filter_matches

        resolved = list(doc.spans[GROUP]) if GROUP in doc.spans else []
        orth = doc.to_array(ORTH)
        opens, closes = numpy.flatnonzero(orth == self.open), numpy.flatnonzero(orth == self.close)
        if not resolved or not len(opens) or not len(closes):
            return []
        ends = {s.end for s in resolved}
        candidates = []
        for o, i in zip(opens.tolist(), numpy.searchsorted(closes, opens).tolist(), strict=True):
            if i < len(closes) and (o in ends or int(closes[i]) in ends):
                candidates.append((0, o + 1, int(closes[i])))
        spans = []
        for long, shorts in self.detector.find_matches_for(filter_matches(candidates, doc), doc):
            concept = _concept_of(long, resolved)
            for short in shorts if concept else ():
                if short.start < long.end or (short.start == long.end + 1 and doc[long.end].text == "("):
                    continue  # before the definition, or the definition itself
                spans.append(make_span(doc, short.start, short.end, concept))
        return spans


def _concept_of(long: Span, resolved: list[Span]) -> str | None:
    """The concept of a target span that ends the long form and covers most of it."""
    for span in resolved:
        if span.end == long.end and span.start >= long.start and 2 * len(span) >= len(long):
            return span._.concept
    return None
