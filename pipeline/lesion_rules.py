"""The settings of the lesion model, read once from ``resources/lesions.yaml``."""

from __future__ import annotations

import re
from functools import lru_cache

from mednec.pipeline.resources import load_yaml
from pydantic import BaseModel, ConfigDict, Field


class Descriptor(BaseModel):
    """Compartment words used as descriptors of anatomy or a procedure (``lesions.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    concepts: frozenset[str]
    nouns_after: frozenset[str]
    sequence_words: frozenset[str] = frozenset()
    procedure_words: frozenset[str]
    window: int = Field(ge=1, le=10)


class PlanObject(BaseModel):
    """What a planned sacrifice or preservation acts on when its clause opens with tissue (``lesions.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    np_boundaries: frozenset[str]
    tissue_heads: frozenset[str]
    auxiliaries: frozenset[str] = frozenset()
    nerve_words: tuple[str, ...] = ()
    shared_subject_openers: frozenset[str] = frozenset()


class NamedMetastatic(BaseModel):
    """A cancer named metastatic is a metastasis, whatever words stand between."""

    words: frozenset[str]
    categories: frozenset[str]
    window: int = Field(ge=1, le=8)


class LesionRules(BaseModel):
    """``pipeline/resources/lesions.yaml``: see the comments there."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    tumor_categories: frozenset[str]
    benign_categories: frozenset[str]
    generic_categories: frozenset[str]
    anaphors: list[str] = Field(min_length=1)
    anaphor_reach: int = Field(ge=1, le=3)
    alternatives: list[str]
    modal_hedges: list[str]
    impression_sections: frozenset[str]
    finding_sections: frozenset[str]
    addendum_sections: frozenset[str]
    reread_cues: list[str]
    reread_title_cues: list[str]
    reread_board_cues: list[str] = []
    reread_head: int = Field(ge=100)
    reread_skip_lines: list[str]
    spine_plan_categories: frozenset[str]
    level_sites: frozenset[str]
    descriptor: Descriptor
    plan_object: PlanObject
    label_clear_words: frozenset[str] = frozenset()
    score_current_cues: list[str]
    score_past_cues: list[str]
    named_metastatic: NamedMetastatic


def _words(words: list[str]) -> re.Pattern[str]:
    alts = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alts})(?![\w-])", re.IGNORECASE)


class CompiledLesionRules:
    """The rules with their word lists compiled to patterns."""

    def __init__(self, rules: LesionRules) -> None:
        self.rules = rules
        alts = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(rules.anaphors, key=len, reverse=True))
        # a sentence opens with the anaphor, after any list mark or heading label ("IMPRESSION: 2. This ...")
        self.anaphor_start = re.compile(rf"^\W*(?:[A-Za-z ]{{1,20}}:\s*)?(?:\d+[.)]\s*)?(?:{alts})(?![\w-])",
                                        re.IGNORECASE)
        # a clause inside a sentence that points back: ", which may reflect edema"
        self.clause_anaphor = re.compile(rf"[,;\u2014]\s*(?:{alts})(?![\w-])", re.IGNORECASE)
        self.alternative = _words(rules.alternatives)
        self.modal_hedge = _words(rules.modal_hedges)
        self.reread = _words(rules.reread_cues)
        self.reread_title = _words(rules.reread_title_cues)
        self.reread_board = _words(rules.reread_board_cues) if rules.reread_board_cues else None
        self.reread_skip = re.compile(rf"^\W*(?:{'|'.join(re.escape(w) for w in rules.reread_skip_lines)})\b",
                                      re.IGNORECASE)
        self.score_current = _words(rules.score_current_cues)
        self.score_past = _words(rules.score_past_cues)


@lru_cache(maxsize=1)
def lesion_rules() -> CompiledLesionRules:
    """The lesion model's rules (loaded and compiled once per process)."""
    return CompiledLesionRules(load_yaml("lesions.yaml", LesionRules))
