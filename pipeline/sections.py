"""``mednec_sections``: section titles of clinical documents, medspaCy's Sectionizer over our rules."""


from functools import lru_cache

from mednec.pipeline.resources import load_jsonl
from pydantic import BaseModel, ConfigDict, Field
from spacy.language import Language


class SectionRuleSpec(BaseModel):
    """One section title rule (medspaCy ``SectionRule`` fields)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    category: str = Field(pattern=r"^[a-z_]+$")
    literal: str = Field(min_length=1)
    pattern: list[dict] | None = None


@lru_cache(maxsize=1)
def section_rule_specs() -> tuple[SectionRuleSpec, ...]:
    """The validated section rules of ``sections.jsonl``."""
    return tuple(load_jsonl("sections.jsonl", SectionRuleSpec))


@Language.factory("mednec_sections")
def make_sections(nlp: Language, name: str):  # noqa: ANN201 - medspaCy Sectionizer
    """A medspaCy Sectionizer loaded with mednec's section rules; titles must start a line."""
    from medspacy.section_detection import Sectionizer, SectionRule

    sectionizer = Sectionizer(nlp, name=name, rules=None, require_start_line=True)
    sectionizer.add([SectionRule(literal=s.literal, category=s.category, pattern=s.pattern)
                     for s in section_rule_specs()])
    return sectionizer
