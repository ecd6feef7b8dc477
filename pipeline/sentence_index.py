"""Per-document and per-sentence indexes for ``mednec.pipeline.facts``.

The facts of a finding compare it with the other findings of its sentence and read its
sentence's text. Asked once per finding, that costs the whole sentence for every finding:
quadratic on a long line of findings. These helpers read each span's attributes once per
document (:func:`member_rows`), index each sentence's members once (:class:`SentenceIndex`)
and memoise what is asked of a sentence's text (:func:`sentence_years`,
:func:`sentence_says`), so a finding costs the distinct concepts of its sentence.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from mednec.pipeline.kb import KnowledgeBase
from mednec.pipeline.sentmap import doc_text, sent_of
from spacy.tokens import Span


class Member(NamedTuple):
    """A span of ``mednec_all`` with the attributes the facts compare, read once per document."""

    span: Span
    start: int
    end: int
    concept: str
    label: str
    category: str | None
    negated: bool
    quiet: bool  # negated, planned or hypothetical


def member_rows(members: dict[int, list[Span]], kb: KnowledgeBase) -> dict[int, list[Member]]:
    """``members`` with each span's attributes read once (``span._`` is slow to read)."""
    rows: dict[int, list[Member]] = {}
    for key, spans in members.items():
        out = rows[key] = []
        for s in spans:
            ext = s._
            c = kb[ext.concept]
            negated = bool(ext.is_negated)
            out.append(Member(s, s.start, s.end, ext.concept, c.label, c.category, negated,
                               bool(negated or ext.is_planned or ext.is_hypothetical)))
    return rows


class SentenceIndex:
    """The members of one sentence, indexed once, so each span's questions cost the distinct
    concepts of its sentence rather than all its members (a long line of findings stays linear).

    For a span of concept ``own`` over tokens [first, last), the members it is compared with
    (``co``) are all members except those of concept ``own`` inside the span.
    """

    def __init__(self, rows: list[Member]) -> None:
        self.first: dict[str, int] = {}  # concept -> index of its first member
        self.by_concept: dict[str, list[tuple[int, Member]]] = {}
        for i, m in enumerate(rows):
            self.first.setdefault(m.concept, i)
            self.by_concept.setdefault(m.concept, []).append((i, m))
        self.order = tuple(self.first)  # concepts by first mention
        # CUE members are never of a span's own concept (CUE spans make no fact): all of them count.
        self.cues = tuple(dict.fromkeys(m.category or "" for m in rows if m.label == "CUE" and not m.quiet))
        self.affirmed = tuple(dict.fromkeys(m.concept for m in rows if not m.negated))

    def co(self, own: str, first: int, last: int, concept: str) -> list[Member]:
        """The compared members of ``concept``, in sentence order."""
        return [m for _, m in self.by_concept.get(concept, ())
                if not (m.start >= first and m.end <= last and m.concept == own)]

    def related(self, own: str, first: int, last: int) -> tuple[str, ...]:
        """Concepts of the compared members, by first mention; ``own`` itself only when mentioned
        again elsewhere (not at the span's start). Members inside the span of another concept are
        compared members too, so they need no second pass."""
        index = next((i for i, m in self.by_concept.get(own, ())
                      if m.start != first and not (m.start >= first and m.end <= last)), None)
        out = [c for c in self.order if c != own]
        if index is not None:
            at = sum(1 for c in out if self.first[c] < index)
            out.insert(at, own)
        return tuple(out)

    def affirmed_except(self, own: str) -> tuple[str, ...]:
        """Concepts mentioned without negation in the sentence, by first such mention, but ``own``."""
        return tuple(c for c in self.affirmed if c != own)


def _sentence_memo(span: Span) -> tuple[str, dict[Any, Any]]:
    """The text of ``span``'s sentence (``sent_of(span).text``, sliced from the document text)
    and a memo for what is asked of it, kept per sentence: asked again for every finding of
    the sentence, it costs the sentence once, not once per finding (a long line stays linear)."""
    sent = sent_of(span)
    memos = span.doc.user_data.setdefault("mednec_sentence_memo", {})
    key = (sent.start_char, sent.end_char)
    if key not in memos:
        memos[key] = (doc_text(span.doc)[sent.start_char:sent.end_char], {})
    return memos[key]


def sentence_years(span: Span, pattern: re.Pattern[str]) -> list[int]:
    """Bare years written in the sentence of ``span``."""
    text, memo = _sentence_memo(span)
    if "years" not in memo:
        memo["years"] = [int(y) for y in pattern.findall(text)]
    return memo["years"]


def sentence_says(span: Span, word: str) -> bool:
    """Whether the sentence of ``span`` has ``word`` (lower case) as a whole word."""
    text, memo = _sentence_memo(span)
    if "lower" not in memo:
        memo["lower"] = text.lower()
    if ("says", word) not in memo:
        memo["says", word] = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", memo["lower"]) is not None
    return memo["says", word]


def sentence_dates(span: Span, pattern: re.Pattern[str]) -> list[tuple[int, int, int | None]]:
    """(month, day, year or None) of the slash dates written in the sentence of ``span``."""
    text, memo = _sentence_memo(span)
    if "dates" not in memo:
        memo["dates"] = [(int(m), int(d), int(y) if y else None) for m, d, y in pattern.findall(text)]
    return memo["dates"]
