"""Token -> sentence bounds for a whole doc in one pass.

spaCy's ``Span.sent`` walks the doc to find a sentence each time it is called; the
components and the facts module ask for it thousands of times per document, so they
share one precomputed map instead (linear in document length).
"""

from __future__ import annotations

from array import array

from spacy.tokens import Doc, Span


class SentenceMap:
    """Sentence start/end (token indices) and sentence number of every token."""

    __slots__ = ("starts", "ends", "index", "bounds")

    def __init__(self, doc: Doc) -> None:
        n = len(doc)
        self.starts = array("l", [0]) * n
        self.ends = array("l", [0]) * n
        self.index = array("l", [0]) * n
        self.bounds: list[tuple[int, int]] = []
        for k, sent in enumerate(doc.sents):
            self.bounds.append((sent.start, sent.end))
            for i in range(sent.start, sent.end):
                self.starts[i] = sent.start
                self.ends[i] = sent.end
                self.index[i] = k

    def of(self, token_i: int) -> tuple[int, int]:
        """(start, end) token indices of the sentence holding token ``token_i``."""
        return self.starts[token_i], self.ends[token_i]


def sentence_map(doc: Doc) -> SentenceMap:
    """The doc's sentence map, computed once and kept in ``doc.user_data``."""
    cached = doc.user_data.get("mednec_sentmap")
    if cached is None or len(cached.starts) != len(doc):
        cached = SentenceMap(doc)
        doc.user_data["mednec_sentmap"] = cached
    return cached


def sent_of(span) -> "Span":  # noqa: ANN001, UP037 - a spaCy Span
    """The sentence of ``span`` (its first token's), without spaCy's walk."""
    doc = span.doc
    m = sentence_map(doc)
    i = span.start if len(span) else max(0, span.start - 1)
    return doc[m.starts[i] : m.ends[i]]


def sent_start(span) -> int:  # noqa: ANN001 - a spaCy Span
    """Token index where the sentence of ``span`` starts."""
    m = sentence_map(span.doc)
    return m.starts[span.start if len(span) else max(0, span.start - 1)]


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once (spaCy rebuilds it from the tokens on every access)."""
    text = doc.user_data.get("mednec_text")
    if text is None:
        text = doc.text
        doc.user_data["mednec_text"] = text
    return text


def source_text(doc: Doc) -> str:
    """The text evidence quotes are cut from: the document as read, when the pipeline ran on a
    same-length corrected copy of it (OCR confusions undone); else the doc's own text."""
    text = doc.user_data.get("mednec_source_text")
    return text if text is not None else doc_text(doc)


def source_span(doc: Doc, start: int, end: int) -> tuple[int, int, str]:
    """``(start, end, text)`` in the document as read of the doc's characters ``[start, end)``.

    The pipeline may read a repaired copy of the document; its offsets are mapped back
    through ``doc.user_data["mednec_offsets"]`` when the repair changed the text's length.
    """
    mapping = doc.user_data.get("mednec_offsets")
    if mapping is not None:
        start, end = mapping.span(start, end)
    return start, end, source_text(doc)[start:end]


def words_before(doc: Doc, start: int, first: int, count: int) -> list:
    """The last ``count`` words (tokens that are not whitespace) before token ``start``, not
    reaching back past token ``first``, in text order.

    Words, not tokens: a wrap that the sender, a fax or OCR puts inside a sentence is a whitespace
    token and says nothing, so it never pushes a word out of a window ("posterior to the" /
    "mass").
    """
    out = []
    for k in range(start - 1, first - 1, -1):
        if doc[k].is_space:
            continue
        out.append(doc[k])
        if len(out) == count:
            break
    return out[::-1]


def words_after(doc: Doc, end: int, last: int, count: int) -> list:
    """The first ``count`` words from token ``end`` up to token ``last`` (exclusive)."""
    out = []
    for k in range(end, min(last, len(doc))):
        if doc[k].is_space:
            continue
        out.append(doc[k])
        if len(out) == count:
            break
    return out
