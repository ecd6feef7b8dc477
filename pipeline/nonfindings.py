"""Mentions that name no finding: a spinal level used as a height mark, a word of a section
title ("PE:" is the physical exam), and a sub-heading such as "Acetabulum:" whose clause
after the colon names the structure itself."""

from __future__ import annotations

import re

from mednec.pipeline.resources import load_yaml, rule_cache
from mednec.pipeline.sentmap import doc_text, sent_of, sent_start, words_after, words_before
from pydantic import BaseModel, ConfigDict
from spacy.tokens import Doc, Span


class _LevelRefs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    before: list[str]
    after: list[str]
    needs_after: list[str]
    cycle_before: list[str]
    cycle_after: list[str]


@rule_cache
def level_reference_config() -> _LevelRefs:
    return load_yaml("level_references.yaml", _LevelRefs)


def _height_mark(span: Span) -> bool:
    """Whether a spinal level is used as a height mark ("from L1 to the iliac fossa")."""
    cfg = level_reference_config()
    doc = span.doc
    # words, not tokens: a wrap between "from" and "L1" changes nothing
    before = " ".join(t.lower_ for t in words_before(doc, span.start, sent_start(span), 3))
    after = " ".join(t.lower_ for t in words_after(doc, span.end, sent_of(span).end, 2))
    if span.text[:1] in "Cc" and (any(before == b or before.endswith(" " + b) for b in cfg.cycle_before)
                                 or after.split(" ")[0] in cfg.cycle_after):
        return True
    for phrase in cfg.before:
        if before == phrase or before.endswith(" " + phrase):
            if phrase not in cfg.needs_after:
                return True
            return any(after == a or after.startswith(a + " ") for a in cfg.after)
    return False


def _in_title(span: Span) -> bool:
    """Whether ``span`` is part of a section title ("PE:" is the physical exam, not an embolism)."""
    tok = span[0]
    if not tok.has_extension("section_title"):
        return False
    title = tok._.section_title
    return title is not None and title.start <= span.start and span.end <= title.end


def _label_of_line(doc: Doc, span: Span) -> bool:
    """Whether ``span`` sits in a sub-heading such as "Acetabulum:" or "Lumbar spine and sacrum:"."""
    text = doc_text(doc)
    line_start = text.rfind("\n", 0, span.start_char) + 1
    colon = text.find(":", span.end_char, span.end_char + 3)
    if colon < 0 or text[span.end_char:colon].strip():
        return False
    head = text[line_start:span.start_char]
    # a line that goes on with a sentence wrapped from the line before ("... marrow\nreplacement of
    # the whole left os coxae: the iliac wing ...") opens no sub-heading: its words continue in lower case
    before = text[max(0, line_start - 80):line_start].rstrip()
    if head[:1].islower() and before and (before[-1].islower() or before[-1] in ",-"):
        return False
    head = re.sub(r"^\s*(?:\d{1,2}[.)]|[-*\u2022])?\s*", "", head)
    return len(head) <= 40 and len(head.split()) <= 5 and not re.search(r"[.;,:]", head)


def descriptor_use(span: Span) -> bool:
    """Whether a compartment word describes anatomy, a signal change or a procedure, not a tumor
    ("the intradural nerve roots", "intramedullary T2 hyperintensity", "intrathecal chemotherapy")."""
    from mednec.pipeline.lesion_rules import lesion_rules

    cfg = lesion_rules().rules.descriptor
    if span._.concept not in cfg.concepts:
        return False
    doc = span.doc
    # the noun the word modifies, past a sequence name ("intramedullary T2 hyperintensity")
    after = [t for t in doc[span.end: min(sent_of(span).end, span.end + 6)] if not t.is_space]
    while after and after[0].lower_ in cfg.sequence_words:
        after = after[1:]
    if after and after[0].lower_ in cfg.nouns_after:
        return True
    if cfg.anatomy_subjects and _locates_anatomy(doc, span, cfg.anatomy_subjects, cfg.tumor_words, cfg.window):
        return True
    # the words either side, across a line break (a wrapped all-caps line is no sentence end) but not
    # across a period
    return any(t.lower_ in cfg.procedure_words for t in _near_words(doc, span.start - 1, -1, cfg.window)) or \
        any(t.lower_ in cfg.procedure_words for t in _near_words(doc, span.end, 1, cfg.window))


def _locates_anatomy(doc: Doc, span: Span, anatomy: frozenset[str], tumor: frozenset[str], window: int) -> bool:
    """Whether anatomy is named just before the compartment phrase in its clause, no tumor word between."""
    seen = 0
    i = span.start - 1
    while i >= 0 and seen < window:
        t = doc[i]
        if t.is_punct:
            return False
        if not t.is_space:
            seen += 1
            if t.lower_ in tumor:
                return False
            if t.lower_ in anatomy:
                return True
        i -= 1
    return False


def _near_words(doc: Doc, i: int, step: int, count: int) -> list:
    out = []
    while 0 <= i < len(doc) and len(out) < count:
        t = doc[i]
        if t.text in (".", "!", "?"):
            break
        if not t.is_space:
            out.append(t)
        i += step
    return out


def locates_next_structure(span: Span, later: list[Span], labels: frozenset[str],
                           starts: list[int] | None = None) -> bool:
    """Whether a one-word site mention is a place word naming where the next structure is ("the sacral
    neural foramina", "lumbar spinal canal"): the structure, not the place, is what the sentence is about.

    The next mention must follow in the same noun phrase: at most two plain words between (no
    conjunction, preposition or punctuation: "sacral and iliac" names two places), none of them a
    relation noun the place word could be naming ("acetabular involvement"), and no line break
    unless the structure's name follows at once (a wrapped phrase, not the next list item)."""
    from mednec.pipeline.lesion_rules import lesion_rules

    if len(span) != 1 or not span[0].is_alpha:
        return False
    if starts is not None:  # (the spans' starts, sorted: the next one found by bisection, not by a scan)
        import bisect

        k = bisect.bisect_left(starts, span.end)
        nxt = later[k] if k < len(later) else None
    else:
        nxt = next((s for s in later if s.start >= span.end), None)
    if nxt is None or nxt._.concept == span._.concept or nxt.label_ not in labels:
        return False
    gap = span.doc[span.end:nxt.start]
    between = [t for t in gap if not t.is_space]
    if between and any("\n" in t.text or "\n" in t.whitespace_ for t in [span[0], *gap]):
        return False
    nouns = set(lesion_rules().rules.relation_nouns)
    return len(between) <= 2 and all(t.is_alpha and not t.is_stop and t.lower_ not in nouns for t in between)


def in_institution_name(span: Span) -> bool:
    """Whether a capitalised mention is a word of an institution's name ("Tri-County Regional Sarcoma &
    Spine Center", "Cancer Institute"): capitalised words (or "&", "and", "of") lead from it to an
    institution word on the same line. A disease named in a name is no diagnosis of the patient."""
    from mednec.pipeline.doctype import doctype_config

    if not all(t.text[:1].isupper() for t in span if t.is_alpha):
        return False
    words = {w.lower() for w in doctype_config()[0].letterhead_words if " " not in w}
    doc = span.doc
    for t in doc[span.end: min(len(doc), span.end + 5)]:
        if "\n" in t.text or (t.i > span.end and "\n" in doc[t.i - 1].whitespace_):
            return False
        if t.lower_ in words and t.text[:1].isupper():
            return True
        if not (t.text in ("&", "-", "--", "/") or t.lower_ in ("and", "of") or (t.is_alpha and t.text[:1].isupper())):
            return False
    return False


def made_of_no_tumor(span: Span) -> bool:
    """Whether a tumor noun is named by what it consists of, and that is no tumor: "a 3.1 cm mass of
    mature heterotopic ossification", "a mass of scar" (the lesion rules' non-tumor origins, at most
    three words into its "of" phrase)."""
    from mednec.pipeline.lesion_rules import lesion_rules

    doc = span.doc
    after = [t for t in doc[span.end: min(len(doc), span.end + 6)] if not t.is_space]
    if not after or after[0].lower_ != "of":
        return False
    rest = doc_text(doc)[after[0].idx + 2: after[0].idx + 2 + 60]
    m = lesion_rules().alternative.search(rest)
    return m is not None and len(rest[: m.start()].split()) <= 3 and not re.search(r"[.;:,]", rest[: m.start()])


def names_a_topic(span: Span) -> bool:
    """Whether a structure is named as the topic of a part of a report: the next word is a noun such as
    "statements" or "protocol" ("This addendum replaces the brachial plexus statements ...")."""
    from mednec.pipeline.lesion_rules import lesion_rules

    nouns = lesion_rules().rules.topic_nouns
    nxt = next((t for t in span.doc[span.end: span.end + 3] if not t.is_space), None)
    return nxt is not None and nxt.lower_ in nouns
