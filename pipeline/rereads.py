"""A re-read supersedes the original read of the same study (POLICY, Rulings on hard cases).

An institution's re-read of an outside study, or a second-opinion read, says so in its text
("outside images reviewed", "second opinion") and names the study's date. The imaging report
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


def _rereads(facts: Sequence[Any], texts: Mapping[str, str]) -> dict[str, set[str]]:
    """Re-read document -> the imaging documents whose read it replaces."""
    cue = lesion_rules().reread
    dated: dict[str, dt.date] = {}
    for f in facts:
        if f.document_type == "imaging" and f.document_date:
            dated.setdefault(f.document, f.document_date)
    out: dict[str, set[str]] = {}
    for doc, date in dated.items():
        text = texts.get(doc, "")
        if not cue.search(text):
            continue
        named = {d for _, _, d in find_dates(text)}
        for other, odate in dated.items():
            if other == doc or odate not in named or odate > date:
                continue
            if odate == date and cue.search(texts.get(other, "")):
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
