"""A re-read supersedes the original read of the same study (POLICY, Rulings on hard cases).

An institution's re-read of an outside study, or a second-opinion read, says so in its opening
lines ("Second opinion interpretation of outside imaging") and names the study's date there; a
comparison line ("Comparison: outside MRI 01/09/2026") makes no re-read. The imaging report
of that date is the original read; what it says about a structure or finding that the
re-read also speaks of (in any assertion) is superseded by the re-read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from mednec.pipeline.discourse import _hedged, _sides_meet, _superseded
from mednec.pipeline.doctype import day_first, find_dates, join_broken_paragraphs, month_first
from mednec.pipeline.lesion_rules import lesion_rules

_STATEMENTS = ("site", "nerve", "finding")
_TITLE_LINES = 5  # where a report says it is a preliminary or a final read


def reread_dates(text: str, board: bool = False) -> set[dt.date]:
    """The study dates a re-read names in its opening lines, or nothing when ``text`` is no re-read
    (``board``: a tumor board record, which re-reads only with its own words of disagreement)."""
    rules = lesion_rules()
    head = text[: rules.rules.reread_head]
    lines = [ln for ln in head.splitlines() if not rules.reread_skip.match(ln)]
    title = " ".join(ln for ln in head.splitlines() if ln.strip())
    title_lines = [ln for ln in head.splitlines() if ln.strip()][:3]
    if board:
        strong, weak = rules.reread_board is not None and any(rules.reread_board.search(ln) for ln in lines), False
    else:
        strong = any(rules.reread.search(ln) for ln in lines)
        weak = any(rules.reread_title.search(ln) for ln in title_lines)
    if not (strong or weak) or not title:
        return set()
    named: set[dt.date] = set()
    order = day_first(text)
    either = not order and not month_first(text)  # no date shows which way the document writes them
    for ln in lines:
        for start, end, day in find_dates(ln, order):
            named.add(day)
            if either and day.day <= 12 and day.day != day.month and not any(c.isalpha() for c in ln[start:end]):
                named.add(day.replace(month=day.day, day=day.month))  # dd/mm or mm/dd: either study
    return named


def _rereads(facts: Sequence[Any], texts: Mapping[str, str]) -> dict[str, set[str]]:
    """Re-read document -> the imaging documents whose read it replaces."""
    dated: dict[str, dt.date] = {}
    imaging: set[str] = set()
    for f in facts:
        # a tumor board's radiology review re-reads a study as a radiology report does
        if f.document_type in ("imaging", "tumor_board") and f.document_date:
            dated.setdefault(f.document, f.document_date)
            if f.document_type == "imaging":
                imaging.add(f.document)
    named_by = {doc: reread_dates(texts.get(doc, ""), board=doc not in imaging) for doc in dated}
    out: dict[str, set[str]] = {}
    for doc, date in dated.items():
        for other, odate in dated.items():
            if other == doc or other not in imaging or odate not in named_by[doc] or odate > date:
                continue
            if odate == date and date in named_by[other]:
                continue  # two reads of one day that both claim to be the re-read: neither wins
            out.setdefault(doc, set()).add(other)
    # a preliminary read sent as a report of its own is replaced by the final report of the same
    # study (same exam date) sent after it
    rules = lesion_rules()
    heads = {doc: "\n".join(texts.get(doc, "").splitlines()[:_TITLE_LINES]) for doc in imaging}
    # the first word of either kind says which the report is ("PRELIMINARY READ ... final
    # interpretation to follow"; "FINAL REPORT ... supersedes the preliminary read")
    kind = {}
    for doc, head in heads.items():
        p, f = rules.preliminary_words.search(head), rules.final_words.search(head)
        if p or f:
            kind[doc] = "prelim" if p and (not f or p.start() < f.start()) else "final"
    prelims = {doc for doc, k in kind.items() if k == "prelim"}
    finals = {doc for doc, k in kind.items() if k == "final"}
    for final in finals:
        for prelim in prelims:
            if prelim != final and dated[prelim] == dated[final]:
                out.setdefault(final, set()).add(prelim)
    return out


def apply_rereads(facts: Sequence[Any], texts: Mapping[str, str]) -> list[Any]:
    """The facts of a case with every original read superseded where its re-read speaks."""
    replaced = _rereads(facts, texts)
    if not replaced:
        return list(facts)
    said: dict[str, list[Any]] = {}
    for f in facts:
        if f.document in replaced and f.kind in _STATEMENTS:
            said.setdefault(f.document, []).append(f)
    out = []
    for f in facts:
        if f.kind in _STATEMENTS:
            for reread, originals in replaced.items():
                if f.document in originals and any(g.concept == f.concept and _sides_meet(g.side, f.side)
                                                   for g in said.get(reread, ())):
                    f = _superseded(f, f"re-read ({reread})")
                    break
        out.append(f)
    return out


def _sentence_at(text: str, offset: int) -> str:
    """The sentence of ``text`` around ``offset`` (a period and a space, or a blank line, end one).

    Callers pass the text with its broken paragraphs joined (``join_broken_paragraphs``).
    """
    lo = max(text.rfind(". ", 0, offset), text.rfind("\n\n", 0, offset))
    hi_candidates = [i for i in (text.find(". ", offset), text.find("\n\n", offset)) if i >= 0]
    return text[lo + 1: min(hi_candidates) if hi_candidates else len(text)]


def apply_retractions(facts: Sequence[Any], texts: Mapping[str, str]) -> list[Any]:
    """A later study's sentence about an earlier read's finding: one that calls it no tumor
    (artifact, a normal variant) supersedes what earlier imaging said of the structures it names;
    one that cannot confirm it leaves that uncertain."""
    rules = lesion_rules()
    # a blank line inside a sentence (OCR's uneven line spacing: "is not seen on this" / (blank) /
    # "study and likely represented beam-hardening artifact") is the line break it is, as the
    # pipeline reads it (same length: offsets hold)
    texts = {k: join_broken_paragraphs(v) for k, v in texts.items()}
    retracted: list[tuple[Any, dt.date, bool]] = []  # (the later study's mention, its date, no tumor at all)
    compartments = rules.rules.impression_finding_categories  # findings a report settles like structures
    for f in facts:
        if (f.kind not in ("site", "nerve") and not (f.kind == "finding" and f.category in compartments)) \
                or f.document_type != "imaging" or f.document_date is None:
            continue
        sentence = _sentence_at(texts.get(f.document, ""), f.evidence[0].start)
        if not rules.back_reference.search(sentence):
            continue
        if rules.never_tumor.search(sentence):
            retracted.append((f, f.document_date, True))
        elif rules.doubt is not None and rules.doubt.search(sentence):
            retracted.append((f, f.document_date, False))
    # a retracted compartment finding is the subject of its sentence; the levels named with it
    # only locate it ("the intradural nodule reported at C5-C6 can neither be confirmed nor
    # excluded" leaves the C5 vertebral tumor as the MRI read it)
    about_compartment = {(g.document, g.sentence) for g, _, _ in retracted
                         if g.kind == "finding" and g.category in compartments}
    retracted = [(g, when, never) for g, when, never in retracted
                 if g.kind == "finding" or (g.document, g.sentence) not in about_compartment]
    if not retracted:
        return list(facts)
    out = []
    for f in facts:
        if f.kind in _STATEMENTS and f.document_type == "imaging" and f.document_date is not None \
                and not f.assertion.superseded:
            hits = [never for g, when, never in retracted
                    if g.concept == f.concept and _sides_meet(g.side, f.side) and f.document_date < when]
            if any(hits):
                f = _superseded(f, "a later study calls it no tumor")
            elif hits:
                f = _hedged(f, "a later study does not confirm it")
        out.append(f)
    return out
