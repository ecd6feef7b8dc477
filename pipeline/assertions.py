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
from mednec.pipeline.resources import load_yaml, rule_cache
from mednec.pipeline.sentence_index import sentence_dates, sentence_says, sentence_years
from mednec.pipeline.sentmap import doc_text
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
    # the section reaches only to the next labelled line ("FHx: brother osteosarcoma." / "Sx: ..."),
    # or to the next labelled line after a blank line (a pasted block holds labels of its own)
    ends_at: Literal["label", "paragraph_label"] | None = None


class _NotSeen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    literals: list[str]
    labels: list[str]


class _PartialDenial(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    literals: list[str]


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
    # sections of a pathology report that diagnose its own specimen, whatever year they compare with
    specimen_sections: list[str] = []


class _PastDate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    labels: list[str]
    unless: list[str] = []


class _Conditional(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    literals: list[str]
    clause_break: str
    lead: str | None = None
    # a clause that opens on a condition ("If a plane can be developed, ..."; "...; if the tumor encases
    # it, ..."): the clause after its comma is its consequence, to the clause's end
    opening: str | None = None
    consequence_end: str = "[;.]"
    # a consequence stated before its condition ("neurolysis and preservation if a plane is found"):
    # what follows such a span, up to the condition's cue, with no clause break in between
    postposed: str | None = None
    postposed_labels: list[str] = []
    # the other branch of a condition ("..., otherwise en bloc resection of the nerve"): a span after
    # this cue, when a condition cue stands before it in the same sentence
    alternative: str | None = None
    condition_cue: str | None = None


class _Coordination(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    labels: list[str]
    joiner: str
    subject_opening: str


class _Overrides(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    rules: list[_OverrideRule]
    conditional: _Conditional | None = None
    coordination: _Coordination | None = None
    not_seen: _NotSeen | None = None
    resolved: _NotSeen | None = None
    partial_denial: _PartialDenial | None = None
    stated_by: _StatedBy | None = None
    old_year: _OldYear | None = None
    past_date: _PastDate | None = None
    # a line that opens with a label of its own ("Sx:", "Functional:", "A/P 61F ..."), read by
    # rules with ``ends_at``
    label_line: str = r"(?!)"


# a date stands apart from letters: "S1/2", "L4/5" and "C5/6" are two spinal levels, not 1 February
_SLASH_DATE = re.compile(r"(?<![\w/])(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?(?![\d/])")


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


@rule_cache
def assertion_overrides() -> _Overrides:
    return load_yaml("assertion_overrides.yaml", _Overrides)


def _assertion(span: Span, section: str | None, doc_date: dt.date | None = None,
               doc_type: str | None = None) -> Assertion:
    flags = {
        "negated": bool(span._.is_negated),
        "uncertain": bool(span._.is_uncertain),
        "historical": bool(span._.is_historical),
        "hypothetical": bool(span._.is_hypothetical),
        "conditional": False,
        "partial": False,
        "planned": bool(span._.is_planned),
        "family": bool(span._.is_family),
        "reported": bool(span._.is_reported),
    }
    cfg = assertion_overrides()
    own_specimen = doc_type == "pathology" and section in cfg.old_year.specimen_sections if cfg.old_year else False
    if (doc_date and cfg.old_year and span.label_ in cfg.old_year.labels and not flags["historical"]
            and not own_specimen):
        years = sentence_years(span, _BARE_YEAR)
        if years and max(years) <= doc_date.year - cfg.old_year.years_before:
            flags["historical"] = True
    past = cfg.past_date
    if (doc_date and past and span.label_ in past.labels and not flags["historical"]
            and _dated_before(span, doc_date) and not any(sentence_says(span, w) for w in past.unless)):
        flags["historical"] = True
    if flags["negated"] and cfg.resolved and span.label_ in cfg.resolved.labels:
        negators = [m for m in span._.modifiers if m.category == "NEGATED_EXISTENCE"]
        if negators and all(m.rule.literal in cfg.resolved.literals for m in negators):
            flags["negated"], flags["historical"] = False, True
    if flags["negated"] and cfg.not_seen and span.label_ in cfg.not_seen.labels:
        negators = [m for m in span._.modifiers if m.category == "NEGATED_EXISTENCE"]
        if negators and all(m.rule.literal in cfg.not_seen.literals for m in negators):
            flags["negated"], flags["uncertain"] = False, True
    if flags["uncertain"] and cfg.partial_denial:
        hedges = [m for m in span._.modifiers if m.category == "POSSIBLE_EXISTENCE"]
        flags["partial"] = bool(hedges) and all(m.rule.literal in cfg.partial_denial.literals for m in hedges)
    stated = cfg.stated_by
    if (flags["uncertain"] and stated and span.label_ in stated.labels and doc_type in stated.document_types
            and section in stated.sections):
        hedges = [m for m in span._.modifiers if m.category == "POSSIBLE_EXISTENCE"]
        words = [" ".join(span.doc[m.modifier_span[0]:m.modifier_span[1]].text.lower().split()) for m in hedges]
        if hedges and all(w in stated.literals for w in words):
            flags["uncertain"] = False  # "SARCOMA, CONSISTENT WITH ..." in a pathology diagnosis
    if (not flags["negated"] and not flags["uncertain"] and cfg.coordination
            and span.label_ in cfg.coordination.labels and _denied_as_coordinate(span, cfg.coordination)):
        flags["negated"] = True
    if flags["hypothetical"] and cfg.conditional and _in_condition(span, cfg.conditional):
        flags["conditional"] = True
    if not flags["hypothetical"] and cfg.conditional and (_after_a_condition_lead(span, cfg.conditional)
                                                          or _in_consequence(span, cfg.conditional)
                                                          or _before_its_condition(span, cfg.conditional)
                                                          or _in_alternative(span, cfg.conditional)):
        flags["hypothetical"] = True
    for rule in cfg.rules:
        if rule.sections and section not in rule.sections:
            continue
        if rule.ends_at and _past_a_label(span, cfg.label_line,
                                          rule.ends_at == "paragraph_label" and not _title_line_holds_text(span)):
            continue
        if rule.document_types and doc_type not in rule.document_types:
            continue
        if span.label_ in rule.labels and not flags[rule.set]:
            if not any(sentence_says(span, w) for w in rule.unless):
                flags[rule.set] = True
    return Assertion(**flags)


def _title_line_holds_text(span: Span) -> bool:
    """Whether ``span``'s section title has its text on its own line ("PERFORMANCE STATUS (copied
    from 09/15/2025 note): ECOG 1."): such a section is that line, and the next labelled line
    ("Today: ECOG 3") opens another, blank line or not."""
    tok = span[0]
    title = tok._.section_title if tok.has_extension("section_title") else None
    if title is None:
        return False
    text = doc_text(span.doc)
    line_end = text.find("\n", title.start_char)
    line = text[title.start_char: line_end if line_end >= 0 else len(text)]
    colon = line.find(":")
    return colon >= 0 and bool(line[colon + 1:].strip())


def _past_a_label(span: Span, label_line: str, after_blank: bool = False) -> bool:
    """Whether a labelled line stands between ``span``'s section title and ``span``: a short
    section ("FHx: brother osteosarcoma.") ends where the next label opens ("Sx: ...", "A/P ..."),
    even one the sectionizer does not know."""
    tok = span[0]
    title = tok._.section_title if tok.has_extension("section_title") else None
    if title is None:
        return False
    between = doc_text(span.doc)[title.end_char: span.start_char]
    opening = r"\n[ \t]*\n" if after_blank else r"\n"  # the label opens a line (after a blank one)
    return _compiled(opening + label_line).search(between) is not None


def _denied_as_coordinate(span: Span, cfg: _Coordination) -> bool:
    """Whether ``span`` opens or continues a coordinated subject whose last member a later cue denies.

    "The pubic rami and the ischium, including the tuberosity, are not involved": the denial
    ("are not involved") reaches only the nearest members within its scope; the members before
    them, joined by conjunctions alone, are denied with them.
    """
    sent = span.sent
    text = doc_text(span.doc)
    joiner = _compiled(cfg.joiner)
    members = _sentence_targets(span.doc, sent.start, sent.end)
    head = span  # the list's first member: walk back over members joined by conjunctions alone
    for target in reversed(members):
        if target.end_char <= head.start_char:
            if target.label_ not in cfg.labels or target._.modifiers \
                    or not joiner.match(text[target.end_char:head.start_char]):
                break
            head = target
    if not _compiled(cfg.subject_opening).search(text[sent.start_char:head.start_char]):
        return False
    prev_end = span.end_char
    for target in members:
        if target.start_char < prev_end:
            continue
        if target.label_ not in cfg.labels or not joiner.match(text[prev_end:target.start_char]):
            return False
        if any(m.category == "NEGATED_EXISTENCE" and m.modifier_span[0] >= target.end for m in target._.modifiers):
            return True
        if target._.modifiers:
            return False  # a member with cues of its own ends the list
        prev_end = target.end_char
    return False


def _sentence_targets(doc, start: int, end: int) -> list[Span]:  # noqa: ANN001 - spacy Doc
    """The target spans of the sentence ``[start, end)`` in text order (cached per document)."""
    from bisect import bisect_left

    from mednec.pipeline.targets import GROUP

    cache = doc.user_data.setdefault("mednec_sorted_targets", None)
    if cache is None:
        spans = sorted(doc.spans[GROUP], key=lambda s: (s.start, s.end)) if GROUP in doc.spans else []
        cache = (spans, [s.start for s in spans])
        doc.user_data["mednec_sorted_targets"] = cache
    spans, starts = cache
    i = bisect_left(starts, start)
    out = []
    while i < len(spans) and spans[i].start < end:
        out.append(spans[i])
        i += 1
    return out


def _in_condition(span: Span, cfg: _Conditional) -> bool:
    """Whether ``span`` stands inside the condition of an "if" clause (cue to first clause break)."""
    text = doc_text(span.doc)
    breaks = _compiled(cfg.clause_break)
    sent_end = span.sent.end_char
    for m in span._.modifiers:
        if m.category != "HYPOTHETICAL" or m.rule.literal not in cfg.literals:
            continue
        cue_end = span.doc[m.modifier_span[1] - 1].idx + len(span.doc[m.modifier_span[1] - 1])
        if span.start_char < cue_end:
            continue
        found = breaks.search(text, cue_end, sent_end)
        if found is None or span.end_char <= found.start():
            return True
    return False


def _after_a_condition_lead(span: Span, cfg: _Conditional) -> bool:
    """Whether ``span`` follows a condition that leads its item like a label ("- If chordoma: en bloc
    hemisacrectomy; right S1 root likely sacrificed."): the whole item is what happens in that case,
    past its semicolons."""
    if cfg.lead is None:
        return False
    sent = span.sent
    m = _compiled(cfg.lead).match(doc_text(span.doc), sent.start_char, sent.end_char)
    return m is not None and span.start_char >= m.end()


def _in_consequence(span: Span, cfg: _Conditional) -> bool:
    """Whether ``span`` stands in the consequence of a clause that opens on a condition: "If a plane can
    be developed, they will be freed and preserved; if the tumor encases them, they will be divided and
    taken with the specimen" plans neither step outright (each is what happens in its case)."""
    if cfg.opening is None:
        return False
    text = doc_text(span.doc)
    sent_start = span.sent.start_char
    # (a scan back over at most _CONSEQUENCE_REACH characters keeps a long sentence linear)
    lo = max(sent_start, span.start_char - _CONSEQUENCE_REACH)
    openings = list(_compiled(cfg.opening).finditer(text, lo, span.start_char))
    if not openings:
        return False
    opening = openings[-1]
    comma = text.find(",", opening.end(), span.start_char)
    if comma < 0:
        return False
    return _compiled(cfg.consequence_end).search(text, opening.end(), span.start_char) is None


_CONSEQUENCE_REACH = 300


def _before_its_condition(span: Span, cfg: _Conditional) -> bool:
    """Whether ``span`` is a consequence stated before its condition: "neurolysis and preservation if
    a dissection plane is found" plans the preservation only in that case."""
    if cfg.postposed is None or span.label_ not in cfg.postposed_labels:
        return False
    return _compiled(cfg.postposed).match(doc_text(span.doc), span.end_char, span.sent.end_char) is not None


def _in_alternative(span: Span, cfg: _Conditional) -> bool:
    """Whether ``span`` stands in the other branch of a condition: "preservation if a plane is found,
    otherwise en bloc resection of the nerve" plans the resection only if there is no plane."""
    if cfg.alternative is None or cfg.condition_cue is None:
        return False
    text = doc_text(span.doc)
    lo = max(span.sent.start_char, span.start_char - _CONSEQUENCE_REACH)
    branches = list(_compiled(cfg.alternative).finditer(text, lo, span.start_char))
    if not branches:
        return False
    branch = branches[-1]
    if _compiled(cfg.consequence_end).search(text, branch.end(), span.start_char):
        return False
    return _compiled(cfg.condition_cue).search(text, span.sent.start_char, branch.start()) is not None


@lru_cache(maxsize=4)
def _compiled(pattern: str) -> re.Pattern[str]:
    """A data file's pattern, compiled once."""
    return re.compile(pattern)


def _addendum_supersedes(facts: list[Fact]) -> list[Fact]:
    """An addendum's tissue diagnosis replaces the diagnoses stated earlier in the same report.

    Only a histology replaces one: an addendum that names no histology ("supporting a cartilaginous
    neoplasm; the diagnosis is unchanged") or names the same one confirms the diagnosis, and the
    diagnoses it restates stay current.
    """
    from mednec.pipeline.lesion_rules import lesion_rules

    rules = lesion_rules().rules
    vague = rules.generic_categories | rules.vague_categories
    revised = [f for f in facts if f.kind == "diagnosis" and f.section == "addendum" and f.assertion.affirmed
               and f.category not in vague]
    if not revised:
        return facts
    cut = min(f.evidence[0].start for f in revised)
    kept = {f.concept for f in revised}
    out: list[Fact] = []
    for f in facts:
        earlier = (f.kind == "diagnosis" and f.section != "addendum" and f.evidence[0].start < cut
                   and f.concept not in kept)
        if earlier and not f.assertion.historical:
            f = f.model_copy(update={"assertion": f.assertion.model_copy(update={"historical": True})})
        out.append(f)
    return out


def fact_span(fact_id: str) -> tuple[str, int, int] | None:
    """(document, start, end) of the words a fact names, read from its id ``document:start-end:concept``."""
    doc, _, rest = fact_id.rpartition(":")[0].rpartition(":")
    start, _, end = rest.partition("-")
    return (doc, int(start), int(end)) if start.isdigit() and end.isdigit() else None


_PHRASE_GAP = 6  # characters between two mentions of one phrase: "chemotherapy (6 cycles)"


def share_plans(facts: list[Fact]) -> list[Fact]:
    """A treatment's count named right after its planned mention is planned too.

    "Recommendation: complete neoadjuvant chemotherapy (6 cycles)": the plan's cue reaches the
    treatment but not the count in its parenthesis, which would otherwise read as six cycles given.
    Only a mention that follows within a few characters shares it; "s/p cycle 1, cycle 2 to begin"
    keeps its given cycle.
    """
    planned = [(f.sentence, f.concept, span[2]) for f in facts if f.kind == "therapy" and f.assertion.planned
               and (span := fact_span(f.id)) is not None]
    if not planned:
        return facts
    out: list[Fact] = []
    for f in facts:
        span = fact_span(f.id)
        if (f.kind == "therapy" and span is not None and not f.assertion.planned and not f.assertion.negated
                and any(s == f.sentence and c == f.concept and 0 <= span[1] - end <= _PHRASE_GAP
                        for s, c, end in planned)):
            f = f.model_copy(update={"assertion": f.assertion.model_copy(update={"planned": True})})
        out.append(f)
    return out


def _share_hedges(facts: list[Fact]) -> list[Fact]:
    """A concept named twice in one sentence, once hedged, is hedged in both mentions.

    "Intrathecal enhancing focus: possible intradural extension" states one uncertain finding,
    not an affirmed one beside an uncertain one.
    """
    # a hedge on the name of the tumor ("most in keeping with an intradural metastasis") is about
    # which tumor it is: the compartment word inside that name shares nothing
    hedged_names = {f.id: fact_span(f.id) for f in facts if f.kind == "diagnosis" and f.assertion.uncertain}

    def names_the_tumor(f: Fact) -> bool:  # the word stands in the hedged tumor's name: "intradural metastasis"
        name, own = hedged_names.get(f.subject or ""), fact_span(f.id)
        return name is not None and own is not None and -1 <= name[1] - own[2] <= 1

    hedged = {(f.sentence, f.concept) for f in facts if f.assertion.uncertain and not f.assertion.negated
              and not names_the_tumor(f)}
    if not hedged:
        return facts
    out: list[Fact] = []
    for f in facts:
        # a diagnosis the tissue proved ("biopsy-proven solitary osseous metastasis ... and a lung
        # nodule suspicious for metastasis") is not hedged by what is suspected of another lesion
        proven = f.kind == "diagnosis" and "tissue" in f.cues
        if (f.sentence, f.concept) in hedged and not f.assertion.uncertain and not f.assertion.negated \
                and not proven:
            f = f.model_copy(update={"assertion": f.assertion.model_copy(update={"uncertain": True})})
        out.append(f)
    return out
