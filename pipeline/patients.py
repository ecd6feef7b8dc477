"""Whose chart a statement is in: blocks of multi-patient records that are someone else's.

Conference minutes and MDT outcome lists put several patients in one document, one block each,
and a referral packet may carry another patient's page by mistake. The chart's patient is known
by the birth date the case's documents give most often (in two documents at least); a block of a
multi-patient document (a numbered item, "Case 2", "Patient B", "1. Patient: NAME") that gives a
birth date, none of them the patient's, is about someone else, and so is every statement in it
(read like a family member's: it decides nothing for this patient).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from mednec.pipeline.discourse import _mark_other
from mednec.pipeline.doctype import birth_label, find_dates, ocr_date_digits
from mednec.pipeline.lesion_rules import lesion_rules

_AFTER_LABEL = re.compile(r"[\s:#.]*")


def _births(text: str) -> list[tuple[int, str]]:
    """(offset, date) of every birth date ``text`` gives."""
    text = ocr_date_digits(text)
    out = []
    for m in birth_label().finditer(text):
        at = _AFTER_LABEL.match(text, m.end()).end()
        found = find_dates(text[at: at + 20])
        if found and found[0][0] == 0:
            out.append((m.start(), found[0][2].isoformat()))
    return out


def set_aside_other_patients(facts: Sequence[Any], texts: Mapping[str, str]) -> list[Any]:
    """The facts, with those in another patient's block of a multi-patient document set aside."""
    births = {doc: _births(text) for doc, text in texts.items()}
    seen = Counter(day for found in births.values() for day in {d for _, d in found})
    ours = [day for day, n in seen.most_common() if n >= 2]
    if not ours or (len(ours) > 1 and seen[ours[0]] == seen[ours[1]]):
        return list(facts)  # the patient's birth date is not known: nothing to set aside
    patient = ours[0]
    heading = lesion_rules().case_item
    others: dict[str, list[tuple[int, int]]] = {}
    for doc, text in texts.items():
        heads = [m.start() for m in heading.finditer(text)]
        if len(heads) < 2:
            continue
        for lo, hi in zip(heads, heads[1:] + [len(text)], strict=True):
            days = {d for at, d in births[doc] if lo <= at < hi}
            if days and patient not in days:
                others.setdefault(doc, []).append((lo, hi))
    if not others:
        return list(facts)
    return [_mark_other(f, "another patient's block (another birth date)")
            if any(lo <= f.evidence[0].start < hi for lo, hi in others.get(f.document, ())) else f
            for f in facts]
