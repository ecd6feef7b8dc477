"""``mednec_sentences``: a fast rule sentence splitter for clinical text.

Clinical documents are line-oriented: headers, list items and templated fields each sit
on their own line, so a line break ends a sentence unless the line was visibly wrapped
(it ends without punctuation and the next line starts in lower case). Inside a line, a
period, question mark, exclamation mark or semicolon-free full stop ends a sentence when
the next token starts a new one, except after abbreviations and list numbers.
"""


import re
from typing import Literal

import numpy
from mednec.pipeline.resources import load_yaml, rule_cache
from pydantic import BaseModel, ConfigDict, Field
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Token

_ENDERS = frozenset({".", "?", "!"})


def _not_a_list_mark(doc: Doc, i: int) -> bool:
    """Whether token ``i`` opens with a digit that is no list mark ("14/01/2026", "12 months"; not
    "2." or "3)"): after a dangling word ("described on" / "14/01/2026") the line goes on."""
    tok = doc[i]
    if not tok.text[:1].isdigit():
        return False
    if tok.text.rstrip(".)") != tok.text:
        return False  # "2." or "3)" as one token
    nxt = doc[i + 1].text if i + 1 < len(doc) else ""
    return not (tok.text.isdigit() and len(tok.text) <= 2 and nxt in {".", ")"})


_JOINED = 1.3  # a line this much longer than most long lines was joined from two, not typed so


def wrap_width(text: str) -> int:
    """The width ``text`` was wrapped at: the length of its longest lines (a word that would not have
    fitted on a line is why the line broke before it), or 0 for a text of a few lines.

    Lines repaired by joining a wrap ("signal at" / "the roof" read as one line) are longer than any
    the sender typed: they are left out, or a fax wrapped at 55 characters would seem wrapped at 80.
    """
    lengths = sorted(len(line.rstrip()) for line in text.split("\n") if line.strip())
    if len(lengths) < 5:
        return 0
    typed = [n for n in lengths if n <= lengths[int(len(lengths) * 0.75)] * _JOINED]
    return typed[int(len(typed) * 0.9)]


class SentenceConfig(BaseModel):
    """Settings of ``sentences.yaml`` (see the comments there)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1]
    lowercase_after_min_length: int = Field(ge=1)
    abbreviations: frozenset[str]
    dangling_words: frozenset[str] = frozenset()
    dangling_marks: frozenset[str] = frozenset()
    dangling_scores: frozenset[str] = frozenset()
    caps_wrap_min_words: int = Field(default=6, ge=1)
    caps_label_reach: int = Field(default=30, ge=1)
    colon_wrap_min_words: int = Field(default=6, ge=1)
    max_sentence_tokens: int = Field(default=200, ge=20)


@rule_cache
def sentence_config() -> SentenceConfig:
    """The validated ``sentences.yaml``."""
    return load_yaml("sentences.yaml", SentenceConfig)


@Language.factory("mednec_sentences", default_config={"split_on_newline": True})
def make_sentences(nlp: Language, name: str, split_on_newline: bool) -> "SentenceSplitter":
    """spaCy factory for :class:`SentenceSplitter`."""
    return SentenceSplitter(split_on_newline=split_on_newline)


class SentenceSplitter:
    """Sets ``token.is_sent_start`` for every token, in one linear pass."""

    def __init__(self, split_on_newline: bool = True) -> None:
        from mednec.pipeline.respell_vocab import vocabulary

        self.split_on_newline = split_on_newline
        cfg = sentence_config()
        self.abbreviations = cfg.abbreviations
        self.min_word = cfg.lowercase_after_min_length
        self.dangling = cfg.dangling_words
        self.dangling_marks = cfg.dangling_marks
        self.dangling_scores = cfg.dangling_scores
        self._text: str | None = None
        self._width = 0  # the width the current document was wrapped at (set per document)
        self.caps_min_words = cfg.caps_wrap_min_words
        self.caps_label_reach = cfg.caps_label_reach
        self.colon_min_words = cfg.colon_wrap_min_words
        self.max_tokens = cfg.max_sentence_tokens
        from mednec.pipeline.laterality import laterality_config

        self.side_words = frozenset(w for words in laterality_config().sides.values() for w in words if len(w) > 1)
        self.words = vocabulary().known
        from mednec.pipeline.sections import section_rule_specs

        # section titles are headings, never the start of a wrapped sentence
        self.titles = frozenset(r.literal.lower().rstrip(":").strip() for r in section_rule_specs())

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        self._text = doc.text  # read once: Doc.text rebuilds the string on every access
        # the width the text was wrapped at: its longest lines (a word that would not have fitted on
        # a line is why the line broke before it)
        self._width = wrap_width(self._text)
        starts = [False] * n
        starts[0] = True
        for i in range(1, n):
            prev = doc[i - 1]
            tok = doc[i]
            if tok.is_space:
                continue
            # the previous non-space token and whether a line break lies between
            j = i - 1
            newline = False
            while j >= 0 and doc[j].is_space:
                if "\n" in doc[j].text:
                    newline = True
                j -= 1
            if j < 0:
                starts[i] = True
                continue
            last = doc[j]
            if "\n" in last.whitespace_ or newline or "\n" in prev.whitespace_:
                newline = True
            if newline and self.split_on_newline:
                # a wrapped line (typed or OCR): the line ends mid-sentence and the next one
                # carries on in lower case or with a bracket or comma
                # a period the same words would not end inside a line ends none at a wrap
                # either: "posterior femoral cutaneous n." / "will be sacrificed"
                wrapped = self._colon_wrap(doc, last, tok) or (
                    last.text == "." and tok.text[:1].islower() and not self._ends_sentence(doc, j, tok)
                    # a semicolon joins two clauses of one sentence, wrapped or not: "... at the
                    # notch;" / "the nerve will be preserved" (the clause marks stay: ConText ends a
                    # scope at the semicolon either way)
                ) or (last.text == ";" and tok.text[:1].islower() and tok.is_alpha) or (
                    last.text not in _ENDERS and last.text not in {":", ";"}) and (
                    tok.text[:1].islower() or (tok.text[:1] in "(," and last.text[:1].isalnum())
                    # a line that ends on a comma, an open bracket or an ampersand goes on:
                    # "(L5, S1," / "S2) off the pseudocapsule"
                    or last.text in {",", "(", "&"}
                    or (last.lower_ in self.dangling and (tok.text[:1].isalpha() or _not_a_list_mark(doc, i))
                        and (j == 0 or doc[j - 1].text != ":"))
                    # a comparison or arithmetic sign needs its right side: "survival >=" / "12 months"
                    or (last.text in self.dangling_marks and tok.text[:1].isalnum())
                    or (last.lower_ in self.dangling_scores and tok.text[:1].isdigit())
                    or self._caps_wrap(doc, last, tok)
                    or self._acronym_wrap(last, tok)
                    or self._side_wrap(last, tok)
                    or self._number_wrap(doc, last, i)
                    or self._unit_wrap(last, tok)
                    or self._paren_wrap(last, tok)
                    or self._dash_wrap(doc, last, i)
                    or self._hyphen_wrap(doc, j, tok))
                if not wrapped:
                    starts[i] = True
                    continue
            # "?L sciatic neuropathy": a query mark glued to the next word ends nothing
            if last.text in _ENDERS and last.whitespace_ and self._ends_sentence(doc, j, tok):
                starts[i] = True
        self._cap(doc, starts)
        self._text = None  # keep no chart text between documents
        self._width = 0
        if doc.has_annotation("DEP"):  # spaCy refuses sentence starts on a parsed doc: keep its error
            for i, tok in enumerate(doc):
                tok.is_sent_start = starts[i]
            return doc
        # One bulk write, the values ``tok.is_sent_start = True/False`` stores (1/-1): the
        # per-token setter looks through the whole doc for a parse each time (quadratic).
        doc.from_array([SENT_START], numpy.array([1 if s else -1 for s in starts], dtype=numpy.int64)
                       .astype(numpy.uint64))
        return doc

    def _cap(self, doc: Doc, starts: list[bool]) -> None:
        """End a run-on "sentence" (an OCR line or a flattened table with no sentence end) every
        ``max_sentence_tokens`` tokens, at its last comma, semicolon or colon when there is one:
        ConText compares the modifiers of a sentence pairwise, so an unbounded sentence would make
        the cost grow with the square of the text."""
        cap = self.max_tokens
        last_start, last_break = 0, -1
        for i in range(1, len(starts)):
            if starts[i]:
                last_start, last_break = i, -1
                continue
            if doc[i - 1].text in {",", ";", ":"}:
                last_break = i
            if i - last_start >= cap:
                cut = last_break if last_break > last_start else i
                starts[cut] = True
                last_start, last_break = cut, -1

    def _colon_wrap(self, doc: Doc, last: "Token", tok: "Token") -> bool:
        """A long line that ends on a colon and goes on in lower case was wrapped after the colon:
        "2. Indistinct dura with an enhancing focus:" / "possible intradural extension". A label
        ("Plan:", "Smoker:") is short; a clause of several words before the colon is no label."""
        if last.text != ":" or not tok.text[:1].islower():
            return False
        text = self._text if self._text is not None else doc.text
        line_start = text.rfind("\n", 0, last.idx) + 1
        words = [w for w in text[line_start: last.idx].split() if any(c.isalpha() for c in w)]
        return len(words) >= self.colon_min_words

    def _number_wrap(self, doc: Doc, last: "Token", i: int) -> bool:
        """A long line of prose that ends on a lower-case word goes on into a number or date on the
        next line ("Outpatient physical therapy started" / "12/22/2025 (3 weeks, 5 visits)"). Not a
        list mark ("2."), not a short line (an item or a title), not a dated entry of a timeline (a
        line that opens on a date, or a next line whose date is followed by a dash or a colon)."""
        tok = doc[i]
        if not (last.text[-1:].isalpha() and last.text[-1:].islower()) or not _not_a_list_mark(doc, i):
            return False
        line, nxt, no_room = self._room(last, tok)
        if (len(line.split()) < self.caps_min_words and not no_room) or line.lstrip()[:1].isdigit():
            return False
        return re.match(r"\S+\s*[-\u2013\u2014:]", nxt) is None

    def _unit_wrap(self, last: "Token", tok: "Token") -> bool:
        """A line that ends on a number goes on into its unit on the next line ("5 SESSIONS OVER 3" /
        "WEEKS - NERVE GLIDING"): a number and its unit are one phrase, whatever the case of the unit.
        A next line that opens a field or a title starts anew."""
        if not last.like_num or last.text[-1:] in ".)":
            return False
        from mednec.pipeline.quantities import quantity_config

        cfg = quantity_config()
        units = {*cfg.duration_units, *cfg.size_units, *cfg.cycle_units, *cfg.session_units}
        if tok.lower_ not in units:
            return False
        _, nxt, _ = self._room(last, tok)
        return not self._opens_anew(nxt)

    def _paren_wrap(self, last: "Token", tok: "Token") -> bool:
        """A line that leaves a parenthesis open goes on into the line that closes it: "1. Plan
        (sarcoma tumor board" / "01/16/2026): pre-operative radiation" is one sentence, not a
        timeline entry dated 01/16/2026."""
        line, nxt, _ = self._room(last, tok)
        if line.count("(") <= line.count(")"):
            return False
        close, reopen = nxt.find(")"), nxt.find("(")
        return close >= 0 and (reopen < 0 or close < reopen)

    def _dash_wrap(self, doc: Doc, last: "Token", i: int) -> bool:
        """A long line that ends on a word goes on into a dash and a lower-case word on the next line:
        the dash that joined two clauses on one line ("... acetabular roof" / "- reactive oedema versus
        tumour extension, indeterminate"), not a bullet (a bullet follows a lead or another bullet)."""
        tok = doc[i]
        if tok.text not in ("-", "\u2013", "\u2014") or not last.text[-1:].isalpha():
            return False
        nxt = doc[i + 1] if i + 1 < len(doc) else None
        if nxt is None or not nxt.text[:1].islower():
            return False
        line = self._line_to(last)
        return len(line.split()) >= self.caps_min_words and not line.lstrip().startswith(("-", "\u2013", "\u2022", "*"))

    def _hyphen_wrap(self, doc: Doc, j: int, tok: "Token") -> bool:
        """A word the line broke at its hyphen goes on in the next line: "A LOW-" / "GRADE
        CHONDROSARCOMA" is one word, "LOW-GRADE"."""
        last = doc[j]
        if not tok.text[:1].isalpha():
            return False
        if len(last.text) > 1:  # "LOW-" as one token
            return last.text[-1] in "-\u2010" and last.text[-2].isalpha()
        return (last.text in ("-", "\u2010") and j > 0 and doc[j - 1].text[-1:].isalpha()
                and not doc[j - 1].whitespace_)

    def _line_to(self, last: "Token") -> str:
        """The text of ``last``'s line up to and including ``last``."""
        text = self._text or ""
        return text[text.rfind("\n", 0, last.idx) + 1: last.idx + len(last.text)]

    def _room(self, last: "Token", tok: "Token") -> tuple[str, str, bool]:
        """(``last``'s line up to it, the next line from ``tok``, whether the line had no room for the
        next line's first word): a line the next word would not have fitted on broke for want of room,
        however few its words."""
        text = self._text or ""
        line = self._line_to(last)
        line_end = text.find("\n", tok.idx)
        nxt = text[tok.idx: line_end if line_end >= 0 else len(text)]
        words = nxt.split()
        return line, nxt, bool(self._width) and len(line) + 1 + len(words[0] if words else "") > self._width

    def _opens_anew(self, nxt: str) -> bool:
        """Whether a next line opens a field ("MRI:") or is a title: it starts anew."""
        return ":" in nxt[: self.caps_label_reach] or nxt.lower().rstrip(":").strip() in self.titles

    def _acronym_wrap(self, last: "Token", tok: "Token") -> bool:
        """A line that ends on a lower-case word goes on into an all-caps acronym or code on the next
        line: an acronym ("MPNST") or a code ("T2", "S1") is capitalised wherever it stands, so its
        capital starts no sentence ("cannot exclude low-grade" / "MPNST."). A next line that opens a
        field or a title starts anew."""
        if not (last.text[-1:].isalpha() and last.text[-1:].islower()):
            return False
        # (a sequence or level code is capitalised wherever it stands too: "with increased" / "T2 signal")
        if not (len(tok.text) >= 2 and tok.text.isupper() and tok.text[:1].isalpha() and tok.text.isalnum()):
            return False
        line, nxt, no_room = self._room(last, tok)
        if len(line.split()) < self.caps_min_words and not no_room and not line.lstrip()[:1].islower():
            # a short line is an item of a list ("En bloc resection" / "IVC filter"); one that itself
            # goes on in lower case from the line before ("with increased" / "T2 signal") is a piece
            # of a wrapped sentence
            return False
        words = nxt.split()
        # an all-caps line of words is a heading; a label ("MRI:") opens a field. A line that is the
        # acronym alone with its sentence's end ("presumed" / "MPNST.") is the sentence's last word.
        heading = all(w.isupper() for w in words[:4]) and not (len(words) == 1 and words[0][-1:] in ".;,)")
        return not heading and not self._opens_anew(nxt)

    def _side_wrap(self, last: "Token", tok: "Token") -> bool:
        """A line that ends on a side word it had no room to follow with its noun goes on into that noun
        on the next line ("... including the left piriformis. Left" / "S2-S3 roots will be sacrificed"):
        a side word stands before what it sides. A next line that opens a field or a title starts anew."""
        if last.lower_ not in self.side_words:
            return False
        _, nxt, no_room = self._room(last, tok)
        return no_room and not self._opens_anew(nxt)

    def _caps_wrap(self, doc: Doc, last: "Token", tok: "Token") -> bool:
        """A long all-caps line that ends on a word and goes on with a word on the next line was
        wrapped: in an all-caps report the capital of the next line says nothing ("... DIFFERENTIAL" /
        "INCLUDES CHORDOMA ..."). A short line is a heading, and a next line that opens a list item
        or a labelled field ("2.", "IMPRESSION:") starts anew."""
        if not (last.is_alpha and last.is_upper and tok.is_alpha and tok.is_upper):
            return False
        text = self._text if self._text is not None else doc.text
        line_start = text.rfind("\n", 0, last.idx) + 1
        line = text[line_start: last.idx + len(last.text)]
        letters = [c for c in line if c.isalpha()]
        if any(c.islower() for c in letters):
            return False
        if len(line.split()) < self.caps_min_words and not self._wrapped_fragment(text, line_start, line):
            return False
        line_end = text.find("\n", tok.idx)
        nxt = text[tok.idx: line_end if line_end >= 0 else len(text)]
        head = nxt[: self.caps_label_reach]
        return ":" not in head and any(c.isalpha() for c in nxt) and not any(c.islower() for c in nxt)

    def _wrapped_fragment(self, text: str, line_start: int, line: str) -> bool:
        """A short all-caps line inside a paragraph of long lines is the start of a wrapped sentence
        ("... C0MPONENT." / "DIFFERENTIAL" / "INCLUDES CHORDOMA ..."), unless it is a section title
        ("FINDINGS") or opens a list item."""
        words = line.split()
        if not words or words[0][:1].isdigit() or line.strip().lower().rstrip(":") in self.titles:
            return False
        prev_end = line_start - 1
        if prev_end <= 0:
            return False
        prev = text[text.rfind("\n", 0, prev_end) + 1: prev_end]
        return len(prev.split()) >= self.caps_min_words

    def _ends_sentence(self, doc: Doc, j: int, nxt: "Token") -> bool:
        """Whether the terminal punctuation at ``j`` ends a sentence before ``nxt``."""
        if doc[j].text == "?" and (j == 0 or doc[j - 1].whitespace_ or doc[j - 1].is_punct) and nxt.is_alpha:
            return False  # "? chordoma ? metastasis": a query mark before its word asks, it ends nothing
        if doc[j].text != ".":
            return True
        before = doc[j - 1] if j > 0 else None
        if before is not None and not doc[j - 1].whitespace_:
            word = before.text.lower()
            if word in self.abbreviations:
                return False
            # "1." opening a numbered item on its line is not a sentence end
            if before.text.isdigit() and len(before.text) <= 2 and (j - 1 == 0 or "\n" in doc[j - 2].text
                                                                     or "\n" in doc[j - 2].whitespace_):
                return False
            if len(word) == 1 and word.isalpha() and nxt.text[:1].isupper() and len(nxt.text) <= 2:
                return False  # initials such as "K. M."
        first = nxt.text[:1]
        if (first.islower() and before is not None and before.is_alpha and not before.whitespace_
                and len(before.text) >= self.min_word):
            # "response. staging negative": a sentence typed without its capital
            return before.text.lower() in self.words and nxt.is_alpha
        # (a terse note opens a sentence on a comparison or an approximation: "no tumor. >5 mo since
        # onset", "~14 wk PT")
        return first.isupper() or first.isdigit() or first in "([\"'-*<>~\u2264\u2265"
