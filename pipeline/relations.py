"""The relation a mention stands in to the tumor: the nearest REL_ cue of ConText.

A cue that is itself denied ("not encased") or hedged ("possible contact") states no
relation; the denied ones are kept apart so criteria can read "abuts without invasion".
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from mednec.pipeline.kb import KnowledgeBase
from mednec.pipeline.resources import load_yaml, rule_cache
from mednec.pipeline.sentmap import sent_of, sent_start, words_after, words_before
from pydantic import BaseModel, ConfigDict
from spacy.tokens import Doc, Span


class _RelationNegation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    window: int
    negators: list[str]
    hedges: list[str] = []
    landmark: str = r"(?!)"
    undone_after: list[str] = []
    partial: list[str] = []
    encased_over_degrees: int = 181
    extent_only: list[str] = []
    benign_agents: list[str] = []
    list_window: int = 0
    list_breakers: list[str] = []
    injury_words: frozenset[str] = frozenset()
    injury_nouns: frozenset[str] = frozenset()


@rule_cache
def relation_negation_config() -> _RelationNegation:
    return load_yaml("relation_negation.yaml", _RelationNegation)


def _denied(doc: Doc, start: int, first: int) -> bool:
    """Whether a denial stands right before the cue at token ``start``, or opens the list the cue is
    an item of ("without a mass, cortical destruction or enhancement of tumor")."""
    cfg = relation_negation_config()
    if any(t.lower_ in cfg.negators for t in words_before(doc, start, first, cfg.window)):
        return True
    listed = False
    for t in reversed(words_before(doc, start, first, cfg.list_window)):
        if t.text in (",", "or", "and", "nor", "/"):
            listed = True
        elif t.text in (";", ":", ".", "(", ")") or t.lower_ in cfg.list_breakers:
            return False
        elif t.lower_ in cfg.negators:
            return listed
    return False


def _hedged(doc: Doc, start: int, first: int) -> bool:
    """Whether a hedge word stands right before the cue at token ``start``. A hedge inside a
    parenthesis closed before the cue is the aside's own: "sarcoma (myxofibrosarcoma suspected) with
    invasion of the tuberosity" hedges the histology, not the invasion."""
    cfg = relation_negation_config()
    before = words_before(doc, start, first, cfg.window)
    closed = max((k for k, t in enumerate(before) if t.text in (")", "]")), default=-1)
    return any(t.lower_ in cfg.hedges for t in before[closed + 1:])


_COORDINATORS = frozenset({"and", "or", ",", "/", "&"})
_COORDINATION_REACH = 4  # words between two coordinated cues ("thickening and T2 hyperintensity")


def _hedged_cues(span: Span) -> set[tuple[int, int]]:
    """The relation cues of ``span`` a hedge leaves open: a modal right before the cue ("possible
    contact"), or before the cue it is coordinated with ("possible mild thickening and T2
    hyperintensity of the trunks": the hedge governs the whole coordinated phrase)."""
    doc = span.doc
    first = sent_start(span)
    return {m.modifier_span for m in getattr(span._, "modifiers", ()) if m.category.startswith("REL_")
            and (_hedged(doc, m.modifier_span[0], first) or _coordinated_hedge(doc, m.modifier_span[0], first))}


@rule_cache
def _cue_word() -> re.Pattern[str]:
    from mednec.pipeline.context import relation_rule_specs  # (the cue patterns, read once)

    return re.compile("|".join(f"(?:{r.pattern or re.escape(r.literal)})" for r in relation_rule_specs()
                               if r.category != "REL_TUMOR"), re.I)


def _coordinated_hedge(doc: Doc, start: int, first: int, depth: int = 0) -> bool:
    """Whether the cue at token ``start`` is coordinated with a hedged cue before it: "and" or "or"
    within a few words, the word before the coordinator a relation cue itself, and that cue hedged
    (or coordinated with one)."""
    before = words_before(doc, start, first, _COORDINATION_REACH)
    at = max((k for k, t in enumerate(before) if t.lower_ in _COORDINATORS), default=None)
    if at is None or at == 0 or any(t.text in {".", ";", ":"} for t in before[at:]):
        return False
    cue = before[at - 1]
    if not _cue_word().fullmatch(cue.text):
        return False
    return _hedged(doc, cue.i, first) or (depth < _COORDINATION_DEPTH and
                                           _coordinated_hedge(doc, cue.i, first, depth + 1))


_COORDINATION_DEPTH = 3


def _benign_agent(doc: Doc, end: int, span: Span) -> bool:
    """Whether the cue ending at token ``end`` names a tissue of no tumor as what does it: "the nerve
    is surrounded by fat", "compressed by normal muscle" (a cue whose agent is fat or normal tissue
    says the structure is apart from the tumor, not reached by it)."""
    cfg = relation_negation_config()
    words = [t.lower_ for t in words_after(doc, end, sent_of(span).end, 3)]
    return bool(words) and words[0] == "by" and any(w in cfg.benign_agents for w in words[1:3])


def _separates_another(span: Span, end: int) -> bool:
    """Whether the separation cue ending at token ``end``, after ``span``, names what it separates
    from: "from" and another structure right after it ("... and is separated from the cauda equina")."""
    doc = span.doc
    after = words_after(doc, end, sent_of(span).end, 1)
    if not after or after[0].lower_ not in ("from", "of"):
        return False
    group = doc.spans["mednec"] if "mednec" in doc.spans else ()
    return any(t.label_ in ("SITE", "NERVE") and t.start > after[0].i and t.start != span.start
               and _gap(doc, after[0].i + 1, t.start) <= _OBJECT_REACH for t in group)


def _hedged_after(doc: Doc, end: int, span: Span) -> bool:
    """Whether a separation cue ending at token ``end`` is left open by a modal right after it ("a
    thin fat plane may be present between ...")."""
    cfg = relation_negation_config()
    return any(t.lower_ in cfg.hedges for t in words_after(doc, end, min(span.start, len(doc)), 1)) \
        if end < span.start else False


def _undone(doc: Doc, end: int, last: int) -> bool:
    """Whether the cue ending at token ``end`` is undone by the words right after it ("fat plane
    effaced", "tissue plane lost"): the separation it names is absent."""
    cfg = relation_negation_config()
    words = [t.lower_ for t in words_after(doc, end, last, 2)]
    return any(w in cfg.undone_after for w in words)


_ANGLE = re.compile(r"(?<![\d.])(\d{2,3})\s*(?:degrees?\b|deg\b|\u00b0)", re.IGNORECASE)
_ANGLE_REACH = 12  # words after an encasement cue its angle may stand ("surrounds the origin of ... over 180 degrees")


def _partial_encasement(doc: Doc, start: int, end: int, first: int, last: int) -> bool:
    """Whether the encasement cue at tokens ``start:end`` surrounds its structure only in part:
    "partially surrounds", or an angle short of a full encasement after it ("over about 180
    degrees")."""
    cfg = relation_negation_config()
    if any(t.lower_ in cfg.partial for t in words_before(doc, start, first, cfg.window)):
        return True
    after = words_after(doc, end, last, _ANGLE_REACH)
    if not after:
        return False
    m = _ANGLE.search(doc[end: after[-1].i + 1].text)
    return m is not None and int(m.group(1)) < cfg.encased_over_degrees


def _landmark(doc: Doc, start: int, first: int) -> bool:
    """Whether the cue at token ``start`` is the object of a position word ("lateral to the scar")."""
    cfg = relation_negation_config()
    words = words_before(doc, start, first, cfg.window)
    return bool(re.search(cfg.landmark, " ".join(t.lower_ for t in words))) if words else False


def _gap(doc: Doc, a: int, b: int) -> int:
    """Words between token ``a`` and token ``b`` (``a <= b``), line breaks not counted."""
    return sum(1 for t in doc[a:b] if not t.is_space)


def _denied_relations(span: Span) -> tuple[str, ...]:
    """Relation cues in scope of ``span`` that are stated as absent ("without cortical erosion")."""
    out = []
    for mod in getattr(span._, "modifiers", ()):
        if mod.category.startswith("REL_") and _denied(span.doc, mod.modifier_span[0], sent_start(span)):
            out.append(mod.category[4:].lower())
    return tuple(dict.fromkeys(out))


_LABEL_REACH = 60  # characters from a structure to the colon that ends the label it stands in
_OBJECT_REACH = 6  # words from a relation cue to the structure that is its own object


def _label_colon(span: Span) -> int | None:
    """The token index of the colon that ends the line label ``span`` stands in ("Lumbar plexus /
    femoral nerve: The mass reaches ..."), or None."""
    doc = span.doc
    for t in doc[span.end: min(len(doc), span.end + 12)]:
        if "\n" in t.text or t.text in ".;":
            return None
        if t.text == ":":
            return t.i if t.idx - span.end_char <= _LABEL_REACH else None
    return None


_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these"})


def _has_own_object(span: Span, me: int, last: int) -> bool:
    """Whether the relation cue ending at token ``me`` names its own object right after it: a noun
    phrase ("reaches the lateral margin of the right psoas") or a structure other than ``span``
    ("abuts L4"); "abutted and displaced" and "abuts it" leave the label's structure the object."""
    after = words_after(span.doc, me, last, 1)
    if after and after[0].lower_ in _DETERMINERS:
        return True
    group = span.doc.spans["mednec"] if "mednec" in span.doc.spans else ()
    for t in group:
        if me <= t.start < last and t.label_ in ("SITE", "NERVE") and t.start != span.start:
            return _gap(span.doc, me, t.start) <= _OBJECT_REACH
    return False


def _injury_spans(doc: Doc, kb: KnowledgeBase) -> list[tuple[int, int]]:
    """The token spans of the findings of a nerve's own injury in ``doc`` (read once per document)."""
    found = doc.user_data.get("mednec_injury_spans")
    if found is None:
        from mednec.pipeline.lesion_rules import lesion_rules

        injury = lesion_rules().rules.nerve_injury_categories
        found = sorted((t.start, t.end) for t in doc.spans.get("mednec", ())
                       if t.label_ == "FINDING" and kb[t._.concept].category in injury)
        doc.user_data["mednec_injury_spans"] = found
    return found


def _inside_injury(doc: Doc, ms: int, me: int, kb: KnowledgeBase) -> bool:
    """Whether a tumor noun lies inside a finding of a nerve's own injury ("a compression lesion",
    "localize the lesion to the notch"): it names the injury, not a tumor (``nerve_injury_categories``)."""
    spans = _injury_spans(doc, kb)
    at = bisect.bisect_right(spans, (ms, len(doc) + 1))
    # (spans do not overlap much: the few starting at or before the cue are the ones that can hold it)
    return any(lo <= ms and me <= hi and (hi - lo) > (me - ms) for lo, hi in spans[max(0, at - 3): at])


def _injury_lesion(span: Span, ms: int, me: int) -> bool:
    """Whether the tumor noun at tokens ``ms:me`` is a "lesion" its sentence describes in electrodiagnostic
    words ("an axonal lower trunk lesion", "a right upper trunk lesion with denervation"): the nerve's
    injury, not a mass (``injury_words``)."""
    doc = span.doc
    cfg = relation_negation_config()
    if doc[ms:me].text.lower() not in cfg.injury_nouns:
        return False
    words = cfg.injury_words
    sent = sent_of(span)
    return any(t.lower_ in words for t in sent)


def _relation(span: Span, kb: KnowledgeBase) -> tuple[str | None, Any]:
    """The nearest relation cue of ``span`` (separation wins a tie), and its modifier.

    A cue that is itself denied ("not encased") states no relation.
    """
    intrinsic = kb[span._.concept].relation
    colon = _label_colon(span)
    objected = colon is not None and any(
        m.category.startswith("REL_") and m.category != "REL_TUMOR" and m.modifier_span[0] > colon
        and _has_own_object(span, m.modifier_span[1], sent_of(span).end) for m in getattr(span._, "modifiers", ()))
    best = None
    separations = []
    open_separations: list = []
    open_relations: list = []
    hedged_cues = _hedged_cues(span)
    for mod in getattr(span._, "modifiers", ()):
        cat = mod.category
        if not cat.startswith("REL_"):
            continue
        ms, me = mod.modifier_span
        first = sent_start(span)
        # a cue a modal leaves open, before it ("possible contact") or right after it ("a fat plane
        # may be present"), or one coordinated with such a cue ("possible mild thickening and T2
        # hyperintensity of the trunks"), states no relation; an open separation is kept to tell the
        # tumor noun beside it from tumor at the structure
        if (ms, me) in hedged_cues or _hedged_after(span.doc, me, span):
            if cat == "REL_SEPARATE":
                open_separations.append(mod)
            elif cat != "REL_TUMOR":
                open_relations.append(mod)
            continue
        if _denied(span.doc, ms, first) or _landmark(span.doc, ms, first) or _benign_agent(span.doc, me, span):
            continue
        if cat == "REL_TUMOR" and _inside_injury(span.doc, ms, me, kb):
            continue  # "EMG localizes the lesion to the notch": the nerve's injury, no tumor
        # "an axonal lower trunk lesion", "no electrophysiological argument for a focal lesion of the
        # sciatic nerve": the nerve's own injury (its neuropathy), not a tumor at it
        injury = cat == "REL_TUMOR" and _injury_lesion(span, ms, me)
        # a structure that labels its line is the topic, not the object, of a cue after the colon that
        # names its own object ("Lumbar plexus / femoral nerve: The mass reaches ... the right psoas"),
        # nor of the tumor noun that is that clause's subject
        if colon is not None and ms > colon and (
                _has_own_object(span, me, sent_of(span).end) or (cat == "REL_TUMOR" and objected)):
            continue
        if cat == "REL_SEPARATE":
            if _undone(span.doc, me, sent_of(span).end):
                continue
            if ms >= span.end and _separates_another(span, me):
                continue  # "continuous with the L4 body and separated from the cauda equina": another's
            separations.append(mod)
        doc = span.doc
        dist = _gap(doc, me, span.start) if me <= span.start else _gap(doc, span.end, ms) if ms >= span.end else 0
        rank = (dist, 0 if cat == "REL_SEPARATE" else 1)
        name = "neuropathy" if injury else cat[4:].lower()
        if cat == "REL_ENCASE" and _partial_encasement(doc, ms, me, first, sent_of(span).end):
            name = "contact"
        if best is None or rank < best[0]:
            best = (rank, name, mod)
    if best is not None and best[1] == "tumor":
        # "a fat plane between the mass and the trunks of the plexus": the tumor noun nearest the
        # structure is the other side of a separation that governs both, not tumor at the structure;
        # a separation left open ("a thin fat plane may be present between the mass and the trunk")
        # leaves the relation open
        tms = best[2].modifier_span[0]
        for sep in separations:
            if sep.modifier_span[1] <= tms and best[2].modifier_span[1] <= span.start:
                return "separate", sep
        for sep in open_separations:
            if sep.modifier_span[1] <= tms and best[2].modifier_span[1] <= span.start:
                return None, None
        # "nerve closely approximated by the mass, possibly abutting": the tumor noun beside the structure
        # is what the sentence leaves the relation to, and it leaves it open
        if open_relations:
            return None, None
        # "between the mass and the left sciatic nerve": the two are named apart, not one in the other
        before = [t.lower_ for t in words_before(span.doc, tms, sent_start(span), 2)]
        if "between" in before and best[2].modifier_span[1] <= span.start and any(
                t.lower_ == "and" for t in span.doc[best[2].modifier_span[1]: span.start]):
            return None, None
    if best is None:
        # a site that is itself the object of a position word is a reference point: "the lesion
        # distal to the greater sciatic notch" is not at the notch (no default relation)
        if intrinsic and _landmark(span.doc, span.start, sent_start(span)):
            return None, None
        return intrinsic, None
    if intrinsic == "neuropathy" and best[1] in relation_negation_config().extent_only:
        return intrinsic, None  # "plexopathy, affecting T1 more than C8 fibers" is still a plexopathy
    return best[1], best[2]
