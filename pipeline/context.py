"""``mednec_context``: medspaCy's ConText over mednec's targets.

Assertion modifiers (negation, uncertainty, history, hypotheticals, family, plans) come
from ``context_rules.jsonl``; relation cues (invades, abuts, contacts, displaces,
encases, compresses, stops short of) from ``relations.jsonl``, as categories that set no
assertion flag and are read by the facts module.
"""


from functools import lru_cache

from mednec.pipeline.context_graph import positional_graph
from mednec.pipeline.prune import linear_prune
from mednec.pipeline.regex_filter import DocWords, plan
from mednec.pipeline.resources import (
    ContextRuleSpec,
    context_rule_specs,
    load_jsonl,
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
}


class RelationRuleSpec(ContextRuleSpec):
    """A relation cue: a ConText rule whose category is one of mednec's ``REL_*``."""

    category: str  # type: ignore[assignment]


@lru_cache(maxsize=1)
def relation_rule_specs() -> tuple[RelationRuleSpec, ...]:
    """The validated relation cues of ``relations.jsonl``."""
    specs = tuple(load_jsonl("relations.jsonl", RelationRuleSpec))
    for spec in specs:
        if not spec.category.startswith("REL_"):
            raise ValueError(f"relation rule {spec.literal!r} must use a REL_ category")
    return specs


def _ensure_extensions() -> None:
    for attr in ("is_negated", "is_uncertain", "is_historical", "is_hypothetical", "is_family", "is_planned"):
        if not Span.has_extension(attr):
            Span.set_extension(attr, default=False)


def _scope(direction: str, max_scope: int | None, start: int, end: int, ss: int, se: int) -> tuple[int, int]:
    """A modifier's scope inside its sentence, as medspaCy computes it (without walking the doc)."""
    d = direction.upper()
    if d == "FORWARD":
        lo, hi = end, se
        if max_scope is not None and hi - lo > max_scope:
            hi = end + max_scope
    elif d == "BACKWARD":
        lo, hi = ss, start
        if max_scope is not None and hi - lo > max_scope:
            lo = start - max_scope
    else:
        lo, hi = ss, se
        if max_scope is not None and start - lo > max_scope:
            lo = start - max_scope
        if max_scope is not None and hi - end > max_scope:
            hi = end + max_scope
    return lo, hi


def _fast_regex(ctx) -> None:  # noqa: ANN001 - a medspaCy ConText
    """Let medspaCy's regex matcher read ``doc.text`` once per document, not once per rule,
    and try each pattern only where it can match (``mednec.pipeline.regex_filter``: same matches)."""
    from medspacy.common.regex_matcher import RegexMatcher

    class OnceTextRegexMatcher(RegexMatcher):
        def __call__(self, doc):  # noqa: ANN001, ANN204 - medspaCy matcher protocol
            text = doc_text(doc)
            words = DocWords(text)
            matches = []
            for match_id, patterns in self._patterns.items():
                on_match = self._callbacks[match_id]
                for pattern in patterns:
                    for m in words.finditer(pattern):
                        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                        if span is not None and len(span):
                            matches.append((match_id, span.start, span.end))
                        if on_match is not None:
                            on_match(self, doc, len(matches) - 1, matches)
            return matches

    inner = ctx._ConText__matcher._MedspacyMatcher__regex_matcher
    inner.__class__ = OnceTextRegexMatcher
    for patterns in inner._patterns.values():
        for pattern in patterns:
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

            matcher = self._ConText__matcher  # medspaCy keeps its matcher name-mangled
            sents = sentence_map(doc)
            spans = list(doc.spans[self.span_group_name]) if self.span_group_name in doc.spans else []
            by_sent: dict[int, tuple[list, list]] = {}
            for span in spans:
                by_sent.setdefault(sents.starts[span.start], ([], []))[0].append(span)
            for match_id, start, end in matcher(doc):
                ss, se = sents.of(start)
                if ss not in by_sent:
                    continue  # a modifier with no target in its sentence modifies nothing
                rule = matcher.rule_map[self.nlp.vocab[match_id].text]
                lo, hi = _scope(rule.direction, rule.max_scope, start, end, ss, se)
                by_sent[ss][1].append(ConTextModifier(rule, start, end, doc, scope_start=lo, scope_end=hi))
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
    linear_prune(ctx._ConText__matcher)  # medspaCy's overlap pruning is quadratic in the matches
    return ctx
