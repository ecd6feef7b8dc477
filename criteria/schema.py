"""Schemas of the criteria files: condition trees over facts, criteria, codes, caveats, references.

A condition tree is ``{all: [...]}``, ``{any: [...]}``, ``{not: tree}``, ``{ref: name}`` (a
named tree from ``shared/conditions.yaml``) or a leaf that matches facts by kind, concept,
category, relation, assertion, document type, section, side, co-mentions and numbers.
"""

from __future__ import annotations

from typing import Any, Literal, Union

from mednec.models.determination import Reference
from pydantic import BaseModel, ConfigDict, Field, model_validator

FactKind = Literal["diagnosis", "site", "nerve", "therapy", "plan", "finding", "score"]
Flag = Literal["negated", "uncertain", "historical", "hypothetical", "conditional", "planned", "family"]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class NumberTest(_Strict):
    """A comparison of a fact's number: ``{field: cycles, op: ">=", than: 2}``."""

    field: Literal["cycles", "weeks", "value"]
    op: Literal[">=", ">", "<=", "<", "="]
    than: float


class Leaf(_Strict):
    """Matches the facts of one kind that pass every filter given."""

    fact: FactKind
    concept: list[str] | None = None
    not_concept: list[str] | None = None
    category: list[str] | None = None
    region: list[str] | None = None
    relation: list[str] | None = None
    not_relation: list[str] | None = None
    denied: list[str] | None = Field(default=None, description="relation cues stated as absent")
    assertion: Literal["affirmed", "negated", "uncertain", "any"] = "affirmed"
    allow: list[Flag] = Field(default_factory=list, description="flags tolerated besides the assertion")
    doc_type: list[str] | None = None
    not_doc_type: list[str] | None = None
    section: list[str] | None = None
    not_section: list[str] | None = None
    side: Literal["requested", "any"] = "requested"
    tissue: bool | None = None
    partial: bool | None = Field(default=None, description="false: not a 'no other X' (X denied elsewhere, "
                                 "which implies X here); none: either")
    related: list[str] | None = None
    related_affirmed: list[str] | None = None
    not_related: list[str] | None = None
    not_related_affirmed: list[str] | None = Field(default=None, description="none of these named in the "
                                                   "sentence unless denied")
    cues: list[str] | None = None
    not_cues: list[str] | None = None
    levels: list[str] | None = None
    target: list[str] | None = Field(default=None, description="a planned nerve sacrifice or preservation acts "
                                     "on one of these nerve concepts ('none': it names no nerve)")
    subject_category: list[str] | None = Field(default=None, description="the tumor the statement is about "
                                               "(its subject) is of one of these diagnosis categories")
    not_subject_category: list[str] | None = Field(default=None, description="a relation whose subject is one of "
                                                   "these (a benign cyst the nerve is draped around) is no "
                                                   "statement about the tumor")
    number: NumberTest | None = None
    lesion: Literal["index", "any", "planned_levels"] = Field(
        default="index", description="index: only facts of the lesion the procedure treats (or of no known "
        "lesion); any: the whole case; planned_levels: any lesion but one described only at spinal levels the "
        "plan does not reach")
    newest: bool = Field(default=False, description="only the newest dated document that mentions the "
                         "leaf's finding (whatever its assertion) counts: a later report supersedes")
    newest_any: bool = Field(default=False, description="with newest and a number: the newest mention counts "
                             "whether or not it states a number (a later 'midway through chemotherapy' "
                             "makes an earlier count of cycles no longer the whole course)")


class All(_Strict):
    all: list[Tree]


class Any_(_Strict):
    any: list[Tree]


class Not(_Strict):
    not_: Tree = Field(alias="not")


class Ref(_Strict):
    """A named tree; ``where`` overrides leaf filters in every leaf of it (e.g. a relation)."""

    ref: str
    where: dict[str, Any] | None = None


Tree = Union[All, Any_, Not, Ref, Leaf]  # noqa: UP007 - recursive alias needs Union
All.model_rebuild()
Any_.model_rebuild()
Not.model_rebuild()


class Rationale(_Strict):
    """Sentence templates per status; ``{quote}``, ``{document}``, ``{side}`` are filled in."""

    met: str
    not_met: str = ""
    insufficient: str = ""
    not_applicable: str = ""


class CriterionSpec(_Strict):
    """One criterion of POLICY: when it is met, not met or not applicable, and what to ask for."""

    id: str = Field(pattern=r"^[A-C][0-9]'?$")
    title: str
    policy: str = Field(description="the POLICY text this encodes, in short")
    met: Tree
    not_met: Tree | None = None
    not_applicable: Tree | None = None
    on_conflict: Literal["met", "not_met", "insufficient", "latest", "pathology"] = "insufficient"
    also: list[Tree] = Field(default_factory=list, description="facts cited alongside a met result")
    rationale: Rationale
    missing: str = Field(min_length=10)
    comment: str | None = None


class CriterionUse(_Strict):
    """A reference to a shared criterion: ``{use: A1}``."""

    use: str


class Pathway(_Strict):
    """Family C: exactly one pathway applies; only its criteria decide."""

    id: str
    title: str
    when: Tree | Literal["otherwise"]
    criteria: list[str] = Field(min_length=1)


class CodeSpec(_Strict):
    """A per-code criteria file (``criteria/codes/<code>.yaml``)."""

    code: str = Field(pattern=r"^\d{5}$")
    version: str
    family: Literal["A", "B", "C"]
    title: str
    sided: bool = False
    spine_regions: list[Literal["C", "T", "L", "S"]] = Field(
        default_factory=list, description="the spinal regions this code operates on: when a case plans "
        "resections in several regions, this code's index lesion is the one planned in these")
    lesion_regions: list[str] = Field(
        default_factory=list, description="knowledge-base regions where the lesion this code treats sits: "
        "when a case has tumors in these and in other codes' regions, the others are not this code's")
    citations: list[str] = Field(min_length=1)
    criteria: list[CriterionSpec | CriterionUse] = Field(min_length=1)
    pathways: list[Pathway] | None = None
    conditions: dict[str, Tree] = Field(default_factory=dict, description="named trees this code overrides")
    comment: str | None = None

    @model_validator(mode="after")
    def _pathways_name_criteria(self) -> CodeSpec:
        ids = {c.id if isinstance(c, CriterionSpec) else c.use for c in self.criteria}
        for p in self.pathways or []:
            unknown = set(p.criteria) - ids
            if unknown:
                raise ValueError(f"pathway {p.id} names unknown criteria {sorted(unknown)}")
        return self


class SharedCriteria(_Strict):
    """``criteria/shared/<family>.yaml``: criteria used by several codes, defined once."""

    family: Literal["A", "B", "C"]
    version: str
    criteria: list[CriterionSpec]


class NamedConditions(_Strict):
    """``criteria/shared/conditions.yaml``: named trees reused by criteria, caveats and pathways."""

    conditions: dict[str, Tree]


class ReportSpec(_Strict):
    """A caveat or a supporting finding: reported with evidence, never deciding."""

    kind: str = Field(pattern=r"^[a-z_]+$")
    title: str
    when: Tree
    also: list[Tree] = Field(default_factory=list, description="facts cited alongside when present")
    summary: str


class ReportFile(_Strict):
    """``criteria/caveats.yaml`` and ``criteria/supporting.yaml``."""

    version: str
    items: list[ReportSpec]


class PolicyFile(_Strict):
    """``criteria/policy.yaml``: constants the evaluator applies to every criterion."""

    version: str
    document_ranks: dict[str, int]
    max_evidence: int = Field(ge=1)
    state_window_days: int = Field(default=0, ge=0)


class ReferenceFile(_Strict):
    """``criteria/references.yaml``."""

    references: list[Reference]
