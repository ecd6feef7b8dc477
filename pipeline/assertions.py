"""Assertion flags of a mention beyond its ConText cues, read from data.

Section rules (family history, past history, plans), a structure that was "not seen"
(uncertain, not free of tumor), a sentence dated by an old bare year (history), and the
document-level passes: a pathology addendum supersedes earlier diagnoses, and a concept
hedged once in a sentence is hedged in all its mentions there.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Literal

from mednec.models import Assertion
from mednec.models.facts import DiagnosisFact, FindingFact, NerveFact, PlanFact, ScoreFact, SiteFact, TherapyFact
from mednec.pipeline.resources import load_yaml
from mednec.pipeline.sentence_index import sentence_dates, sentence_says, sentence_years
from pydantic import BaseModel, ConfigDict
from spacy.tokens import Span

Fact = DiagnosisFact | SiteFact | NerveFact | TherapyFact | PlanFact | FindingFact | ScoreFact


class _OverrideRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    sections: list[str] = []  # empty: any section
    document_types: list[str] = []  # empty: any document type
    labels: list[str]
    set: Literal["negated", "uncertain", "historical", "hypothetical", "planned", "family"]
    unless: list[str] = []


class _NotSeen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    literals: list[str]
    labels: list[str]


class _StatedBy(BaseModel):
    """Hedge words that state a finding in some reports (``assertion_overrides.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    literals: list[str]
    labels: list[str]
    document_types: list[str]
    sections: list[str]


class _OldYear(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    years_before: int
    labels: list[str]


class _PastDate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    labels: list[str]
    unless: list[str] = []


class _Overrides(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    rules: list[_OverrideRule]
    not_seen: _NotSeen | None = None
    stated_by: _StatedBy | None = None
    old_year: _OldYear | None = None
    past_date: _PastDate | None = None


_SLASH_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?(?![\d/])")


def _dated_before(span: Span, doc_date: dt.date) -> bool:
    """Whether the sentence of ``span`` names a date (7/29, 07/29/2026) before the document's."""
    for month, day, year in sentence_dates(span, _SLASH_DATE):
        if year is None:
            year = doc_date.year
            try:
                if dt.date(year, month, day) > doc_date:
                    year -= 1  # "7/29" in a January note: last July
            except ValueError:
                continue
        elif year < 100:
            year += 2000
        try:
            if dt.date(year, month, day) < doc_date:
                return True
        except ValueError:
            continue
    return False


_BARE_YEAR = re.compile(r"(?<![\d/.-])((?:19|20)\d{2})(?![\d/.-]|\s*-\s*\d)")


@lru_cache(maxsize=1)
def _overrides() -> _Overrides:
    return load_yaml("assertion_overrides.yaml", _Overrides)


def _assertion(span: Span, section: str | None, doc_date: dt.date | None = None,
               doc_type: str | None = None) -> Assertion:
    flags = {
        "negated": bool(span._.is_negated),
        "uncertain": bool(span._.is_uncertain),
        "historical": bool(span._.is_historical),
        "hypothetical": bool(span._.is_hypothetical),
        "planned": bool(span._.is_planned),
        "family": bool(span._.is_family),
    }
    cfg = _overrides()
    if doc_date and cfg.old_year and span.label_ in cfg.old_year.labels and not flags["historical"]:
        years = sentence_years(span, _BARE_YEAR)
        if years and max(years) <= doc_date.year - cfg.old_year.years_before:
            flags["historical"] = True
    past = cfg.past_date
    if (doc_date and past and span.label_ in past.labels and not flags["historical"]
            and _dated_before(span, doc_date) and not any(sentence_says(span, w) for w in past.unless)):
        flags["historical"] = True
    if flags["negated"] and cfg.not_seen and span.label_ in cfg.not_seen.labels:
        negators = [m for m in span._.modifiers if m.category == "NEGATED_EXISTENCE"]
        if negators and all(m.rule.literal in cfg.not_seen.literals for m in negators):
            flags["negated"], flags["uncertain"] = False, True
    stated = cfg.stated_by
    if (flags["uncertain"] and stated and span.label_ in stated.labels and doc_type in stated.document_types
            and section in stated.sections):
        hedges = [m for m in span._.modifiers if m.category == "POSSIBLE_EXISTENCE"]
        words = [" ".join(span.doc[m.modifier_span[0]:m.modifier_span[1]].text.lower().split()) for m in hedges]
        if hedges and all(w in stated.literals for w in words):
            flags["uncertain"] = False  # "SARCOMA, CONSISTENT WITH ..." in a pathology diagnosis
    for rule in cfg.rules:
        if rule.sections and section not in rule.sections:
            continue
        if rule.document_types and doc_type not in rule.document_types:
            continue
        if span.label_ in rule.labels and not flags[rule.set]:
            if not any(sentence_says(span, w) for w in rule.unless):
                flags[rule.set] = True
    return Assertion(**flags)


def _addendum_supersedes(facts: list[Fact]) -> list[Fact]:
    """An addendum's tissue diagnosis replaces the diagnoses stated earlier in the same report."""
    revised = [f for f in facts if f.kind == "diagnosis" and f.section == "addendum" and f.assertion.affirmed]
    if not revised:
        return facts
    cut = min(f.evidence[0].start for f in revised)
    out: list[Fact] = []
    for f in facts:
        earlier = f.kind == "diagnosis" and f.section != "addendum" and f.evidence[0].start < cut
        if earlier and not f.assertion.historical:
            f = f.model_copy(update={"assertion": f.assertion.model_copy(update={"historical": True})})
        out.append(f)
    return out


def _share_hedges(facts: list[Fact]) -> list[Fact]:
    """A concept named twice in one sentence, once hedged, is hedged in both mentions.

    "Intrathecal enhancing focus: possible intradural extension" states one uncertain finding,
    not an affirmed one beside an uncertain one.
    """
    hedged = {(f.sentence, f.concept) for f in facts if f.assertion.uncertain and not f.assertion.negated}
    if not hedged:
        return facts
    out: list[Fact] = []
    for f in facts:
        if (f.sentence, f.concept) in hedged and not f.assertion.uncertain and not f.assertion.negated:
            f = f.model_copy(update={"assertion": f.assertion.model_copy(update={"uncertain": True})})
        out.append(f)
    return out
