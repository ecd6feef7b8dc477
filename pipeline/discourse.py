"""What a report says after a finding: hedges that point back, the impression, addenda.

A reader does not take a finding from its own sentence alone:

- "Marrow signal extends to the acetabular roof. This may represent reactive edema." The
  second sentence points back ("This") with a hedge and a non-tumor explanation: the roof's
  involvement is uncertain (POLICY, Rulings: a hedge may sit in the next sentence). A hedge
  that only names which tumor it is ("This likely represents chondrosarcoma") leaves the
  extent as stated. A clause that points back inside its sentence (", which may reflect
  edema") does the same for what precedes it.
- The impression is the radiologist's reading: when it hedges or denies a structure the
  findings affirmed, the findings' statement is superseded.
- An addendum supersedes what it restates from the body of the same report.
- Conference minutes that list several patients: when one item is marked as this patient, the
  other items are about someone else.
- A final read supersedes the preliminary read before it in the same document (a resident's
  after-hours read and the attending's final report): everything the preliminary read states.

Facts are frozen; each change is a copy with its assertion updated, and a superseded fact
says what superseded it (``Assertion.superseded_by``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from mednec.pipeline.assertions import fact_span
from mednec.pipeline.doctype import find_dates, find_months, infer_type, join_broken_paragraphs
from mednec.pipeline.lesion_rules import lesion_rules
from mednec.pipeline.sentmap import doc_text, sentence_map
from spacy.tokens import Doc

_STATEMENTS = ("site", "nerve", "finding")
_CLAUSE_WINDOW = 200  # a pointing-back clause is read this far at most (a long line stays linear)
_CLAUSE_END = re.compile(r"[,;.]")  # inside a sentence a line break is a wrap
_INVOLVEMENT = frozenset({"involve", "tumor", "abut", "contact", "extend", "encase", "compress", "displace"})


def _hedge_points_back(text: str, tumor_named: bool) -> bool:
    """Whether ``text`` (a sentence or a clause) points back with a hedge that questions the finding."""
    rules = lesion_rules()
    if not rules.anaphor_start.search(text) or not rules.modal_hedge.search(text):
        return False
    if rules.statement_verb is not None and rules.statement_verb.search(text):
        return False  # "This addendum replaces the statement about possible ...": it quotes the hedge it retracts
    return bool(rules.alternative.search(text)) or not tumor_named


def _offers_a_reading(text: str) -> bool:
    """Whether ``text`` offers a non-tumor reading and leaves it open ("a partial volume effect cannot
    be reliably delimited", "edema cannot be excluded")."""
    rules = lesion_rules()
    if rules.statement_verb is not None and rules.statement_verb.search(text):
        return False
    return bool(rules.modal_hedge.search(text)) and bool(rules.alternative.search(text))


def _hedged(f: Any, why: str) -> Any:
    a = f.assertion
    if not a.affirmed:
        return f
    return f.model_copy(update={"assertion": a.model_copy(update={"uncertain": True, "superseded_by": why})})


def _superseded(f: Any, why: str) -> Any:
    a = f.assertion
    if a.superseded:
        return f
    return f.model_copy(update={"assertion": a.model_copy(update={"superseded": True, "superseded_by": why})})


def _sides_meet(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b or "bilateral" in (a, b) or "midline" in (a, b)


def _source(mapping: Any, base: int, at: int) -> int:
    """Offset ``at`` of a sentence starting at ``base`` as an offset of the document as read (facts
    quote the document as read; the pipeline may have read a repaired copy)."""
    return mapping.start(base + at) if mapping is not None else base + at


def _named_at(f: Any) -> int:
    """Where the words a fact names start (its evidence quote widens them to their clause)."""
    span = fact_span(f.id)
    return span[1] if span is not None else f.evidence[0].start


# a sentence that opens a numbered or bulleted item states a finding of its own
_ENUMERATED = re.compile(r"\s*(?:\(?\d{1,2}[.)]|[-*\u2022])\s")


def _pointing_back(facts: list[Any], doc: Doc) -> list[Any]:
    """Hedges that point back to the sentence before, or to the clause before inside one sentence."""
    rules = lesion_rules()
    text = doc_text(doc)
    bounds = sentence_map(doc).bounds
    if not bounds:
        return facts
    tumor_cats = rules.rules.tumor_categories | rules.rules.generic_categories
    by_sentence: dict[int, list[int]] = {}
    for i, f in enumerate(facts):
        by_sentence.setdefault(f.sentence, []).append(i)
    tumor_in = {f.sentence for f in facts if f.kind == "diagnosis" and f.category in tumor_cats}
    tumor_starts: dict[int, list[int]] = {}
    for f in facts:
        if f.kind == "diagnosis" and f.category in tumor_cats:
            tumor_starts.setdefault(f.sentence, []).append(f.evidence[0].start)
    for v in tumor_starts.values():
        v.sort()
    out = list(facts)
    with_statements = sorted(s for s, idx in by_sentence.items() if any(facts[i].kind in _STATEMENTS for i in idx))
    mapping = doc.user_data.get("mednec_offsets")
    for k, (start, end) in enumerate(bounds):
        if end <= start:
            continue
        s_text = text[doc[start].idx: doc[end - 1].idx + len(doc[end - 1].text)]
        base = doc[start].idx
        # a sentence that names its own structure before a predicate hedge ("The signal in the
        # right acetabular roof may represent peritumoral edema") hedges it, not the sentence before
        m = rules.predicate_hedge.search(s_text) if rules.predicate_hedge is not None else None
        if m is not None:
            src_cut = _source(mapping, base, m.start())
            own = [i for i in by_sentence.get(k, ()) if out[i].kind in _STATEMENTS
                   and out[i].evidence[0].start < src_cut]
            if own:
                for i in own:
                    out[i] = _hedged(out[i], "a non-tumor origin offered in its predicate")
                continue
        # "Prior CT intradural finding is artifact": a finding whose own predicate says it is no
        # tumor no longer counts
        m = rules.predicate_never.search(s_text)
        if m is not None:
            # only the finding of its own clause: "the mass abuts the roof, and the ischial signal is
            # artifact" leaves the roof as stated
            lo = max(s_text.rfind(c, 0, m.start()) for c in ",;:") + 1
            src_lo = _source(mapping, base, lo)
            src_cut = _source(mapping, base, m.start())
            for i in by_sentence.get(k, ()):
                if out[i].kind in _STATEMENTS and src_lo <= _named_at(out[i]) < src_cut \
                        and not out[i].assertion.negated:
                    out[i] = _superseded(out[i], "its own predicate calls it no tumor")
        # a sentence that states nothing of its own, names no tumor and offers a non-tumor reading with
        # a hedge ("A partial volume effect cannot be reliably delimited here.") is about the sentence before
        own_statements = any(out[i].kind in _STATEMENTS for i in by_sentence.get(k, ()))
        # (a sentence that names a tumor hedges which tumor it is, "MPNST cannot be excluded", not the extent)
        if _hedge_points_back(s_text, k in tumor_in) or (not own_statements and k not in tumor_in
                                                         and _offers_a_reading(s_text)):
            at = bisect.bisect_left(with_statements, k)
            earlier = with_statements[max(0, at - rules.rules.anaphor_reach): at]
            for s in earlier:
                for i in by_sentence[s]:
                    if out[i].kind in _STATEMENTS:
                        out[i] = _hedged(out[i], "hedge in the next sentence")
            continue
        # inside one sentence: a clause that leaves the relation itself open ("...; contact cannot
        # be excluded") hedges the involvement its sentence states before it
        rel = rules.relation_clause.search(s_text) if rules.relation_clause is not None else None
        if rel is None and not own_statements and rules.subjectless_hedge is not None:
            rel = rules.subjectless_hedge.match(s_text)
        if rel is not None:
            src_cut = _source(mapping, base, rel.start())
            named = [i for i in by_sentence.get(k, ()) if out[i].kind in ("site", "nerve")
                     and _named_at(out[i]) < src_cut]
            own = [i for i in named if out[i].relation in _INVOLVEMENT]
            # (a structure the sentence names with no relation stated, "a thin fat plane may be present
            # between the mass and the trunk; contact can be neither confirmed nor excluded", is the one
            # whose relation is left open)
            own = own or [i for i in named if out[i].relation is None and not out[i].assertion.negated]
            for i in own:
                out[i] = _hedged(out[i], "the relation left open in the same sentence")
            # (a clause that names its own structure, "the relation to the right sciatic nerve cannot
            # be determined", leaves that structure's relation open, not the one the sentence before states)
            src_end = _source(mapping, base, rel.end())
            its_own = {out[i].concept for i in by_sentence.get(k, ())
                       if out[i].kind in ("site", "nerve") and src_cut <= _named_at(out[i]) < src_end}
            if not named and not _ENUMERATED.match(s_text):
                # a sentence that names no structure of its own and leaves the relation open
                # ("A thin fat plane may be preserved, and true contact cannot be confirmed") speaks
                # of the involvement the sentence before it states
                at = bisect.bisect_left(with_statements, k)
                for s in with_statements[max(0, at - rules.rules.anaphor_reach): at]:
                    for i in by_sentence[s]:
                        if out[i].kind in ("site", "nerve") and out[i].relation in _INVOLVEMENT \
                                and (not its_own or out[i].concept in its_own):
                            out[i] = _hedged(out[i], "the relation left open in the next sentence")
        # inside one sentence: a reading with its verb left out (", possibly perineural fibrosis or
        # neuritis") hedges what comes before it, unless the clause names a tumor ("..., likely
        # metastasis versus infection" reads the lesion's nature, not whether it is there)
        ell = rules.elliptical_reading.search(s_text) if rules.elliptical_reading is not None else None
        if ell is not None:
            src_cut = _source(mapping, base, ell.start())
            # (of its own clause: "The mass abuts the roof; adjacent marrow edema, possibly reactive"
            # reads the edema, not the abutment)
            src_lo = _source(mapping, base, max(s_text.rfind(c, 0, ell.start()) for c in ";:") + 1)
            clause = s_text[ell.start(): ell.start() + _CLAUSE_WINDOW]
            stop = _CLAUSE_END.search(clause, ell.end() - ell.start())
            tumor_word = rules.tumor_word
            if tumor_word is None or not tumor_word.search(clause[: stop.start() if stop else len(clause)]):
                for i in by_sentence.get(k, ()):
                    if out[i].kind in _STATEMENTS and src_lo <= _named_at(out[i]) < src_cut \
                            and not out[i].assertion.negated:
                        out[i] = _hedged(out[i], "a reading offered after it")
        # inside one sentence: a clause that says the study could not show it ("...; evaluation limited
        # by hardware artefact") leaves what its sentence states before it open
        lim = rules.limitation.search(s_text) if rules.limitation is not None else None
        if lim is not None and lim.start() > 0 and s_text[:lim.start()].rstrip()[-1:] in (";", ",", "-", "\u2014"):
            src_cut = _source(mapping, base, lim.start())
            for i in by_sentence.get(k, ()):
                if out[i].kind in _STATEMENTS and _named_at(out[i]) < src_cut and not out[i].assertion.negated:
                    out[i] = _hedged(out[i], "the study's limitation stated after it")
        # inside one sentence: ", which may represent edema" hedges what comes before it
        for m in rules.clause_anaphor.finditer(s_text):
            cut = m.start()
            # facts quote the document as read: compare in its offsets
            src_cut = _source(mapping, base, cut)
            clause = s_text[cut: cut + _CLAUSE_WINDOW]
            stop = _CLAUSE_END.search(clause, m.end() - cut)
            clause = clause[: stop.start()] if stop else clause
            tumor_after = bisect.bisect_left(tumor_starts.get(k, []), src_cut) < len(tumor_starts.get(k, []))
            if rules.modal_hedge.search(clause) and (rules.alternative.search(clause) or not tumor_after):
                for i in by_sentence.get(k, ()):
                    if out[i].kind in _STATEMENTS and out[i].evidence[0].start < src_cut:
                        out[i] = _hedged(out[i], "hedge in the next clause")
                break
    return out


def _restated_with_a_hedge(facts: list[Any], doc: Doc) -> list[Any]:
    """A structure affirmed in one sentence and named again, hedged, in the next sentence that
    speaks of it ("... no separating fat plane is visible. Contact with the lumbar plexus cannot
    be excluded.") is uncertain: the second sentence says how sure the first one is."""
    by_sentence: dict[int, list[int]] = {}
    for i, f in enumerate(facts):
        if f.kind in ("site", "nerve"):
            by_sentence.setdefault(f.sentence, []).append(i)
    order = sorted(by_sentence)
    out = list(facts)
    # a later sentence of the report that hedges the structure with a non-tumor origin ("acetabular
    # roof marrow signal may represent reactive edema rather than tumor") is the report's reading of
    # it, wherever it stands (a dictated report may name no impression section)
    alternative = lesion_rules().alternative
    # (its clause read across line breaks: a quote ends at a line's end, the reading does not)
    text = doc.user_data.get("mednec_source_text") or doc_text(doc)
    questioned = [g for g in facts if g.kind in ("site", "nerve") and g.assertion.uncertain
                  and not g.assertion.negated and alternative.search(_clause_text(g, text))]
    for i, f in enumerate(out):
        if f.kind in ("site", "nerve") and f.assertion.affirmed and any(
                g.sentence > f.sentence and g.concept == f.concept and _sides_meet(g.side, f.side)
                and set(g.levels) >= set(f.levels) for g in questioned):
            out[i] = _hedged(f, "questioned later in the report")
    for k, nxt in zip(order, order[1:], strict=False):
        if facts[by_sentence[k][0]].section != facts[by_sentence[nxt][0]].section:
            continue  # the impression's reading of the findings is settled by _impression_supersedes
        # (a structure the hedged sentence only names as the place of another finding, "2. ?intradural
        # component at L3", restates nothing about the structure: it states no relation of its own)
        hedged = [facts[j] for j in by_sentence[nxt] if facts[j].assertion.uncertain
                  and not facts[j].assertion.negated and not facts[j].assertion.hypothetical
                  and facts[j].relation is not None]
        for i in by_sentence[k]:
            f = out[i]
            if f.assertion.affirmed and any(g.concept == f.concept and _sides_meet(g.side, f.side)
                                            and set(g.levels) >= set(f.levels) for g in hedged):
                out[i] = _hedged(f, "restated with a hedge in the next sentence")
    return out


def _impression_supersedes(facts: list[Any]) -> list[Any]:
    """The impression's hedge or denial of a structure supersedes the findings' statement of it."""
    rules = lesion_rules().rules

    def settled(f: Any) -> bool:  # a structure, or a finding the impression settles like one
        return f.kind in ("site", "nerve") or (f.kind == "finding"
                                               and f.category in rules.impression_finding_categories)

    impression = [f for f in facts if f.section in rules.impression_sections and settled(f)]
    if not impression:
        return facts
    start = min(f.evidence[0].start for f in impression)
    by_concept: dict[str, list[Any]] = {}
    for g in impression:
        by_concept.setdefault(g.concept, []).append(g)
    out = []
    for f in facts:
        a = f.assertion
        # the body's affirmed statement, or its hedge, of what the impression reads otherwise
        hedged = a.uncertain and not (a.negated or a.historical or a.hypothetical or a.family or a.superseded)
        # (a structure merely named, "the nerve courses lateral to the mass", states no involvement
        # for the impression to read otherwise: it still names the structure)
        named_only = f.kind in ("site", "nerve") and f.relation is None
        if (settled(f) and (a.affirmed or hedged) and f.evidence[0].start < start and not named_only
                and (f.section or "none") in rules.finding_sections):
            same = [g for g in by_concept.get(f.concept, ()) if _sides_meet(g.side, f.side)
                    and set(g.levels) >= set(f.levels)]
            if same and not any(_reads_for(g) for g in same) and any(
                    _reads_against(g) and (a.affirmed or g.assertion.negated) for g in same):
                f = _superseded(f, "impression")  # a hedge yields only to the impression's denial
        out.append(f)
    return out


def _reads_for(g: Any) -> bool:
    """An affirmed involvement (a structure merely named, "supersedes the outside report with
    respect to the acetabulum", reads neither way)."""
    return g.assertion.affirmed and (g.kind == "finding" or g.relation in _INVOLVEMENT)


def _reads_against(g: Any) -> bool:
    """A hedged mention, or a denial of tumor involvement (not "no fracture of the acetabulum")."""
    a = g.assertion
    if a.historical or a.hypothetical or a.family or a.planned:
        return False
    if a.uncertain:
        return True
    if a.negated and g.kind == "finding":
        return True  # "no intradural mass": the compartment itself is denied
    if a.affirmed and g.relation == "separate":
        return True  # "a fat plane is preserved between the mass and the nerve": kept apart
    return a.negated and (g.relation in _INVOLVEMENT or bool(set(g.denied) & _INVOLVEMENT))


def _addendum_restates(facts: list[Any], doc: Doc) -> list[Any]:
    """An addendum supersedes the body's statements about the structures and findings it restates."""
    rules = lesion_rules().rules
    # a staging restatement ("Revised impression: No pulmonary metastases") is restated like a finding
    kinds = (*_STATEMENTS, "diagnosis")
    added = [f for f in facts if f.section in rules.addendum_sections and f.kind in kinds
             and (f.kind != "diagnosis" or f.category in rules.addendum_diagnosis_categories)]
    if not added:
        return facts
    start = min(f.evidence[0].start for f in added)
    by_concept: dict[str, list[Any]] = {}
    for g in added:
        # a structure the addendum only names, affirmed with no relation ("it is continuous with the L4
        # body and pedicle"), is a landmark of what it revises, not a new reading of that structure
        if g.kind in ("site", "nerve") and g.relation is None and g.assertion.affirmed and not g.denied:
            continue
        by_concept.setdefault(_restated_key(g), []).append(g)
    out = []
    for f in facts:
        # staging speaks of the patient, not of a side (a lung nodule's side is no tumor's side); a
        # structure at a level is restated at that level ("L4", not the L1 haemangioma's level)
        same = by_concept.get(_restated_key(f), ()) if f.kind in kinds and f.evidence[0].start < start else ()
        if any(f.kind == "diagnosis" or (_sides_meet(g.side, f.side) and _levels_meet(g.levels, f.levels))
               for g in same):
            f = _superseded(f, "addendum")
        out.append(f)
    return _locatives_follow(out, doc)


def _restated_key(f: Any) -> str:
    """What an addendum's statement restates: a concept, or for a nerve its nerve (the addendum's "no
    right sciatic mononeuropathy" takes back the body's "sciatic neuropathy, peroneal division
    predominant" whichever of the nerve's words each uses)."""
    if f.kind == "nerve":
        from mednec.pipeline.kb import load_kb

        region = load_kb()[f.concept].region
        if region and region not in lesion_rules().rules.shared_nerve_regions:
            return f"nerve:{region}"
    return f.concept


def _levels_meet(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether two statements' vertebral levels can be about one place (either names none, or they share one)."""
    return not a or not b or bool(set(a) & set(b))


# "the sciatic nerve at the greater sciatic notch": the words that place a structure's statement
_LOCATIVE = re.compile(r"\s+(?:at|in|within)\s+(?:the\s+|its\s+)?(?:level\s+of\s+(?:the\s+)?)?$", re.IGNORECASE)


def _locatives_follow(facts: list[Any], doc: Doc) -> list[Any]:
    """A statement an addendum takes back goes with the place its sentence names for it: "abuts the
    right sciatic nerve at the greater sciatic notch" states one contact, with the nerve, placed at
    the notch; when the addendum withdraws the contact with the nerve, the notch (the nerve's origin
    for a code) is no longer said to be in contact either."""
    text = doc_text(doc)  # a fact's id names its words in the copy the pipeline read
    taken = [(f.sentence, f.kind, span[2]) for f in facts if f.assertion.superseded_by == "addendum"
             and f.kind in ("site", "nerve") and (span := fact_span(f.id)) is not None]
    if not taken:
        return facts
    out = []
    for f in facts:
        span = fact_span(f.id)
        if (span is not None and f.kind in ("site", "nerve") and f.assertion.affirmed and any(
                sentence == f.sentence and kind == f.kind and 0 < span[1] - end <= 40
                and "\n\n" not in text[end:span[1]] and _LOCATIVE.match(text[end:span[1]])
                for sentence, kind, end in taken)):
            f = _superseded(f, "addendum")
        out.append(f)
    return out


def _final_read_supersedes(facts: list[Any], doc: Doc) -> list[Any]:
    """Every statement of a preliminary read is superseded by the final read after it."""
    rules = lesion_rules()
    text = doc.user_data.get("mednec_source_text") or doc_text(doc)  # facts quote the document as read
    prelim = rules.preliminary_heading.search(text)
    if prelim is None:
        return facts
    final = rules.final_heading.search(text, prelim.end())
    if final is None:
        return facts
    lo, hi = prelim.start(), final.start()
    return [_superseded(f, "the final read") if lo <= f.evidence[0].start < hi else f for f in facts]


def _cited_labels(facts: list[Any], doc: Doc) -> list[Any]:
    """A finding named as the label another read gave ("The component described above as intradural is
    epidural", a specimen labelled "L1 per outside CT / T12 per over-read") is cited, not stated: it
    says nothing of the patient."""
    text = doc_text(doc)  # a fact's id names its words in the copy the pipeline read
    compiled = lesion_rules()
    tumor = compiled.tumor_word
    quoted = [m.span(1) for m in compiled.cited_quote.finditer(text)]
    out = []
    for f in facts:
        span = fact_span(f.id)
        # (a plan named by the label a request or a read gave, "started as "L1 corpectomy"", plans nothing)
        if span is not None and (f.kind in _STATEMENTS or f.kind == "plan"):
            inside = next((hi for lo, hi in quoted if lo <= span[1] and span[2] <= hi), None)
            if inside is not None or compiled.cited_as.search(text[max(0, span[1] - 60): span[1]]):
                # (unless the clause then calls it tumor: "... described as roof invasion ... corresponds
                # to tumor" confirms the label)
                rest = text[inside + 1 if inside is not None else span[2]:][:200]
                stop = _CLAUSE_STOP.search(rest)
                if tumor is None or not tumor.search(rest[: stop.start() if stop else len(rest)]):
                    f = _superseded(f, "a label another read gave, cited")
        out.append(f)
    return out


_CLAUSE_STOP = re.compile(r"[.;:](?=\s|$)")


def _version_marks(text: str, words: re.Pattern[str]) -> list[int]:
    """Starts of the lines that mark a version of their report: the words open the line or stand in
    capitals ("*** AMENDED REPORT ***", even wrapped over two lines), not prose that mentions a
    version ("compared with the original report")."""
    out = []
    for m in words.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        rest = text[m.end(): line_end if line_end >= 0 else len(text)]
        # (the words end their line but for a date or a time: "preliminary report of 02/03/2026)" is prose)
        heads = not text[line_start: m.start()].strip(" \t*[(#=>-") and not rest.strip(" \t*])#=<-:.,0123456789/@")
        if heads or m.group().isupper():
            out.append(line_start)
    return out


def _versions_supersede(facts: list[Any], doc: Doc) -> list[Any]:
    """Two versions of one report in one file, each under a line that marks it ("*** AMENDED REPORT
    ***" above "*** ORIGINAL REPORT ***", whichever comes first): what the original version states
    is superseded by the amended one. A line that names both ("Final report 06/10. Prelim:
    concordant") marks no version."""
    rules = lesion_rules()
    text = doc.user_data.get("mednec_source_text") or doc_text(doc)
    early = set(_version_marks(text, rules.early_version))
    late = set(_version_marks(text, rules.late_version))
    marks = sorted((start, start in late) for start in early ^ late)
    if not any(is_late for _, is_late in marks) or all(is_late for _, is_late in marks):
        return facts
    ends = [start for start, _ in marks[1:]] + [len(text)]
    old = [(start, end) for (start, is_late), end in zip(marks, ends, strict=True) if not is_late]
    return [_superseded(f, "the amended report") if any(lo <= f.evidence[0].start < hi for lo, hi in old) else f
            for f in facts]


def _other_patients(facts: list[Any], doc: Doc) -> list[Any]:
    """Facts in another patient's item of multi-patient minutes are not about this patient."""
    rules = lesion_rules()
    text = doc.user_data.get("mednec_source_text") or doc_text(doc)
    heads = [m.start() for m in rules.case_item.finditer(text)]
    if len(heads) < 2:
        return facts
    blocks = list(zip(heads, heads[1:] + [len(text)], strict=True))
    def heading_line(lo: int, hi: int) -> str:
        eol = text.find("\n", lo)
        return text[lo: hi if eol < 0 else min(eol, hi)]

    ours = [(lo, hi) for lo, hi in blocks if rules.this_patient.search(heading_line(lo, hi))]
    if len(ours) != 1:
        return facts  # no item, or several, marked as this patient: nothing to set aside
    others = [(lo, hi) for lo, hi in blocks if (lo, hi) != ours[0]]
    return [_mark_other(f, "another patient's item of the minutes")
            if any(lo <= f.evidence[0].start < hi for lo, hi in others) else f for f in facts]


REQUESTER_CLAIM = "a claim of the requester's letter"


def restore_requester_plans(facts: Sequence[Any]) -> list[Any]:
    """The requester's letter's plan, where no source document of the case plans that part: what the
    surgeon means to do is the one thing the surgeon's letter documents first hand ("1. En bloc partial
    sacrectomy with curative intent ..."). A part the chart's own notes or board plan (en bloc, margins,
    intent, the nerve) stays theirs: the letter neither adds to it nor conflicts with it. Where the
    chart's own documents hold a part of the letter's plan only as undecided (a board that defers the
    resection "may be considered later if it progresses", declines it or makes it conditional), the
    chart is at odds with the letter's operation as a whole, and none of the letter's parts is restored."""
    source = [f for f in facts if f.kind == "plan" and f.assertion.superseded_by != REQUESTER_CLAIM]
    planned = {f.category for f in source}
    decided = {f.category for f in source if _firm(f)}
    claimed = {f.category for f in facts if f.kind == "plan" and f.assertion.superseded_by == REQUESTER_CLAIM}
    operation = set(lesion_rules().rules.operation_plans)
    undecided_operation = bool(planned & operation) and not (decided & operation)
    if undecided_operation or any(c in planned and c not in decided for c in claimed):
        return list(facts)
    out = []
    for f in facts:
        if f.kind == "plan" and f.assertion.superseded_by == REQUESTER_CLAIM and f.category not in planned:
            f = f.model_copy(update={"assertion": f.assertion.model_copy(
                update={"superseded": False, "superseded_by": None})})
        out.append(f)
    return out


def _requester_letter(facts: list[Any], doc: Doc) -> list[Any]:
    """The requester's own letter of medical necessity or request form (by its title lines): its
    statements are claims the chart's source documents must show, so they are set aside."""
    rules = lesion_rules()
    if rules.requester_letter is None or not facts:
        return facts
    text = doc.user_data.get("mednec_source_text") or doc_text(doc)
    lines = [ln for ln in text[:3000].splitlines() if ln.strip()]
    head = lines[: rules.rules.requester_letter_lines]
    titles = [ln for ln in head if rules.requester_letter.search(ln)]
    if not titles:
        # a letter to the plan that appeals its decision or asks it to approve ("Re: Appeal of denial,
        # 64712-LT", "I ask that the denial be reversed") argues for the request just as a letter of
        # medical necessity does: its subject line says so, or, in a letter, its own request
        letter_head = "\n".join(lines[: rules.rules.letter_head_lines])
        if rules.requester_subject is not None and rules.requester_subject.search(letter_head):
            titles = [m.group() for m in rules.requester_subject.finditer(letter_head)]
        elif rules.letter_opening is not None and rules.letter_opening.search(letter_head) \
                and rules.requester_ask is not None and rules.requester_ask.search(text):
            titles = head
        if titles and infer_type(lines[0]) in _RECORD_TYPES:
            return facts
    # a record that is also the letter ("OPERATIVE PLAN / LETTER OF MEDICAL NECESSITY") stays a record
    if not titles or any(infer_type(ln) in _RECORD_TYPES for ln in titles):
        return facts
    return [_superseded(f, REQUESTER_CLAIM) for f in facts]


_RECORD_TYPES = ("operative", "imaging", "pathology", "tumor_board")


def _copied_forward(facts: list[Any], doc: Doc) -> list[Any]:
    """What a block carried forward from an earlier note says, between its own marks ("<<Copied forward
    from 08/21/2025 H&P - review and edit>>" ... "<<end copied text>>"), was true then: historical."""
    rules = lesion_rules()
    if rules.copied_open is None or not facts:
        return facts
    text = doc.user_data.get("mednec_source_text") or doc_text(doc)
    spans = []
    for m in rules.copied_open.finditer(text):
        nl = text.find("\n", m.end())
        start = len(text) if nl < 0 else nl + 1
        close = rules.copied_close.search(text, start, start + 3000) if rules.copied_close else None
        spans.append((m.start(), close.start() if close else _pasted_end(text, m.start())))
    if not spans:
        return facts
    out = []
    for f in facts:
        at = _named_at(f)
        if any(lo <= at < hi for lo, hi in spans) and not f.assertion.historical:
            f = f.model_copy(update={"assertion": f.assertion.model_copy(
                update={"historical": True, "superseded_by": "carried forward from an earlier note"})})
        out.append(f)
    return out


def _pasted_elsewhere(facts: list[Any], doc: Doc) -> list[Any]:
    """What a note itself flags as another patient's ("[NOTE - paragraph below copied in error from
    another patient's record]", "The pathology paragraph above (T4 meningioma) belongs to a different
    patient"): the flag's own sentence, and the passage it points forward to, up to a closing line
    ("[end of pasted text]") or the end of that passage's paragraph, decide nothing for this patient."""
    rules = lesion_rules()
    if rules.pasted_marker is None or not facts:
        return facts
    # (a blank line OCR put inside a sentence is the line break it is: same length, offsets hold)
    text = join_broken_paragraphs(doc.user_data.get("mednec_source_text") or doc_text(doc))
    spans: list[tuple[int, int]] = []
    for m in rules.pasted_marker.finditer(text):
        line_lo = text.rfind("\n", 0, m.start()) + 1
        lead = text[line_lo:m.start()].lstrip()[:1]
        bracketed = bool(lead) and lead in "[-*(<"  # (a flag that merely opens a wrapped line is no aside)
        lo = line_lo if bracketed else max(text.rfind(". ", 0, m.start()) + 1, text.rfind("\n\n", 0, m.start()) + 1)
        # (a sentence ends at its period, at a line's end too: "...; her MRI shows no mass.\nConservative care")
        stop = _PERIOD_END.search(text, m.end())
        ends = [i for i in (text.find("\n", m.end()) if bracketed else -1, stop.start() + 1 if stop else -1,
                            text.find("\n\n", m.end())) if i >= 0]
        hi = min(ends) if ends else len(text)
        spans.append((lo, hi))
        backward = rules.pasted_backward is not None and rules.pasted_backward.search(text, lo, hi)
        if rules.pasted_forward is not None and rules.pasted_forward.search(text, lo, hi):
            # (a flag set off by marks, "*** NOTE ... below ... ***", points below its closing mark,
            # across the blank line OCR may put under it)
            start = _flag_close(text, lo, hi)
            spans.append((hi, _pasted_end(text, start)))
        elif backward:
            spans.append(_pasted_before(text, lo, hi))
        elif bracketed and (closing := _closing_line_after(text, _flag_close(text, lo, hi))) is not None:
            # a flag set off by marks with a closing line below it ("*** END OF ERRONEOUS ENTRY ***")
            # heads everything down to that line, whatever blank lines OCR put between
            spans.append((hi, closing))
        elif bracketed and _heads_a_passage(text, hi):
            # a flag set off on its own line ("*** ENTERED IN ERROR - this paragraph belongs to another
            # patient ***") with text right under it heads that passage, as "below" would say
            spans.append((hi, _pasted_end(text, hi)))
    if not spans:
        return facts
    # (where a fact's own words stand: its evidence quote may widen to a clause that starts before the flag)
    return [_mark_other(f, "a passage the note says is another patient's")
            if any(lo <= _named_at(f) < hi for lo, hi in spans) else f for f in facts]


_QUOTED_LABEL = re.compile(r"[\"\u201c']([A-Za-z][^\"\u201c\u201d']{1,60})[\"\u201d']")


def _pasted_before(text: str, lo: int, hi: int) -> tuple[int, int]:
    """The passage a flag at ``text[lo:hi]`` points back at: the paragraph that opens on the label
    the flag quotes ('The paragraph above headed "Oncology discussion"'), else the paragraph just
    before the flag's own (a paragraph ends at a blank line)."""
    for q in _QUOTED_LABEL.finditer(text, lo, hi):
        # (the label as written, whatever line wrap the flag or the heading puts inside it)
        label = r"\s+".join(map(re.escape, q.group(1).split()))
        heading = re.compile(rf"^[ \t]*{label}\s*[:\-]", re.IGNORECASE | re.MULTILINE)
        found = [m.start() for m in heading.finditer(text, 0, lo)]
        if found:
            start = found[-1]
            end = text.find("\n\n", start)
            return start, min(end if end >= 0 else lo, lo)
    # a quoted passage right before the flag ('"Completed 12 weeks of PT ... elbow."' / "*** Imported
    # paragraph belongs to a different patient ***") is that passage, whatever blank lines OCR put
    # between its lines
    before = text[:lo].rstrip()
    if before.endswith(('"', "\u201d")):
        opening = max(before.rfind('"', max(0, len(before) - 1500), len(before) - 1),
                      before.rfind("\u201c", max(0, len(before) - 1500), len(before) - 1))
        if opening >= 0:
            return opening, len(before)
    end = text.rfind("\n\n", 0, lo + 2)  # the blank line that opens the flag's own paragraph
    if end < 0:
        return lo, lo
    start = text.rfind("\n\n", 0, end)
    return (start + 2 if start >= 0 else 0), end


_PERIOD_END = re.compile(r"[.!?](?=\s|$)")


def _heads_a_passage(text: str, flag_end: int) -> bool:
    """Whether the flag ending at ``flag_end`` ends its line and a line of text follows at once."""
    eol = text.find("\n", flag_end)
    if eol < 0 or text[flag_end:eol].strip(" \t*]-=>)#") != "":
        return False
    nxt = text.find("\n", eol + 1)
    return bool(text[eol + 1: nxt if nxt >= 0 else len(text)].strip())


_FLAG_MARKS = {"***": "***", "[": "]", "<<": ">>", "==": "=="}


def _flag_close(text: str, lo: int, hi: int) -> int:
    """Where the flag that opens at ``lo`` with a mark ("***", "[") closes, at or after ``hi``; else ``hi``."""
    for mark, closing in _FLAG_MARKS.items():
        opened = text.rfind(mark, lo, hi)
        # (the mark opens a line of the flag's paragraph: "*** NOTE ...")
        if opened >= 0 and not text[text.rfind("\n", 0, opened) + 1: opened].strip():
            close = text.find(closing, hi)
            nxt_blank = text.find("\n\n", hi)
            if close >= 0 and (nxt_blank < 0 or close < nxt_blank):
                return close
    return hi


def _closing_line_after(text: str, start: int, reach: int = 2000) -> int | None:
    """The end of the first closing line ("[end of pasted text]", "*** END OF ERRONEOUS ENTRY ***") in
    the ``reach`` characters after ``start``, or None."""
    rules = lesion_rules()
    if rules.pasted_end is None:
        return None
    pos = text.find("\n", start)
    while 0 <= pos < min(len(text), start + reach):
        nl = text.find("\n", pos + 1)
        line = text[pos + 1: nl if nl >= 0 else len(text)]
        if rules.pasted_end.search(line):
            return nl if nl >= 0 else len(text)
        pos = nl
    return None


def _pasted_end(text: str, start: int) -> int:
    """Where a pasted passage that starts at ``start`` ends: at a closing line ("[end of pasted
    text]") before the next blank line after its first words, else at that blank line."""
    rules = lesion_rules()
    pos = text.find("\n", start)
    pos = len(text) if pos < 0 else pos + 1
    seen_words = False
    while pos < len(text):
        nl = text.find("\n", pos)
        line = text[pos: nl if nl >= 0 else len(text)]
        if rules.pasted_end is not None and rules.pasted_end.search(line):
            return nl if nl >= 0 else len(text)
        if not line.strip():
            if seen_words:
                return pos
        else:
            seen_words = True
        if nl < 0:
            break
        pos = nl + 1
    return len(text)


def _mark_other(f: Any, why: str) -> Any:
    """``f`` as a statement about someone else (read like a family member's: it decides nothing)."""
    if f.assertion.family:
        return f
    return f.model_copy(update={"assertion": f.assertion.model_copy(update={"family": True, "superseded_by": why})})


PAST_SCORE_CUE = "stated_for_the_past"


_CLAUSE_BREAK = re.compile(r"[.;]\s|\n\s*\n")


def _between_breaks(text: str, start: int, end: int, breaks: re.Pattern[str], reach: int, floor: int = 0) -> str:
    """``text[start:end]`` widened to the last ``breaks`` match before it and the next after it,
    at most ``reach`` characters either side (and never before ``floor``)."""
    lo, hi = _break_bounds(text, start, end, breaks, reach, floor)
    return text[lo:hi]


def _break_bounds(text: str, start: int, end: int, breaks: re.Pattern[str], reach: int,
                  floor: int = 0) -> tuple[int, int]:
    """The offsets :func:`_between_breaks` reads between."""
    lo = max(floor, start - reach, 0)
    lo = max((m.end() for m in breaks.finditer(text, lo, start)), default=lo)
    nxt = breaks.search(text, end, end + reach)
    return lo, nxt.start() if nxt else min(len(text), end + reach)


def _clause_text(f: Any, text: str) -> str:
    """The clause of a fact's first evidence span, read across line breaks (a wrapped line is no
    clause end): from the last period or semicolon before it to the next one after it."""
    # (a span that runs on to its sentence's end, "...rather than months.\n\n", ends its clause there: the
    # next paragraph, "Plan: hold it 1 week before surgery", is not its clause)
    start, end = f.evidence[0].start, f.evidence[0].end
    end = start + len(text[start:end].rstrip(" \t\n.;"))
    return _between_breaks(text, start, end, _CLAUSE_BREAK, 300)


def _near(f: Any, text: str, reach: int = 40, at: int | None = None) -> str:
    """The words right around a fact's first evidence span (or from offset ``at``, its own words),
    inside its clause (a date that far away dates the fact; one further on in a long clause dates
    another event: "ECOG 1, on osimertinib since 06/2024")."""
    start = f.evidence[0].start if at is None else at
    # a score's span may run on to the end of its clause: the phrase is the one of its number
    digit = re.search(r"\d", text[start: f.evidence[0].end])
    end = start + digit.end() if digit else f.evidence[0].end
    # before it, the phrase starts at its line too (the date of the line above is the header's)
    return _between_breaks(text, start, end, _PHRASE_BREAK, reach, floor=text.rfind("\n", 0, start) + 1)


# a comma too ends the phrase a date may qualify ("ECOG 1, on osimertinib since 06/2024")
# (never the comma inside a date: "January 20, 2026")
_PHRASE_BREAK = re.compile(r"[.;]\s|,\s(?!\d)|\n\s*\n")


_PAREN = re.compile(r"\([^()]*\)")
_WORDS = re.compile(r"[A-Za-z]+")


def _own_clause(f: Any, text: str, starts: Sequence[int]) -> str:
    """A score's clause (:func:`_clause_text`) without what a parenthesis says of another score:
    in "ECOG 3 (was ECOG 1 in September)" the "was" dates the ECOG 1, and the parenthesis is all
    the ECOG 1's clause."""
    said = _clause_text(f, text)
    span = fact_span(f.id)
    if span is None:
        return said
    lo = text.find(said, max(0, f.evidence[0].start - 300))
    if lo < 0:
        return said
    own = span[1]
    for m in _PAREN.finditer(said):
        if lo + m.start() <= own < lo + m.end():
            if len(_WORDS.findall(m.group(0))) <= 2:
                # a parenthesis that is only the score ("he was fully active (ECOG 0)") glosses the
                # clause it closes: that clause dates it
                break
            return m.group(0)  # the score stands inside the parenthesis
    others = [m for m in _PAREN.finditer(said) if any(lo + m.start() <= st < lo + m.end() for st in starts)]
    for m in reversed(others):
        said = said[: m.start()] + " " * (m.end() - m.start()) + said[m.end():]
    return said


def _dated_before(said: str, doc_date: dt.date | None) -> bool:
    """Whether a clause dates what it says before its own document, and never at or after it ("ECOG 3
    (per oncology note 12/2025)" in a note of 03/02/2026: a score observed then, carried into now)."""
    if doc_date is None:
        return False
    days = [d for _, _, d in find_dates(said)]
    months = [(y, m) for _, _, y, m in find_months(said)]
    if not days and not months:
        return False
    return all(d < doc_date for d in days) and all(ym < (doc_date.year, doc_date.month) for ym in months)


def _mark_past_scores(facts: list[Any], doc: Doc) -> list[Any]:
    """Mark each score whose clause states it for an earlier time ("Functional status (from ED
    02/11/2026): ECOG 3", 'it lists "ECOG 3" from the ED visit'); :func:`settle_scores` decides
    across the case."""
    rules = lesion_rules()
    text = doc.user_data.get("mednec_source_text") or doc_text(doc)  # evidence quotes the document as read
    starts = [span[1] for f in facts if f.kind == "score" and (span := fact_span(f.id)) is not None]
    out = []
    for f in facts:
        if f.kind == "score":
            said = _own_clause(f, text, starts)
            if (rules.score_past.search(said) or _dated_before(_near(f, text), f.document_date)) \
                    and not rules.score_current.search(said):
                f = f.model_copy(update={"cues": (*f.cues, PAST_SCORE_CUE)})
        out.append(f)
    return out


def settle_scores(facts: Sequence[Any]) -> list[Any]:
    """Across the case: a score stated for an earlier time is superseded when the chart states the
    same score, or the same measure on another scale (``score_measures``), without such a mark
    anywhere (the newest observation is then the current one)."""
    measures = lesion_rules().rules.score_measures
    scores = [f for f in facts if f.kind == "score" and f.assertion.affirmed]
    plain = {measures.get(f.category, f.category) for f in scores if PAST_SCORE_CUE not in f.cues}
    out = []
    for f in facts:
        if f.kind == "score" and measures.get(f.category, f.category) in plain and f.assertion.affirmed \
                and PAST_SCORE_CUE in f.cues:
            f = _superseded(f, "the same score stated for now elsewhere")
        out.append(f)
    return out


_NERVE_PLANS = frozenset({"nerve_sacrifice", "nerve_preservation"})


def _firm(f: Any) -> bool:
    """A decided plan: planned or stated, not denied, hedged, conditional or superseded."""
    a = f.assertion
    return not (a.negated or a.hypothetical or a.conditional or a.uncertain or a.superseded or a.family)


def settle_nerve_plans(facts: Sequence[Any]) -> list[Any]:
    """Across the case: what is planned for a nerve is the latest decided plan. An earlier plan to
    sacrifice a nerve (or to keep it) is superseded by a firm plan of the other kind for the same
    nerve and side in a later-dated document ("en bloc resection will likely include sacrifice of
    the femoral nerve" at the July board; "we now plan to preserve the right femoral nerve" after
    the October MRI). Documents of one date have no order: both plans stand.

    A plan stated on another's word ("sciatic nerve to be preserved per Dr. Vance" in a navigator's
    summary) is a restatement: it supersedes nothing, and the planner's own plan for the same nerve,
    firm or conditional, of whatever date, supersedes it."""
    plans = [f for f in facts if f.kind == "plan" and f.concept in _NERVE_PLANS and f.target
             and f.document_date is not None]
    planned = {id(f) for f in plans}  # by identity: comparing models field by field for every fact is quadratic
    later: dict[tuple[str, str], list[Any]] = {}
    own: dict[str, list[Any]] = {}
    for f in plans:
        if _firm(f) and not f.assertion.reported:
            later.setdefault((f.concept, f.target), []).append(f)
        if not f.assertion.reported and not f.assertion.negated and not f.assertion.superseded:
            own.setdefault(f.target, []).append(f)
    out = []
    for f in facts:
        if id(f) in planned and not f.assertion.negated:
            other = "nerve_preservation" if f.concept == "nerve_sacrifice" else "nerve_sacrifice"
            if any(g.document_date > f.document_date and _sides_meet(g.side, f.side)
                   for g in later.get((other, f.target), ())):
                f = _superseded(f, "a later plan for the same nerve")
            elif f.assertion.reported and any(g.document != f.document and _sides_meet(g.side, f.side)
                                              for g in own.get(f.target, ())):
                f = _superseded(f, "the planner's own plan for the same nerve")
        out.append(f)
    return out


def _current_scores(facts: list[Any], doc: Doc) -> list[Any]:
    """A score stated for the past beside the same score stated as current is history (each read in
    its clause, across line breaks)."""
    rules = lesion_rules()
    text = doc.user_data.get("mednec_source_text") or doc_text(doc)
    scores = [f for f in facts if f.kind == "score"]
    said = {f.id: _clause_text(f, text) for f in scores}
    # two scores of one scale in one clause ("ECOG 3 on admission from pain, ECOG 2 today"): each is
    # read in its own phrase, or both would be current and past at once
    # (a fact's id names its words in the copy the pipeline read; its evidence, the document as read)
    mapping = doc.user_data.get("mednec_offsets")
    named = {f.id: _source(mapping, 0, span[1]) for f in scores if (span := fact_span(f.id)) is not None}
    for f in scores:
        lo, hi = _break_bounds(text, f.evidence[0].start, f.evidence[0].end, _CLAUSE_BREAK, 300)
        if f.id in named and any(g is not f and g.category == f.category and g.value != f.value
                                 and g.id in named and lo <= named[g.id] < hi for g in scores):
            said[f.id] = _near(f, text, at=named[f.id])
    current = {f.category for f in facts if f.kind == "score" and rules.score_current.search(said[f.id])
               and not rules.score_past.search(said[f.id])}
    if not current:
        return facts
    out = []
    for f in facts:
        if (f.kind == "score" and f.category in current and not rules.score_current.search(said[f.id])
                and rules.score_past.search(said[f.id]) and not f.assertion.historical):
            f = f.model_copy(update={"assertion": f.assertion.model_copy(
                update={"historical": True, "superseded_by": "a current statement of the same score"})})
        out.append(f)
    return out


# a question mark that ends a question: followed by a space, a closing quote or bracket, or the end
_QUESTION_END = re.compile(r"\?(?=[\s\"\u201d')\]]|$)")
# where the question opens: after a period, a colon, an opening quote or a line's start
_QUESTION_OPENS = re.compile(r"[.:\"\u201c\n](?=[^.:\"\u201c\n]*$)")


def _questions(facts: list[Any], doc: Doc) -> list[Any]:
    """What a question names is asked, not stated ('Question from Dr. B: "Is the pubis/ischium involved
    at any time point?"'): its findings decide nothing, whatever the answer (an answer in the same
    sentence, "Answer: No", denies them first, and a denial is kept). A "?" glued to a word
    ("?intradural extension") is a hedge, no question."""
    text = doc.user_data.get("mednec_source_text") or doc_text(doc)
    asked: list[tuple[int, int]] = []
    for m in _QUESTION_END.finditer(text):
        window = text[max(0, m.start() - 300): m.start()]
        opens = _QUESTION_OPENS.search(window.rstrip())
        lo = m.start() - len(window) + (opens.end() if opens else 0)
        # a question reads over a wrapped line: its opening is the nearest period, colon or quote
        while opens is not None and window[opens.start()] == "\n":
            rest = window[: opens.start()]
            opens = _QUESTION_OPENS.search(rest)
            lo = m.start() - len(window) + (opens.end() if opens else 0)
        asked.append((lo, m.start()))
    if not asked:
        return facts
    asked.sort()
    los = [lo for lo, _ in asked]

    def in_question(at: int) -> bool:
        # (the questions found nearest before ``at``: bisection keeps a long chart linear)
        k = bisect.bisect_right(los, at)
        return any(lo <= at < hi for lo, hi in asked[max(0, k - 3): k])

    return [_superseded(f, "a question asked, not a finding stated")
            if f.kind in _STATEMENTS and not f.assertion.negated and in_question(_named_at(f)) else f for f in facts]


def _relabelled_levels(facts: list[Any], doc: Doc) -> list[Any]:
    """A re-read that renumbers a vertebra ("the collapsed vertebra is T12, not L1", "all references
    to L1 above should read T12") moves what the report said before it of the old level to the new
    one: the statement stands, at the level the recount gives (the quote keeps the words as written)."""
    patterns = lesion_rules().level_relabels
    if not patterns:
        return facts
    text = doc_text(doc)
    mapping = doc.user_data.get("mednec_offsets")
    # (each renumbering from its first statement on: the words after it already count anew, "the
    # vertebra is T12, not L1. L1 is normal" speaks of the real L1)
    first: dict[tuple[str, str], int] = {}
    for pattern in patterns:
        for m in pattern.finditer(text):
            old, new = m.group("old").upper(), m.group("new").upper()
            at = _source(mapping, 0, m.start())
            if old != new and at < first.get((old, new), len(text) + 1):
                first[(old, new)] = at
    if not first:
        return facts
    out = []
    for f in facts:
        levels = getattr(f, "levels", ())
        if levels:
            for (old, new), at in first.items():
                if _named_at(f) < at and old in levels:
                    levels = tuple(dict.fromkeys(new if lv == old else lv for lv in levels))
            if levels != f.levels:
                f = f.model_copy(update={"levels": levels})
        out.append(f)
    return out


_MARGIN_PLANS = frozenset({"wide_margin", "en_bloc"})


def _margin_around_a_sacrifice(facts: list[Any], doc: Doc) -> list[Any]:
    """A margin denied only around a structure the document plans to sacrifice is conditional.

    "The sciatic nerve is encased in the notch; a wide margin is not possible around it. The left
    sciatic nerve will be resected en bloc with the specimen": the wide margin is impossible only were
    the nerve kept; the plan that takes the nerve is the wide resection (``structure_margin``)."""
    pattern = lesion_rules().structure_margin
    if pattern is None or not any(f.kind == "plan" and f.concept == "nerve_sacrifice" and _firm(f) for f in facts):
        return facts
    text = doc_text(doc)
    out = []
    for f in facts:
        span = fact_span(f.id)
        if (f.kind == "plan" and f.category in _MARGIN_PLANS and f.assertion.negated and span is not None
                and pattern.match(text, span[2], span[2] + 120) is not None):
            a = f.assertion
            f = f.model_copy(update={"assertion": a.model_copy(update={
                "conditional": True, "superseded_by": "a margin denied only around a structure the plan sacrifices"})})
        out.append(f)
    return out


def read_discourse(facts: Sequence[Any], doc: Doc, doc_type: str) -> list[Any]:
    """The facts of one document with pointing-back hedges, the impression and addenda applied."""
    facts = _relabelled_levels(list(facts), doc)
    out = _mark_past_scores(_current_scores(_restated_with_a_hedge(_pointing_back(_questions(list(facts), doc), doc),
                                                                   doc), doc), doc)
    out = _addendum_restates(out, doc)
    out = _versions_supersede(_final_read_supersedes(_cited_labels(out, doc), doc), doc)
    out = _other_patients(out, doc)
    out = _pasted_elsewhere(out, doc)
    out = _requester_letter(out, doc)
    out = _copied_forward(out, doc)
    out = _margin_around_a_sacrifice(out, doc)
    if doc_type == "imaging":
        out = _impression_supersedes(_part_free_part_open(out, doc.user_data.get("mednec_source_text")
                                                          or doc_text(doc)))
    return out


def _part_free_part_open(facts: list[Any], text: str = "") -> list[Any]:
    """A report that denies tumor in one part of a structure and leaves another part of it open
    ("The left ischium and inferior pubic ramus show normal marrow signal" beside "signal extends
    into the superior pubic ramus ... may represent reactive marrow edema") has not called the
    structure free: its denial of that structure is left open too."""
    # (a part an addendum has since settled is open no longer; a part another read claimed, cited to be
    # doubted ("the preliminary CT read of extension to the roof is not confirmed"), is no open part)
    back = lesion_rules().back_reference
    open_parts = {(f.concept, f.side) for f in facts if f.kind == "site" and f.assertion.uncertain
                  and not f.assertion.negated and not f.assertion.superseded and f.relation in _INVOLVEMENT
                  and not (text and back.search(_clause_text(f, text)))}
    if not open_parts:
        return facts
    out = []
    for f in facts:
        if f.kind == "site" and f.assertion.negated and not f.assertion.uncertain and any(
                concept == f.concept and _sides_meet(side, f.side) for concept, side in open_parts):
            a = f.assertion.model_copy(update={"uncertain": True, "superseded_by": "another part of it left open"})
            f = f.model_copy(update={"assertion": a})
        out.append(f)
    return out
