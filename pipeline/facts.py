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
from typing import Any

from mednec.models import EvidenceSpan, FactAdapter
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
from mednec.pipeline.assertions import _addendum_supersedes, _assertion, _share_hedges, fact_span, share_plans
from mednec.pipeline.discourse import read_discourse
from mednec.pipeline.doctype import letterhead_ranges
from mednec.pipeline.kb import KnowledgeBase, load_kb
from mednec.pipeline.nonfindings import (
    _height_mark,
    _in_title,
    _label_of_line,
    descriptor_use,
    in_institution_name,
    locates_next_structure,
    made_of_no_tumor,
    names_a_topic,
)
from mednec.pipeline.packets import embedded_reports, pasted_results
from mednec.pipeline.relations import _denied_relations, _relation
from mednec.pipeline.sentence_index import SentenceIndex, member_rows
from mednec.pipeline.sentmap import doc_text, sent_of, sent_start, sentence_map, source_span
from mednec.pipeline.subjects import Subjects, plan_target_member
from mednec.pipeline.targets import ALL_GROUP, GROUP
from spacy.tokens import Doc, Span

Fact = DiagnosisFact | SiteFact | NerveFact | TherapyFact | PlanFact | FindingFact | ScoreFact

_LEVEL_RE = re.compile(r"\b([LSCT])(\d{1,2})(?:\s*(?:-|through|to)\s*([LSCT])?(\d{1,2}))?\b")
_LEVEL_ORDER = [f"C{i}" for i in range(1, 9)] + [f"T{i}" for i in range(1, 13)] + \
    [f"L{i}" for i in range(1, 6)] + [f"S{i}" for i in range(1, 6)]
# A pathology report's words are a tissue diagnosis only inside its diagnosis, addendum,
# comment or microscopic sections: its clinical history repeats the referrer's suspicion.
_PLAN_SECTIONS = frozenset({"plan", "assessment_plan"})
_TISSUE_SECTIONS = frozenset({"diagnosis", "addendum", "comment", "microscopic", "impression"})
_SEPARATE = "separate"
_NERVE_PLANS = frozenset({"nerve_sacrifice", "nerve_preservation"})
_STRUCTURES = frozenset({"SITE", "NERVE"})
# a plan word followed by a pronoun ("sacrificing it", "preserve them") points back at a nerve
_PRONOUN = re.compile(r"\s+(?:it|them)\b", re.IGNORECASE)


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


_CLAUSE_STOPS = ";:\n"
_MAX_CLAUSE = 180


def _is_label(span: Span) -> bool:
    """Whether ``span`` is a label: its words followed by a colon ("Conservative care: ...")."""
    text = doc_text(span.doc)
    return text[span.end_char: span.end_char + 3].lstrip(" \t").startswith(":")


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
    start, end, text = source_span(doc, *_clause(doc, span, start, end))
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


def _clear_clause(doc: Doc, span: Span) -> bool:
    """Whether the clause after a sub-heading's colon says only that the structure is normal."""
    from mednec.pipeline.lesion_rules import lesion_rules

    text = doc_text(doc)
    colon = text.find(":", span.end_char)
    end = sent_of(span).end_char
    clause = re.sub(r"[^a-z ]", " ", text[colon + 1:end].lower()).split()
    words = lesion_rules().rules.label_clear_words
    return bool(clause) and len(clause) <= 4 and clause[0] in words


def _name_part(text: str, span: Span) -> bool:
    """Whether a level-like token is part of a hyphenated name ("PD-L1", "anti-T1"), not a level:
    a hyphen joins it to a word, where a level range joins it to a level ("T12-L1")."""
    i = span.start_char
    return i >= 2 and text[i - 1] == "-" and text[i - 2].isalpha()


def _nerve_under_discussion(rows: dict, s_start: int, section: str | None, keys: list[int]) -> str | None:
    """The first nerve the nearest earlier sentence of the same section names (at most two sentences
    back): the nerve a plan that names none acts on. ``keys``: the sentence starts of ``rows``, sorted."""
    import bisect

    k = bisect.bisect_left(keys, s_start)
    earlier = keys[max(0, k - 2): k][::-1]
    for k in earlier:
        nerves = [m for m in rows[k] if m.label == "NERVE" and not m.negated]
        if nerves:
            first = min(nerves, key=lambda m: m.start)
            return first.concept if _section(first.span) == section else None
    return None


def _finding_label(doc: Doc, span: Span) -> bool:
    """Whether ``span`` opens a finding used as a line's label: "Greater trochanteric marrow signal
    change: ..." (a colon after at most six more words, no sentence punctuation before it)."""
    text = doc_text(doc)
    line_end = text.find("\n", span.end_char)
    colon = text.find(":", span.end_char, line_end if line_end >= 0 else len(text))
    if colon < 0:
        return False
    between = text[span.end_char:colon]
    head = re.sub(r"^\s*(?:\d{1,2}[.)]|[-*\u2022])?\s*", "", text[text.rfind("\n", 0, span.start_char) + 1:
                                                                  span.start_char])
    return (0 < len(between.split()) <= 6 and not re.search(r"[.;,]", between) and len(head.split()) <= 3
            and not re.search(r"[.;,:]", head))


def _first_tumor_after(doc: Doc, span: Span, members: list[Span], kb: KnowledgeBase) -> Span | None:
    colon = doc_text(doc).find(":", span.end_char)
    after = [s for s in members if s.start_char > colon and kb[s._.concept].label == "DIAGNOSIS"]
    return min(after, key=lambda s: s.start) if after else None


def _named_metastatic(span: Span, category: str | None) -> bool:
    """Whether a cancer is named metastatic inside its noun phrase ("metastatic squamous cell
    carcinoma"): a word of ``named_metastatic`` a few words before it, no punctuation between."""
    from mednec.pipeline.lesion_rules import lesion_rules

    rule = lesion_rules().rules.named_metastatic
    if category not in rule.categories:
        return False
    words = 0
    for k in range(span.start - 1, sent_of(span).start - 1, -1):
        tok = span.doc[k]
        # a wrap inside the noun phrase ("metastatic" / "squamous cell carcinoma") is no break; a
        # blank line or a mark is
        if tok.is_space:
            if tok.text.count("\n") > 1:
                return False
            continue
        if tok.is_punct or tok.whitespace_.count("\n") > 1:
            return False
        if tok.lower_ in rule.words:
            return True
        words += 1
        if words >= rule.window:
            return False
    return False


def _plain_film(text: str) -> bool:
    """Whether a report's title lines name a plain radiograph ("XR CHEST PA AND LATERAL", "Chest
    X-ray, 2 views") and no cross-sectional study."""
    from mednec.pipeline.lesion_rules import lesion_rules

    rules = lesion_rules()
    title = "\n".join([ln for ln in text[:1500].splitlines() if ln.strip()][:4])
    return bool(rules.plain_film.search(title)) and not rules.cross_section.search(title)


_CLAUSE_MARKS = frozenset({";", ".", ":"})


def _touching(doc: Doc, m: Any, first: int, last: int) -> bool:
    """Whether mention ``m`` touches the tokens ``first:last``, across a word or a comma but not a
    clause mark."""
    after = m.start <= last or (m.start == last + 1 and doc[last].text not in _CLAUSE_MARKS)
    before = m.end >= first or (m.end == first - 1 and doc[first - 1].text not in _CLAUSE_MARKS)
    return after and before


def extract_facts(doc: Doc, document: str, doc_type: str, doc_date: dt.date | None) -> list[Fact]:
    """Typed facts of one processed document (the pipeline of :func:`mednec.pipeline.build`)."""
    kb = load_kb()
    sent_index, members = _sentence_context(doc)
    rows = member_rows(members, kb)
    sentences: dict[int, SentenceIndex] = {}
    subjects: dict[int, Subjects] = {}
    text = doc_text(doc)
    letterhead = letterhead_ranges(text)
    # a later report the sender put in the same file (an outside operative note, a rule line, then
    # the pathology of its specimen) is read as the report it is, of its own date
    # so is a study result an EHR pasted into a note under its own title, to the note's next section
    parts = [(lo, hi, kind, dt.date.fromisoformat(day) if day else doc_date)
             for lo, hi, kind, day in [*pasted_results(text, doc_type), *embedded_reports(text)[1:]]]
    whole = (doc_type, doc_date)
    # a plain radiograph is no metastatic work-up (POLICY A5 names chest CT, PET-CT or bone scan): its
    # facts carry the cue, so staging criteria can tell a clear chest film from a clear chest CT
    film = ("radiograph",) if doc_type == "imaging" and _plain_film(text) else ()
    facts: list[Fact] = []
    kept = list(doc.spans[GROUP]) if GROUP in doc.spans else []
    from mednec.pipeline.lesion_rules import lesion_rules

    generic = lesion_rules().rules.generic_categories  # tumor nouns that name no histology ("mass")
    kept_starts = [s.start for s in kept]  # (sorted: the span group is in document order)
    nerve_sentences = sorted(rows)
    for span in kept:
        doc_type, doc_date = next(((kind, day) for lo, hi, kind, day in parts if lo <= span.start_char < hi), whole)
        concept = kb[span._.concept]
        if concept.label == "DIAGNOSIS" and _named_metastatic(span, concept.category):
            concept = kb["metastasis"]
        if concept.label == "CUE" or any(a <= span.start_char < b for a, b in letterhead) or _in_title(span):
            continue
        if concept.concept == "spinal_level" and (_height_mark(span) or _name_part(text, span)):
            continue
        if concept.label == "FINDING" and descriptor_use(span):
            continue
        if concept.label == "DIAGNOSIS" and in_institution_name(span):
            continue  # "FAX TO: Tri-County Regional Sarcoma & Spine Center": a name, not the patient's
        if concept.label == "DIAGNOSIS" and concept.category in generic and made_of_no_tumor(span):
            continue  # "a 3.1 cm mass of mature heterotopic ossification" is no tumor
        section = _section(span)
        assertion = _assertion(span, section, doc_date, doc_type)
        if assertion.negated and concept.label == "SITE" and \
                locates_next_structure(span, kept, _STRUCTURES, kept_starts):
            # "The sacral neural foramina are clear": the denial is the foramina's; a clear part says
            # nothing of the bone it runs through (its involvement, affirmed, still places the tumor)
            continue
        relation, modifier = _relation(span, kb)
        if relation is not None and concept.label in _STRUCTURES and names_a_topic(span):
            relation, modifier = None, None  # "replaces the brachial plexus statements": a topic, no finding
        if concept.label in ("SITE", "NERVE") and _label_of_line(doc, span):
            # A sub-heading names the structure the clause after its colon describes.
            # Only a denial carries over: "Spine: the mass abuts L3" says nothing about the spine
            # as a whole, while "Sacrum: no metastatic disease" clears it.
            # "Greater trochanter: normal." clears it too: the clause is only a normal finding
            head = _first_tumor_after(doc, span, members.get(sent_start(span), []), kb)
            if head is not None and head._.is_negated:
                assertion, relation, modifier = _assertion(head, _section(head), None, doc_type), "tumor", None
            elif head is not None and head._.is_uncertain:
                # "Greater trochanter: ... tumor involvement cannot be excluded": the structure's
                # involvement is what the clause leaves open
                assertion = assertion.model_copy(update={"uncertain": True})
                relation, modifier = "tumor", None
            elif head is None and _clear_clause(doc, span):
                assertion, relation, modifier = assertion.model_copy(update={"negated": True}), "tumor", None
            elif concept.concept in lesion_rules().rules.level_label_concepts:
                # "T12: enhancing tumor replaces the vertebral body ...": a level heading its findings
                # places them (what its sentence says is about that level), and asserts no relation
                relation, modifier = None, None
            else:
                continue
        elif concept.label in ("SITE", "NERVE") and not assertion.uncertain and _finding_label(doc, span):
            # "2. Greater trochanteric marrow signal change: reactive oedema versus tumour
            # infiltration, indeterminate": a finding named as a label is what its answer makes of
            # it; a hedged tumor there leaves the structure's involvement open
            head = _first_tumor_after(doc, span, members.get(sent_start(span), []), kb)
            if head is not None and head._.is_uncertain:
                assertion = assertion.model_copy(update={"uncertain": True})
        s_start = sent_start(span)
        own, first, last = span._.concept, span.start, span.end
        sent = sentences.get(s_start)
        if sent is None:
            sent = sentences[s_start] = SentenceIndex(rows.get(s_start, []))
        related, cues, related_affirmed = sent.related(own, first, last), sent.cues + film, sent.affirmed_except(own)
        if concept.label in ("SITE", "NERVE"):
            levels = parse_levels(span.text)
        elif concept.label == "PLAN":
            # the roots a plan names ("S4 and S5 roots will be sacrificed", "the S4-S5 sacrifice"):
            # root and level mentions touching its span, across a word or a comma but not a clause
            # mark ("S1, S2 and S3 roots to be preserved; S4, S5 ... taken": S4 is the next clause's)
            roots = sent.co(own, first, last, "nerve_root") + sent.co(own, first, last, "spinal_level")

            levels = tuple(dict.fromkeys(lv for m in roots if _touching(doc, m, first, last)
                                         for lv in parse_levels(m.span.text)))
        else:
            levels = ()
        target = None
        if concept.label == "PLAN" and concept.category in _NERVE_PLANS:
            sent_span = sent_of(span)
            target, named = plan_target_member(text, rows.get(s_start, []), span.start_char, span.end_char,
                                               sent_span.start_char, sent_span.end_char)
            if target == "nerve_root" and not levels and named is not None:
                levels = parse_levels(named.span.text)  # "the right C6 root will be ... preserved"
            if target is None and levels:
                target = "nerve_root"  # "the S4-S5 sacrifice": the roots of those levels
            nerves = {m.concept for m in rows.get(s_start, []) if m.label == "NERVE"}
            if target is None and len(nerves) == 1 and _PRONOUN.match(text, span.end_char):
                # "The sciatic nerve runs along the tumour; ... sacrificing it would mean a flail foot":
                # the pronoun points back at the one nerve its sentence names
                target = next(iter(nerves))
            elif target is None and not nerves:
                # "Goal is gross total resection with preservation of all functional fascicles": a plan
                # whose sentence names no nerve keeps (or takes) the nerve the plan before it names
                target = _nerve_under_discussion(rows, s_start, section, nerve_sentences)
        subject = None
        if concept.label in ("SITE", "NERVE", "FINDING"):
            subj = subjects.get(s_start)
            if subj is None:
                sent_span = sent_of(span)
                subj = subjects[s_start] = Subjects(text, rows.get(s_start, []), sent_span.start_char,
                                                    sent_span.end_char)
            subject = subj.subject(first, last, span.start_char)
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
            "subject": None if subject is None else
            f"{document}:{subject.span.start_char}-{subject.span.end_char}:{subject.concept}",
            "subject_category": None if subject is None else subject.category,
            "target": target,
            "evidence": (_evidence(doc, span, modifier, document, section),),
        }
        facts.append(_typed(span, concept, base, doc_type, section, cues, doc_date, rows.get(s_start, [])))
    facts = _parts_in_parenthesis(facts, text)
    return read_discourse(share_plans(_share_hedges(_addendum_supersedes(facts))), doc, whole[0])


def _parts_in_parenthesis(facts: list[Fact], text: str) -> list[Fact]:
    """Structures a parenthesis lists right after a structure are its parts and share what is said
    of it: "lesion of the right innominate bone (ilium, acetabulum and superior pubic ramus)"
    involves each of them. Only a structure with no relation of its own takes one."""
    by_end = {}
    for f in facts:
        if f.kind == "site" and f.relation and not f.assertion.negated and (span := fact_span(f.id)) is not None:
            by_end[span[2]] = f
    if not by_end:
        return facts
    out: list[Fact] = []
    for f in facts:
        span = fact_span(f.id)
        if f.kind == "site" and f.relation is None and not f.assertion.negated and span is not None:
            opened = text.rfind("(", max(0, span[1] - 120), span[1])
            if opened >= 0 and ")" not in text[opened:span[1]] and ";" not in text[opened:span[1]]:
                head = by_end.get(len(text[:opened].rstrip()))
                if head is not None and head.sentence == f.sentence:
                    f = f.model_copy(update={"relation": head.relation, "subject": head.subject,
                                             "subject_category": head.subject_category})
        out.append(f)
    return out


def _own_count(span: Span, quantity: Any, rows: list[Any]) -> bool:
    """Whether a cycle count of the sentence is this mention's: in its clause (no semicolon between), and
    not the number of another therapy mention stated as planned, hypothetical or negated ("Surgery
    will follow, after cycle 2 of MAP": the 2 is the planned cycle's, not MAP cycles given)."""
    doc = span.doc
    lo, hi = sorted((span.start_char, doc[quantity.start].idx))
    if ";" in doc_text(doc)[lo:hi]:
        return False
    return not any(m.label == "THERAPY" and m.quiet and m.start < quantity.end and quantity.start < m.end
                   and not (m.start == span.start and m.end == span.end) for m in rows)


def _typed(span: Span, concept: Any, base: dict[str, Any], doc_type: str, section: str | None,
           cues: tuple[str, ...], doc_date: dt.date | None, rows: list[Any] = ()) -> Fact:
    label = concept.label
    if label == "DIAGNOSIS":
        # (a report with no headings states its diagnosis under none: "core biopsy: UPS, high grade")
        tissue = (doc_type == "pathology" and (section is None or section in _TISSUE_SECTIONS)) or "tissue" in cues
        return DiagnosisFact(**base, category=concept.category, tissue=tissue, size_mm=q.size_of(span))
    if label == "SITE":
        return SiteFact(**base, region=concept.region)
    if label == "NERVE":
        return NerveFact(**base, region=concept.region)
    if label == "THERAPY":
        cyc = wk = None
        wk_cmp = "="
        if concept.quantity == "cycles":
            # (a plan's "Local control at week 10, after 2 courses of MAP" counts courses ahead)
            found = [x for x in q.cycles(span, future=section in _PLAN_SECTIONS) if _own_count(span, x, rows)]
            cyc = max((x.value for x in found), default=None)
            if any(x.done_of_planned and x.value == cyc for x in found) and base["assertion"].planned:
                # "5 of 6 planned cycles given": what was planned is the total; the count was given
                base = {**base, "assertion": base["assertion"].model_copy(update={"planned": False})}
        elif concept.quantity == "weeks" and _is_label(span):
            # "Conservative care: sling for 6 weeks (fracture care); PT for 4 weeks": each item keeps its own;
            # a label's own course comes before any other therapy named after it ("Physical therapy: 3
            # visits over 11 days", "PT: 8 weeks, no relief")
            # ("Conservative care:" is a list's heading: its items are what was given, never its course)
            others = [m.start for m in rows if m.label == "THERAPY" and m.start >= span.end] \
                if concept.category not in q.quantity_config().list_heading_categories else [span.end]
            first_other = min(others, default=None)
            own = [x for x in q.durations(span) if x.start >= span.end and (first_other is None or x.end <= first_other)
                   and ";" not in doc_text(span.doc)[span.end_char: span.doc[x.start].idx]]
            if own:
                wk, wk_cmp = own[0].value, own[0].comparator
        elif concept.quantity == "weeks":
            found = q.durations(span)
            if found:
                near = min(found, key=lambda x: abs(x.start - span.start))
                wk, wk_cmp = near.value, near.comparator
            else:
                since = q.range_duration(span) or q.since_duration(span, doc_date)
                wk = since.value if since else None
        return TherapyFact(**base, category=concept.category, cycles=cyc, weeks=wk, weeks_comparator=wk_cmp)
    if label == "PLAN":
        return PlanFact(**base, category=concept.category)
    if label == "SCORE":
        if concept.value is not None:  # a score stated by its definition: the words are the value
            return ScoreFact(**base, category=concept.category, value=concept.value)
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
            start, end, text = source_span(doc, *_clause(doc, span, start, end))
            ev = base["evidence"][0]
            base = {**base, "evidence": (EvidenceSpan(document=ev.document, start=start, end=end,
                                                      text=text, section=ev.section),)}
        return ScoreFact(**base, category=concept.category, value=quantity.value, comparator=quantity.comparator,
                         unit=quantity.unit)
    return FindingFact(**base, category=concept.category)


def facts_to_json(facts: list[Fact]) -> list[dict[str, Any]]:
    """Facts as JSON-ready dicts (for debugging and the ``facts`` CLI command)."""
    return [FactAdapter.dump_python(f, mode="json") for f in facts]
