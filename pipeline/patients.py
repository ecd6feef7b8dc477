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


# an age and sex tag, as lists and shorthand give them: "71M", "58 F", "64-year-old man"
_TAG = re.compile(r"(?<![\w/.:-])(\d{1,3})\s?(?:(M|F)(?![\w])|-?\s?(?:year|yr)s?[- ]old\s+(man|male|woman|female|"
                  r"gentleman|lady)\b)", re.IGNORECASE)
_SEX = {"m": "M", "man": "M", "male": "M", "gentleman": "M", "f": "F", "woman": "F", "female": "F", "lady": "F"}
# a numbered row of a list ("2. MRN ...0936 | 71M | ...")
_ROW = re.compile(r"^[ \t]*\d{1,2}[.)][ \t]+", re.MULTILINE)


def _tags(text: str) -> list[tuple[int, str]]:
    """(offset, "71M") of every age and sex tag ``text`` gives."""
    out = []
    for m in _TAG.finditer(text):
        sex = (m.group(2) or m.group(3) or "").lower()
        out.append((m.start(), f"{int(m.group(1))}{_SEX[sex]}"))
    return out


def _other_rows(texts: Mapping[str, str]) -> dict[str, list[tuple[int, int]]]:
    """Rows of one-row-per-patient lists that tag another age and sex than the chart's patient.

    The patient's tag is the one the case's documents give most often (in two at least); a
    document is such a list when two or more of its numbered rows tag different patients, one of
    them the patient's; each row runs to the next numbered row or a blank line.
    """
    tags = {doc: _tags(text) for doc, text in texts.items()}
    seen = Counter(t for found in tags.values() for t in {t for _, t in found})
    ours = [t for t, n in seen.most_common() if n >= 2]
    if not ours or (len(ours) > 1 and seen[ours[0]] == seen[ours[1]]):
        return {}
    patient = ours[0]
    out: dict[str, list[tuple[int, int]]] = {}
    for doc, text in texts.items():
        heads = [m.start() for m in _ROW.finditer(text)]
        rows = []
        for k, lo in enumerate(heads):
            hi = heads[k + 1] if k + 1 < len(heads) else len(text)
            blank = text.find("\n\n", lo)
            hi = min(hi, blank) if blank >= 0 else hi
            first = {t for at, t in tags[doc] if lo <= at < min(hi, lo + 40)}  # the row's own tag leads it
            if len(first) == 1:
                rows.append((lo, hi, first.pop()))
        if len({t for _, _, t in rows}) < 2 or sum(t == patient for _, _, t in rows) != 1:
            continue
        out[doc] = [(lo, hi) for lo, hi, t in rows if t != patient]
    return out


def _apart(day: str, patient: str) -> bool:
    """Whether two ISO dates differ in two characters or more (an OCR misread changes one)."""
    return len(day) != len(patient) or sum(a != b for a, b in zip(day, patient, strict=True)) >= 2


# a medical record number as charts label it: "MRN ISD-0448213", "MRN: 00417762", "MRN# 123456"
_MRN = re.compile(r"(?<![\w])(?:MRN|UR|URN|med(?:ical)?\s+rec(?:ord)?\s+(?:no|number))[\s:#.]*"
                  r"([A-Z]{0,4}-?\d[\d-]{4,})", re.IGNORECASE)


def _record_numbers(text: str) -> list[tuple[int, str]]:
    """(offset, number) of every medical record number ``text`` gives (digits and letters only)."""
    return [(m.start(), re.sub(r"[^0-9A-Za-z]", "", m.group(1)).upper()) for m in _MRN.finditer(text)]


def _chart_value(found: Mapping[str, list[tuple[int, str]]]) -> str | None:
    """The value the case's documents give most often, in two documents at least (None: unknown)."""
    seen = Counter(v for items in found.values() for v in {v for _, v in items})
    ours = [v for v, n in seen.most_common() if n >= 2]
    if not ours or (len(ours) > 1 and seen[ours[0]] == seen[ours[1]]):
        return None
    return ours[0]


def set_aside_other_patients(facts: Sequence[Any], texts: Mapping[str, str]) -> list[Any]:
    """The facts, with those in another patient's block of a multi-patient document, or in another
    patient's document sent with the chart, set aside.

    The chart's patient is known by the birth date and the record number the case's documents give
    most often. A block of a multi-patient document (MDT minutes: "ITEM 1 - MRN ... F 44") is someone
    else's when it gives a birth date, none of them the patient's, or, in a document that holds the
    patient's own block, a record number far from the patient's. A whole document is someone else's
    only by its birth dates (another institution gives the same patient another record number)."""
    rows = _other_rows(texts)
    if rows:
        facts = [_mark_other(f, "another patient's row (another age and sex)")
                 if any(lo <= f.evidence[0].start < hi for lo, hi in rows.get(f.document, ())) else f
                 for f in facts]
    births = {doc: _births(text) for doc, text in texts.items()}
    numbers = {doc: _record_numbers(text) for doc, text in texts.items()}
    patient, record = _chart_value(births), _chart_value(numbers)
    if patient is None and record is None:
        return list(facts)  # nothing to tell the patient by: nothing to set aside
    heading = lesion_rules().case_item
    others: dict[str, list[tuple[int, int]]] = {}
    for doc, text in texts.items():
        heads = [m.start() for m in heading.finditer(text)]
        if len(heads) < 2:
            # a page of another patient sent with the chart: every birth date it gives is another
            # one, far from the patient's (one digit off is a misread, not another person)
            days = {d for _, d in births[doc]}
            if patient is not None and days and all(_apart(d, patient) for d in days):
                others[doc] = [(0, len(text))]
            continue
        blocks = list(zip(heads, heads[1:] + [len(text)], strict=True))
        ids = [({d for at, d in births[doc] if lo <= at < hi}, {n for at, n in numbers[doc] if lo <= at < hi})
               for lo, hi in blocks]
        ours = any((patient is not None and patient in days) or (record is not None and record in nums)
                   for days, nums in ids)
        for (lo, hi), (days, nums) in zip(blocks, ids, strict=True):
            by_birth = patient is not None and days and patient not in days
            by_number = ours and record is not None and nums and all(_apart(n, record) for n in nums)
            if by_birth or by_number:
                others.setdefault(doc, []).append((lo, hi))
    if not others:
        return list(facts)
    return [_mark_other(f, "another patient's block (another birth date or record number)")
            if any(lo <= f.evidence[0].start < hi for lo, hi in others.get(f.document, ())) else f
            for f in facts]
