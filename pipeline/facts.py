"""Read ``Span._`` attributes into typed facts: the one place that turns spaCy objects into models.

For every finding span the facts carry: the concept and label from the knowledge base,
assertion flags from ConText (plus section rules: family history makes a mention the
family's, past medical history makes a diagnosis historical), the side, the nearest
relation cue, the concepts named in the same sentence, spinal levels, numbers, and an
evidence span whose text is exactly ``document_text[start:end]``.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any, Literal

from mednec.models import Assertion, EvidenceSpan, FactAdapter
from mednec.models.facts import (
    DiagnosisFact,
    FindingFact,
    NerveFact,
    PlanFact,
    ScoreFact,
    SiteFact,
    TherapyFact,
)
from mednec.pipeline import quantities as q
from mednec.pipeline.doctype import letterhead_ranges
from mednec.pipeline.kb import KnowledgeBase, load_kb
from mednec.pipeline.resources import load_yaml
from mednec.pipeline.sentence_index import SentenceIndex, member_rows, sentence_says, sentence_years
from mednec.pipeline.sentmap import doc_text, sent_of, sent_start, sentence_map, source_text
from mednec.pipeline.targets import ALL_GROUP, GROUP
from pydantic import BaseModel, ConfigDict
from spacy.tokens import Doc, Span

Fact = DiagnosisFact | SiteFact | NerveFact | TherapyFact | PlanFact | FindingFact | ScoreFact

_LEVEL_RE = re.compile(r"\b([LSCT])(\d{1,2})(?:\s*(?:-|through|to)\s*([LSCT])?(\d{1,2}))?\b")
_LEVEL_ORDER = [f"C{i}" for i in range(1, 9)] + [f"T{i}" for i in range(1, 13)] + \
    [f"L{i}" for i in range(1, 6)] + [f"S{i}" for i in range(1, 6)]
# A pathology report's words are a tissue diagnosis only inside its diagnosis, addendum,
# comment or microscopic sections: its clinical history repeats the referrer's suspicion.
_TISSUE_SECTIONS = frozenset({"diagnosis", "addendum", "comment", "microscopic", "impression"})
_SEPARATE = "separate"


def parse_levels(text: str) -> tuple[str, ...]:
    """Spinal levels named in ``text``, ranges expanded: "L4-S3" -> L4, L5, S1, S2, S3."""
    out: list[str] = []
    for m in _LEVEL_RE.finditer(text):
        first = f"{m.group(1)}{int(m.group(2))}"
        if first not in _LEVEL_ORDER:
            continue
        if m.group(4):
            last = f"{m.group(3) or m.group(1)}{int(m.group(4))}"
            if last in _LEVEL_ORDER and _LEVEL_ORDER.index(last) > _LEVEL_ORDER.index(first):
                out.extend(_LEVEL_ORDER[_LEVEL_ORDER.index(first) : _LEVEL_ORDER.index(last) + 1])
                continue
        out.append(first)
    return tuple(dict.fromkeys(out))


def _section(span: Span) -> str | None:
    tok = span[0]
    return getattr(tok._, "section_category", None) if tok.has_extension("section_category") else None


class _OverrideRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    sections: list[str]
    labels: list[str]
    set: Literal["negated", "uncertain", "historical", "hypothetical", "planned", "family"]
    unless: list[str] = []


class _NotSeen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    literals: list[str]
    labels: list[str]


class _OldYear(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    years_before: int
    labels: list[str]


class _Overrides(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    rules: list[_OverrideRule]
    not_seen: _NotSeen | None = None
    old_year: _OldYear | None = None


_BARE_YEAR = re.compile(r"(?<![\d/.-])((?:19|20)\d{2})(?![\d/.-]|\s*-\s*\d)")


@lru_cache(maxsize=1)
def _overrides() -> _Overrides:
    return load_yaml("assertion_overrides.yaml", _Overrides)


def _assertion(span: Span, section: str | None, doc_date: dt.date | None = None) -> Assertion:
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
    if flags["negated"] and cfg.not_seen and span.label_ in cfg.not_seen.labels:
        negators = [m for m in span._.modifiers if m.category == "NEGATED_EXISTENCE"]
        if negators and all(m.rule.literal in cfg.not_seen.literals for m in negators):
            flags["negated"], flags["uncertain"] = False, True
    for rule in cfg.rules:
        if section in rule.sections and span.label_ in rule.labels and not flags[rule.set]:
            if not any(sentence_says(span, w) for w in rule.unless):
                flags[rule.set] = True
    return Assertion(**flags)


class _LevelRefs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    before: list[str]
    after: list[str]
    needs_after: list[str]
    cycle_before: list[str]
    cycle_after: list[str]


@lru_cache(maxsize=1)
def _level_refs() -> _LevelRefs:
    return load_yaml("level_references.yaml", _LevelRefs)


def _height_mark(span: Span) -> bool:
    """Whether a spinal level is used as a height mark ("from L1 to the iliac fossa")."""
    cfg = _level_refs()
    doc = span.doc
    before = " ".join(t.lower_ for t in doc[max(sent_start(span), span.start - 3) : span.start])
    after = " ".join(t.lower_ for t in doc[span.end : min(sent_of(span).end, span.end + 2)])
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
    head = re.sub(r"^\s*(?:\d{1,2}[.)]|[-*\u2022])?\s*", "", head)
    return len(head) <= 40 and len(head.split()) <= 5 and not re.search(r"[.;,:]", head)


class _RelationNegation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    window: int
    negators: list[str]
    hedges: list[str] = []


@lru_cache(maxsize=1)
def _relation_negation() -> _RelationNegation:
    return load_yaml("relation_negation.yaml", _RelationNegation)


def _denied(doc: Doc, start: int, first: int) -> bool:
    cfg = _relation_negation()
    lo = max(first, start - cfg.window)
    return any(t.lower_ in cfg.negators for t in doc[lo:start])


def _hedged(doc: Doc, start: int, first: int) -> bool:
    cfg = _relation_negation()
    lo = max(first, start - cfg.window)
    return any(t.lower_ in cfg.hedges for t in doc[lo:start])


def _denied_relations(span: Span) -> tuple[str, ...]:
    """Relation cues in scope of ``span`` that are stated as absent ("without cortical erosion")."""
    out = []
    for mod in getattr(span._, "modifiers", ()):
        if mod.category.startswith("REL_") and _denied(span.doc, mod.modifier_span[0], sent_start(span)):
            out.append(mod.category[4:].lower())
    return tuple(dict.fromkeys(out))


def _relation(span: Span, kb: KnowledgeBase) -> tuple[str | None, Any]:
    """The nearest relation cue of ``span`` (separation wins a tie), and its modifier.

    A cue that is itself denied ("not encased") states no relation.
    """
    intrinsic = kb[span._.concept].relation
    best = None
    for mod in getattr(span._, "modifiers", ()):
        cat = mod.category
        if not cat.startswith("REL_"):
            continue
        ms, me = mod.modifier_span
        if _denied(span.doc, ms, sent_start(span)) or _hedged(span.doc, ms, sent_start(span)):
            continue
        dist = span.start - me if me <= span.start else ms - span.end if ms >= span.end else 0
        rank = (dist, 0 if cat == "REL_SEPARATE" else 1)
        if best is None or rank < best[0]:
            best = (rank, cat[4:].lower(), mod)
    if best is None:
        return intrinsic, None
    return best[1], best[2]


_CLAUSE_STOPS = ";:\n"
_MAX_CLAUSE = 180


def _clause(doc: Doc, span: Span, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to its clause in the sentence, so a quote reads as a claim.

    A clause ends at a semicolon, colon, line break or the sentence edge; when the clause
    is longer than ``_MAX_CLAUSE`` characters the tighter span is kept.
    """
    text = doc_text(doc)
    sent = sent_of(span)
    # Each walk stops as soon as the clause is sure to be too long (a word beyond _MAX_CLAUSE):
    # the answer is then the tighter span, and a long line costs no more than a short one.
    lo = start
    while lo > sent.start_char and text[lo - 1] not in _CLAUSE_STOPS:
        lo -= 1
        if end - lo > _MAX_CLAUSE and not text[lo].isspace():
            return start, end
    hi = end
    while hi < sent.end_char and text[hi] not in _CLAUSE_STOPS:
        if hi + 1 - start > _MAX_CLAUSE and not (text[hi].isspace() or text[hi] in ".,"):
            return start, end
        hi += 1
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and (text[hi - 1].isspace() or text[hi - 1] in ".,"):
        hi -= 1
    if hi - lo > _MAX_CLAUSE or lo > start or hi < end:
        return start, end
    return lo, hi


def _evidence(doc: Doc, span: Span, modifier: Any, document: str, section: str | None) -> EvidenceSpan:
    start, end = span.start_char, span.end_char
    if modifier is not None:
        ms, me = modifier.modifier_span
        mspan = doc[ms:me]
        if sent_start(mspan) == sent_start(span):
            start, end = min(start, mspan.start_char), max(end, mspan.end_char)
    start, end = _clause(doc, span, start, end)
    text = source_text(doc)[start:end]
    return EvidenceSpan(document=document, start=start, end=end, text=text, section=section)


def _sentence_context(doc: Doc) -> tuple[dict[int, int], dict[int, list[Span]]]:
    index: dict[int, int] = {}
    members: dict[int, list[Span]] = {}
    for i, (start, _end) in enumerate(sentence_map(doc).bounds):
        index[start] = i
    spans = doc.spans[ALL_GROUP] if ALL_GROUP in doc.spans else []
    for s in spans:
        members.setdefault(sent_start(s), []).append(s)
    return index, members


def _first_tumor_after(doc: Doc, span: Span, members: list[Span], kb: KnowledgeBase) -> Span | None:
    colon = doc_text(doc).find(":", span.end_char)
    after = [s for s in members if s.start_char > colon and kb[s._.concept].label == "DIAGNOSIS"]
    return min(after, key=lambda s: s.start) if after else None


def extract_facts(doc: Doc, document: str, doc_type: str, doc_date: dt.date | None) -> list[Fact]:
    """Typed facts of one processed document (the pipeline of :func:`mednec.pipeline.build`)."""
    kb = load_kb()
    sent_index, members = _sentence_context(doc)
    rows = member_rows(members, kb)
    sentences: dict[int, SentenceIndex] = {}
    letterhead = letterhead_ranges(doc_text(doc))
    facts: list[Fact] = []
    for span in doc.spans[GROUP] if GROUP in doc.spans else []:
        concept = kb[span._.concept]
        if concept.label == "CUE" or any(a <= span.start_char < b for a, b in letterhead) or _in_title(span):
            continue
        if concept.concept == "spinal_level" and _height_mark(span):
            continue
        section = _section(span)
        assertion = _assertion(span, section, doc_date)
        relation, modifier = _relation(span, kb)
        if concept.label in ("SITE", "NERVE") and _label_of_line(doc, span):
            # A sub-heading names the structure the clause after its colon describes.
            # Only a denial carries over: "Spine: the mass abuts L3" says nothing about the spine
            # as a whole, while "Sacrum: no metastatic disease" clears it.
            head = _first_tumor_after(doc, span, members.get(sent_start(span), []), kb)
            if head is None or not head._.is_negated:
                continue
            assertion, relation, modifier = _assertion(head, _section(head)), "tumor", None
        s_start = sent_start(span)
        own, first, last = span._.concept, span.start, span.end
        sent = sentences.get(s_start)
        if sent is None:
            sent = sentences[s_start] = SentenceIndex(rows.get(s_start, []))
        related, cues, related_affirmed = sent.related(own, first, last), sent.cues, sent.affirmed_except(own)
        if concept.label in ("SITE", "NERVE"):
            levels = parse_levels(span.text)
        elif concept.label == "PLAN":
            # the roots a plan names ("S4 and S5 roots will be sacrificed"): those touching its span
            roots = sent.co(own, first, last, "nerve_root")
            levels = tuple(dict.fromkeys(lv for m in roots if m.start <= last + 1 and m.end >= first - 1
                                         for lv in parse_levels(m.span.text)))
        else:
            levels = ()
        base: dict[str, Any] = {
            "id": f"{document}:{span.start_char}-{span.end_char}:{concept.concept}",
            "concept": concept.concept,
            "label": concept.label,
            "document": document,
            "document_type": doc_type,
            "document_date": doc_date,
            "section": section,
            "sentence": sent_index.get(s_start, 0),
            "assertion": assertion,
            "side": span._.side,
            "side_source": span._.side_source or "none",
            "relation": relation,
            "denied": _denied_relations(span),
            "cues": cues,
            "related": related,
            "related_affirmed": related_affirmed,
            "levels": levels,
            "evidence": (_evidence(doc, span, modifier, document, section),),
        }
        facts.append(_typed(span, concept, base, doc_type, section, cues, doc_date))
    return _share_hedges(_addendum_supersedes(facts))


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


def _typed(span: Span, concept: Any, base: dict[str, Any], doc_type: str, section: str | None,
           cues: tuple[str, ...], doc_date: dt.date | None) -> Fact:
    label = concept.label
    if label == "DIAGNOSIS":
        tissue = (doc_type == "pathology" and section in _TISSUE_SECTIONS) or "tissue" in cues
        return DiagnosisFact(**base, category=concept.category, tissue=tissue)
    if label == "SITE":
        return SiteFact(**base, region=concept.region)
    if label == "NERVE":
        return NerveFact(**base, region=concept.region)
    if label == "THERAPY":
        cyc = wk = None
        if concept.quantity == "cycles":
            found = q.cycles(span)
            cyc = max((x.value for x in found), default=None)
        elif concept.quantity == "weeks":
            found = q.durations(span)
            if found:
                wk = min(found, key=lambda x: abs(x.start - span.start)).value
            else:
                since = q.since_duration(span, doc_date)
                wk = since.value if since else None
        return TherapyFact(**base, category=concept.category, cycles=cyc, weeks=wk)
    if label == "PLAN":
        return PlanFact(**base, category=concept.category)
    if label == "SCORE":
        quantity = None
        if concept.quantity == "score":
            quantity = q.score_after(span, prefer_equals=concept.category == "sins",
                                     max_gap=12 if concept.category == "sins" else 5)
        elif concept.quantity == "survival":
            quantity = q.survival(span)
        elif concept.quantity == "percent":
            quantity = q.percent_near(span)
        if quantity is None:
            return ScoreFact(**base, category=concept.category)
        if quantity.end > quantity.start:
            # the quote must show the number it states: "SINS ... = 14", "ECOG 1"
            doc = span.doc
            qspan = doc[quantity.start : quantity.end]
            start, end = min(span.start_char, qspan.start_char), max(span.end_char, qspan.end_char)
            start, end = _clause(doc, span, start, end)
            ev = base["evidence"][0]
            base = {**base, "evidence": (EvidenceSpan(document=ev.document, start=start, end=end,
                                                      text=source_text(doc)[start:end], section=ev.section),)}
        return ScoreFact(**base, category=concept.category, value=quantity.value, comparator=quantity.comparator,
                         unit=quantity.unit)
    return FindingFact(**base, category=concept.category)


def facts_to_json(facts: list[Fact]) -> list[dict[str, Any]]:
    """Facts as JSON-ready dicts (for debugging and the ``facts`` CLI command)."""
    return [FactAdapter.dump_python(f, mode="json") for f in facts]
