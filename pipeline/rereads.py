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

from mednec.pipeline.discourse import _sides_meet, _superseded
from mednec.pipeline.doctype import find_dates
from mednec.pipeline.lesion_rules import lesion_rules

_STATEMENTS = ("site", "nerve", "finding")


def reread_dates(text: str) -> set[dt.date]:
    """The study dates a re-read names in its opening lines, or nothing when ``text`` is no re-read."""
    rules = lesion_rules()
    head = text[: rules.rules.reread_head]
    lines = [ln for ln in head.splitlines() if not rules.reread_skip.match(ln)]
    title = " ".join(ln for ln in head.splitlines() if ln.strip())
    title_lines = [ln for ln in head.splitlines() if ln.strip()][:3]
    strong = any(rules.reread.search(ln) for ln in lines)
    weak = any(rules.reread_title.search(ln) for ln in title_lines)
    if not (strong or weak) or not title:
        return set()
    return {d for ln in lines for _, _, d in find_dates(ln)}


def _rereads(facts: Sequence[Any], texts: Mapping[str, str]) -> dict[str, set[str]]:
    """Re-read document -> the imaging documents whose read it replaces."""
    dated: dict[str, dt.date] = {}
    for f in facts:
        if f.document_type == "imaging" and f.document_date:
            dated.setdefault(f.document, f.document_date)
    named_by = {doc: reread_dates(texts.get(doc, "")) for doc in dated}
    out: dict[str, set[str]] = {}
    for doc, date in dated.items():
        for other, odate in dated.items():
            if other == doc or odate not in named_by[doc] or odate > date:
                continue
            if odate == date and date in named_by[other]:
                continue  # two reads of one day that both claim to be the re-read: neither wins
            out.setdefault(doc, set()).add(other)
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
