"""``mednec_context``: medspaCy's ConText over mednec's targets.

Assertion modifiers (negation, uncertainty, history, hypotheticals, family, plans) come
from ``context_rules.jsonl``; relation cues (invades, abuts, contacts, displaces,
encases, compresses, stops short of) from ``relations.jsonl``, as categories that set no
assertion flag and are read by the facts module.
"""


import bisect
import re
from collections.abc import Sequence

from mednec.pipeline.context_graph import positional_graph
from mednec.pipeline.lesion_rules import lesion_rules
from mednec.pipeline.medspacy_compat import context_matcher, filtered_regex, linear_prune, regex_patterns
from mednec.pipeline.regex_filter import DocWords, plan
from mednec.pipeline.resources import (
    ContextRuleSpec,
    context_rule_specs,
    load_jsonl,
    rule_cache,
    to_medspacy_context_rules,
)
from mednec.pipeline.sentmap import doc_text
from mednec.pipeline.targets import GROUP
from spacy.language import Language
from spacy.tokens import Span

ATTRIBUTES = {
    "NEGATED_EXISTENCE": {"is_negated": True},
    "POSSIBLE_EXISTENCE": {"is_uncertain": True},
    "HISTORICAL": {"is_historical": True},
    "HYPOTHETICAL": {"is_hypothetical": True},
    "FAMILY": {"is_family": True},
    "PLANNED": {"is_planned": True},
    "REPORTED": {"is_reported": True},
}


class RelationRuleSpec(ContextRuleSpec):
    """A relation cue: a ConText rule whose category is one of mednec's ``REL_*``."""

    category: str  # type: ignore[assignment]


@rule_cache
def relation_rule_specs() -> tuple[RelationRuleSpec, ...]:
    """The validated relation cues of ``relations.jsonl``."""
    specs = tuple(load_jsonl("relations.jsonl", RelationRuleSpec))
    for spec in specs:
        if not spec.category.startswith("REL_"):
            raise ValueError(f"relation rule {spec.literal!r} must use a REL_ category")
    return specs


def _ensure_extensions() -> None:
    for attr in ("is_negated", "is_uncertain", "is_historical", "is_hypothetical", "is_family", "is_planned",
                 "is_reported"):
        if not Span.has_extension(attr):
            Span.set_extension(attr, default=False)


def _scope(direction: str, max_scope: int | None, start: int, end: int, ss: int, se: int,
           words: Sequence[int] | None = None) -> tuple[int, int]:
    """A modifier's scope inside its sentence, as medspaCy computes it, except that ``max_scope``
    counts words: ``words[i]`` is the number of non-space tokens before token ``i``, so a line
    break or a run of spaces (a wrapped line, a column gap) takes no room in the scope: where a
    line breaks carries no meaning."""
    d = direction.upper()
    if max_scope is None:
        return {"FORWARD": (end, se), "BACKWARD": (ss, start)}.get(d, (ss, se))
    if words is None:
        words = range(se + 1)  # every token a word: medspaCy's count
    fwd = min(se, bisect.bisect_left(words, words[end] + max_scope, end, se + 1)) if d != "BACKWARD" else se
    back = max(ss, bisect.bisect_right(words, words[start] - max_scope, 0, start + 1) - 1) if d != "FORWARD" else ss
    if d == "FORWARD":
        return end, fwd
    if d == "BACKWARD":
        return back, start
    return back, fwd


_HEADING_CARRIES = frozenset({"HISTORICAL", "HYPOTHETICAL", "FAMILY"})
_CLAUSE_BOUND = frozenset({"NEGATED_EXISTENCE", "POSSIBLE_EXISTENCE"})


_COORDINATORS = frozenset({"or", "and", "nor", ","})
_LIST_TAIL = 3  # words of the last item a short scope may have cut off


def _list_end(doc, end: int, hi: int, se: int) -> int:  # noqa: ANN001 - a spaCy Doc
    """A short forward scope that ends inside a coordinated list ends with the list: "without focal
    compression, scarring or" / "mass" denies the mass too. Only when a coordinator stands among the
    scope's last words, and at most a few words on, up to the next punctuation."""
    words = [t for t in doc[end:hi] if not t.is_space]
    if not words or not any(t.lower_ in _COORDINATORS for t in words[-2:]):
        return hi
    i, taken = hi, 0
    while i < se and taken < _LIST_TAIL:
        t = doc[i]
        if t.is_punct or t.lower_ in _COORDINATORS:
            break
        if not t.is_space:
            taken += 1
        i += 1
    return i


def _paren_end(doc, ss: int, start: int, end: int, hi: int) -> int:  # noqa: ANN001 - a spaCy Doc
    """Where a cue's forward scope ends when the cue stands inside a parenthesis ("(subchondral bone
    involved; no intra-articular mass) and along the superior pubic ramus"): at the parenthesis that
    closes it. An aside's denial says nothing of the sentence it sits in."""
    depth = 0
    for t in doc[ss:start]:
        if t.text == "(":
            depth += 1
        elif t.text == ")" and depth:
            depth -= 1
    if not depth:
        return hi
    for t in doc[end:hi]:
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth -= 1
            if not depth:
                return t.i
    return hi


def _paren_start(doc, ss: int, start: int, lo: int, targets: Sequence = ()) -> int:  # noqa: ANN001 - a spaCy Doc
    """Where a cue's backward scope starts when the cue stands inside a parenthesis ("the acetabulum
    is uninvolved (the preliminary read of extension to the roof is not confirmed)"): at the
    parenthesis that opens it. An aside's hedge says nothing of the sentence it sits in, except of
    the mention it is attached to ("metastasis (less likely, no other lesion)")."""
    depth = 0
    for t in reversed(doc[max(ss, lo):start]):
        if t.text == ")":
            depth += 1
        elif t.text == "(":
            if not depth:
                attached = next((m for m in targets if m.end == t.i), None)
                return max(lo, attached.start) if attached is not None else t.i + 1
            depth -= 1
    return lo


def _subordinate_start(doc, ss: int, start: int, lo: int) -> int:  # noqa: ANN001 - a spaCy Doc
    """Where a cue's backward scope starts when the cue stands in a subordinate clause set off by a
    comma ("... neuroplasty to preserve it, since it is not invaded on imaging"): at the clause's
    opener. The reason given says nothing of the main clause before it. (Read back to the clause's
    comma only: a long run-on line costs no more per cue.)"""
    openers = lesion_rules().rules.subordinate_openers
    for i in range(start - 1, max(ss, lo) - 1, -1):
        t = doc[i]
        if t.text in (".", ";", ":", ","):
            break
        if t.lower_ in openers:
            before = next((doc[j] for j in range(i - 1, max(ss, i - 4) - 1, -1) if not doc[j].is_space), None)
            if before is not None and before.text == ",":
                return i
    return lo


def _colon_end(doc, end: int, hi: int, targets=()) -> int:  # noqa: ANN001 - a spaCy Doc, its spans
    """Where a cue's forward scope ends at a colon that closes a stated clause ("The sciatic nerve is
    not encased: plan to preserve it"): the clause after the colon follows from the denial, it is not
    denied. A colon right after the cue ("No: fracture"), after a list's lead ("no evidence of the
    following:"), at the end of its line (a heading for the lines below), or closing words that name
    no finding of the sentence's ``targets`` (a label: "Differential diagnoses mentioned by radiology:
    plasmacytoma, ...") keeps the scope."""
    leads = lesion_rules().rules.colon_list_leads
    for c in range(end, hi):
        if doc[c].text != ":":
            continue
        said = [t for t in doc[end:c] if t.is_alpha and not t.is_stop]
        if not said or said[-1].lower_ in leads or doc[c - 1].is_stop:
            return hi
        if not any(end <= t.start and t.end <= c for t in targets):
            return hi  # (the words before the colon state nothing the cue could be about)
        nxt = doc[c + 1] if c + 1 < len(doc) else None
        if nxt is None or "\n" in doc[c].whitespace_ + (nxt.text if nxt.is_space else ""):
            return hi
        return c
    return hi


def _subordinate_end(doc, ss: int, start: int, end: int, hi: int) -> int:  # noqa: ANN001 - a spaCy Doc
    """Where a cue's forward scope ends when the cue stands in a subordinate clause ("because it does
    not respond to chemotherapy, resection is the only option"): at the comma that closes the
    clause. Otherwise ``hi`` as it was."""
    openers = lesion_rules().rules.subordinate_openers
    i = start - 1  # back to the clause's first word: the sentence start or the last clause mark
    while i >= ss and doc[i].text not in (",", ";", ":", "."):
        i -= 1
    # (past a coordinator or a list number: "..., and because it does not respond, ...", "2) If no ...")
    first = next((t for t in doc[i + 1:start] if not t.is_space and not t.is_punct and not t.like_num
                  and t.lower_ not in ("and", "but", "or", "yet")), None)
    if first is None or first.lower_ not in openers:
        return hi
    for t in doc[end:hi]:
        if t.text == ",":
            return t.i
    return hi


# a lead that is nothing but its cue and a colon ("No:", "Negative for:") speaks for every item of
# the list under it ("- pathologic fracture" / "- acetabular involvement"), as one line would
_LIST_LEAD_CARRIES = _HEADING_CARRIES | {"NEGATED_EXISTENCE", "POSSIBLE_EXISTENCE"}
_LIST_ITEM = re.compile(r"[ \t]*(?:[-\u2022*\u2013\u00b7\u25aa\u25e6]|\(?\d{1,2}[.)]|\(?[a-z][.)])[ \t]+\S")


def _only_cue(doc, ss: int, se: int, start: int, end: int) -> bool:  # noqa: ANN001 - a spaCy Doc
    """Whether the sentence ``doc[ss:se]`` holds nothing but the cue ``doc[start:end]`` and its colon
    (and function words: "There is no:")."""
    rest = [t for t in (*doc[ss:start], *doc[end:se]) if not t.is_space and t.text != ":" and not t.is_stop]
    return not rest and end > start


def _indent(text: str, line_start: int) -> int:
    """How far the line starting at ``line_start`` is indented (a tab counts as four spaces)."""
    n = 0
    for ch in text[line_start:line_start + 40]:
        if ch not in " \t":
            break
        n += 4 if ch == "\t" else 1
    return n


def _list_items(doc, sents, se: int, lead: int = -1) -> list[tuple[int, int]]:  # noqa: ANN001 - a spaCy Doc
    """The sentences from token ``se`` on that are items of one list ("- x", "2) y", or lines
    indented deeper than the lead's line at token ``lead``), in order."""
    text = doc.text
    out = []
    lead_indent = _indent(text, text.rfind("\n", 0, doc[lead].idx) + 1) if lead >= 0 else None
    while se < len(doc):
        ns, ne = sents.of(se)
        line_start = text.rfind("\n", 0, doc[ns].idx) + 1
        deeper = lead_indent is not None and _indent(text, line_start) > lead_indent
        if doc[ns:ne].text.strip() and not _LIST_ITEM.match(text, line_start) and not deeper:
            break
        if doc[ns:ne].text.strip():
            out.append((ns, ne))
        se = max(ne, se + 1)
    return out


def _ends_on_colon(doc, ss: int, se: int) -> bool:  # noqa: ANN001 - a spaCy Doc
    """Whether the sentence ``doc[ss:se]`` ends on a colon (a heading for what follows)."""
    i = se - 1
    while i >= ss and doc[i].is_space:
        i -= 1
    return i >= ss and doc[i].text.endswith(":")  # "):" may be one token


def _joins_like_targets(doc, start: int, end: int, targets: list) -> bool:  # noqa: ANN001 - a spaCy Doc
    """Whether a terminator that is a bare conjunction ("and") joins two mentions of one kind: "the
    superior pubic ramus and ischium has resolved" is one subject of one verb, not a new clause."""
    if end - start != 1 or doc[start].lower_ not in ("and", "or"):
        return False
    before = next((t for t in targets if t.end == start), None)
    nxt = end + 1 if end < len(doc) and doc[end].lower_ == "the" else end
    after = next((t for t in targets if t.start == nxt), None)
    # (a structure and its own head noun, "the lumbar plexus and the plexus is ...", are no coordination)
    return (before is not None and after is not None and before.label_ == after.label_
            and before._.concept != after._.concept)


def _fast_regex(ctx) -> None:  # noqa: ANN001 - a medspaCy ConText
    """Let medspaCy's regex matcher read ``doc.text`` once per document, not once per rule,
    and try each pattern only where it can match (``mednec.pipeline.regex_filter``: same matches)."""
    matcher = context_matcher(ctx)
    filtered_regex(matcher, lambda doc: DocWords(doc_text(doc)).finditer)
    for pattern in regex_patterns(matcher):
        plan(pattern)  # read each pattern's words now, at build time, not in every worker


def _sentence_context_class():  # noqa: ANN202 - a medspaCy ConText subclass, built lazily
    from medspacy.context import ConText, ConTextModifier

    class SentenceConText(ConText):
        """medspaCy's ConText, run one sentence at a time.

        medspaCy compares every modifier with every other modifier and target of the whole
        document, which is quadratic in document length; scopes never cross a sentence, so
        comparing within the sentence gives the same edges in linear time. A modifier lying
        inside its target (medspaCy 1.3.1 lets "no" inside "mass with no necrosis" modify the
        mass) is dropped here, so the span flags describe only outside cues.
        """

        def __call__(self, doc, targets=None):  # noqa: ANN001, ANN204 - spaCy component protocol
            from mednec.pipeline.sentmap import sentence_map

            matcher = context_matcher(self)
            sents = sentence_map(doc)
            words = [0]
            for tok in doc:
                words.append(words[-1] + (not tok.is_space))
            spans = list(doc.spans[self.span_group_name]) if self.span_group_name in doc.spans else []
            by_sent: dict[int, tuple[list, list]] = {}
            for span in spans:
                by_sent.setdefault(sents.starts[span.start], ([], []))[0].append(span)
            for match_id, start, end in matcher(doc):
                ss, se = sents.of(start)
                rule = matcher.rule_map[self.nlp.vocab[match_id].text]
                if rule.category == "TERMINATE" and ss in by_sent and _joins_like_targets(doc, start, end,
                                                                                          by_sent[ss][0]):
                    continue
                if ss in by_sent:
                    lo, hi = _scope(rule.direction, rule.max_scope, start, end, ss, se, words)
                    if rule.category in _CLAUSE_BOUND and rule.direction != "BACKWARD":
                        if rule.max_scope is not None:
                            hi = _list_end(doc, end, hi, se)
                        hi = min(hi, _subordinate_end(doc, ss, start, end, hi),
                                 _colon_end(doc, end, hi, by_sent[ss][0]), _paren_end(doc, ss, start, end, hi))
                    if rule.category in _CLAUSE_BOUND and rule.direction != "FORWARD":
                        lo = max(lo, _paren_start(doc, ss, start, lo, by_sent[ss][0]),
                                 _subordinate_start(doc, ss, start, lo))
                    by_sent[ss][1].append(ConTextModifier(rule, start, end, doc, scope_start=lo, scope_end=hi))
                # a heading line ending on a colon ("Oncologic history (copied from clinic note):")
                # speaks for the line after it, as it would on one line: its history, hypothesis or
                # family cue reaches into the next sentence (FORWARD, by its word count)
                if (rule.category in _LIST_LEAD_CARRIES and rule.direction in ("FORWARD", "BIDIRECTIONAL")
                        and se < len(doc) and _ends_on_colon(doc, ss, se)
                        # (the lead holds the cue alone, or names no finding of its own: "Differential
                        # diagnoses mentioned by radiology:" / "plasmacytoma, aggressive haemangioma")
                        and (_only_cue(doc, ss, se, start, end) or ss not in by_sent)):
                    # (the sentence right under the lead is its first item even unmarked and unindented,
                    # as OCR flattens a list: "No:" / "intradural extension," / "leptomeningeal ...")
                    for ns, ne in _list_items(doc, sents, se, start) or [sents.of(se)]:
                        if ns in by_sent:
                            hi = ne if rule.max_scope is None else min(
                                ne, bisect.bisect_left(words, words[ns] + rule.max_scope, ns, ne + 1))
                            by_sent[ns][1].append(ConTextModifier(rule, start, end, doc, scope_start=ns, scope_end=hi))
                elif (rule.category in _HEADING_CARRIES and rule.direction in ("FORWARD", "BIDIRECTIONAL")
                        and _ends_on_colon(doc, ss, se) and se < len(doc)):
                    # (every item of a list under it: "Options reviewed with the family:" / "(a) ..." /
                    # "(b) ..."; else the sentence after it)
                    for ns, ne in _list_items(doc, sents, se) or [sents.of(se)]:
                        if ns not in by_sent:
                            continue
                        hi = ne if rule.max_scope is None else min(
                            ne, bisect.bisect_left(words, words[ns] + rule.max_scope, ns, ne + 1))
                        by_sent[ns][1].append(ConTextModifier(rule, start, end, doc, scope_start=ns, scope_end=hi))
            edges = []
            for sent_targets, modifiers in by_sent.values():
                graph = positional_graph(prune_on_modifier_overlap=self.prune_on_target_overlap)
                graph.targets, graph.modifiers = sent_targets, modifiers
                graph.update_scopes()
                graph.apply_modifiers()
                for target, modifier in graph.edges:
                    ms, me = modifier.modifier_span
                    if target.start <= ms and me <= target.end:
                        continue
                    target._.modifiers += (modifier,)
                    edges.append((target, modifier))
            self.set_context_attributes(edges)
            return doc

    return SentenceConText


@Language.factory("mednec_context", default_config={"max_scope": None})
def make_context(nlp: Language, name: str, max_scope: int | None):  # noqa: ANN201 - medspaCy ConText
    """A sentence-local medspaCy ConText reading the span group ``mednec`` with mednec's rules."""
    _ensure_extensions()
    ctx = _sentence_context_class()(nlp, name=name, rules=None, span_attrs=ATTRIBUTES, input_span_type="group",
                                    span_group_name=GROUP, max_scope=max_scope, prune_on_modifier_overlap=True)
    rules = to_medspacy_context_rules(context_rule_specs())
    rules += to_medspacy_context_rules(relation_rule_specs())  # type: ignore[arg-type]
    ctx.add(rules)
    _fast_regex(ctx)
    linear_prune(context_matcher(ctx))  # medspaCy's overlap pruning is quadratic in the matches
    return ctx
