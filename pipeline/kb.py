"""The knowledge base: mednec's concepts with their aliases, read from ``concepts.jsonl``.

Like scispaCy's knowledge bases it is a data file; the target matcher and the linker are
both built from it, so adding a synonym is a one-line data change.
"""

from __future__ import annotations

from typing import Any, Literal

from mednec.pipeline.resources import iter_jsonl, rule_cache
from pydantic import BaseModel, ConfigDict, Field, model_validator

from mednec.core.errors import ResourceError

Label = Literal["DIAGNOSIS", "SITE", "NERVE", "THERAPY", "PLAN", "FINDING", "SCORE", "CUE"]


class Concept(BaseModel):
    """One concept of the knowledge base."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    concept: str = Field(pattern=r"^[a-z0-9_]+$")
    label: Label
    category: str | None = None
    region: str | None = None
    midline: bool = False
    relation: str | None = None
    quantity: Literal["cycles", "weeks", "score", "survival", "percent"] | None = None
    # a score stated by its definition ("in bed or chair more than half the day" is ECOG 3): its value
    value: float | None = None
    aliases: tuple[str, ...] = ()
    patterns: tuple[tuple[dict[str, Any], ...], ...] = ()
    cui: str | None = Field(default=None, pattern=r"^C\d{7}$")

    @model_validator(mode="after")
    def _check(self) -> Concept:
        if not self.aliases and not self.patterns:
            raise ValueError("a concept needs at least one alias or pattern")
        if self.value is not None and (self.label != "SCORE" or self.quantity is not None):
            raise ValueError("only a SCORE concept read without a quantity states its value")
        if self.label in ("SITE", "NERVE") and not self.region:
            raise ValueError(f"{self.label} concept needs a region")
        if self.label not in ("SITE", "NERVE") and not self.category:
            raise ValueError(f"{self.label} concept needs a category")
        return self


class KnowledgeBase:
    """Concepts by id, with a lower-cased alias index for the linker."""

    def __init__(self, concepts: list[Concept]) -> None:
        self.concepts: dict[str, Concept] = {}
        for c in concepts:
            if c.concept in self.concepts:
                raise ResourceError(f"duplicate concept {c.concept!r}", "pipeline/resources/concepts.jsonl")
            self.concepts[c.concept] = c
        self.alias_index: dict[str, str] = {}
        for c in concepts:
            for alias in c.aliases:
                owner = self.alias_index.setdefault(alias.lower(), c.concept)
                if owner != c.concept:
                    # the phrase matcher keeps one rule per phrase: an alias must name one concept
                    raise ResourceError(f"alias {alias!r} names both {owner!r} and {c.concept!r}",
                                        "pipeline/resources/concepts.jsonl")

    def __getitem__(self, concept_id: str) -> Concept:
        return self.concepts[concept_id]

    def __contains__(self, concept_id: object) -> bool:
        return concept_id in self.concepts

    def __iter__(self):  # noqa: ANN204 - iterator of Concept
        return iter(self.concepts.values())


@rule_cache
def load_kb() -> KnowledgeBase:
    """Load and validate ``concepts.jsonl`` (cached: the file is read once per process)."""
    from pydantic import ValidationError

    concepts = []
    for lineno, obj in iter_jsonl("concepts.jsonl"):
        try:
            concepts.append(Concept.model_validate(obj))
        except ValidationError as exc:
            first = exc.errors()[0]
            raise ResourceError(
                f"line {lineno}: {'.'.join(map(str, first['loc']))}: {first['msg']}",
                "pipeline/resources/concepts.jsonl",
            ) from exc
    return KnowledgeBase(concepts)
