"""``mednec_context``: medspaCy's ConText over mednec's targets.

Assertion modifiers (negation, uncertainty, history, hypotheticals, family, plans) come
from ``context_rules.jsonl``; relation cues (invades, abuts, contacts, displaces,
encases, compresses, stops short of) from ``relations.jsonl``, as categories that set no
assertion flag and are read by the facts module.
"""


from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Span

from mednec.pipeline.resources import ContextRuleSpec, context_rule_specs, load_jsonl, to_medspacy_context_rules
from mednec.pipeline.targets import GROUP

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


@Language.factory("mednec_context", default_config={"max_scope": None})
def make_context(nlp: Language, name: str, max_scope: int | None):  # noqa: ANN201 - medspaCy ConText
    """A medspaCy ConText reading the span group ``mednec`` with mednec's rules."""
    from medspacy.context import ConText

    _ensure_extensions()
    ctx = ConText(nlp, name=name, rules=None, span_attrs=ATTRIBUTES, input_span_type="group",
                  span_group_name=GROUP, max_scope=max_scope, prune_on_modifier_overlap=True)
    rules = to_medspacy_context_rules(context_rule_specs())
    rules += to_medspacy_context_rules(relation_rule_specs())  # type: ignore[arg-type]
    ctx.add(rules)
    return ctx
