"""Typed facts: what the pipeline read in a document, as a union discriminated on ``kind``.

Every fact carries its assertion flags (from ConText), its laterality, the type and date
of its document, the normalised concept it names and the evidence span it came from.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from mednec.models.base import Frozen
from mednec.models.evidence import EvidenceSpan
from pydantic import Field, TypeAdapter

DocType = Literal["imaging", "pathology", "clinical_note", "operative", "tumor_board", "other"]
Side = Literal["left", "right", "bilateral", "midline"]


class Assertion(Frozen):
    """ConText assertion flags of a mention. All false means affirmed, current, patient."""

    negated: bool = False
    uncertain: bool = False
    historical: bool = False
    hypothetical: bool = False
    conditional: bool = Field(default=False, description="inside the condition of an 'if' clause (what would "
                              "have to be true, not what is); always with hypothetical")
    partial: bool = Field(default=False, description="'no other X': X denied elsewhere, which implies X here; "
                          "always with uncertain")
    planned: bool = False
    family: bool = False
    reported: bool = Field(default=False, description="stated on another's word ('to be preserved per Dr. "
                           "Vance', 'according to the surgeon'): a restatement, which gives way to its source's "
                           "own statement")
    superseded: bool = Field(default=False, description="a later reading of the same study replaced it: the "
                             "impression, an addendum, a re-read, or a hedge pointing back at it")
    superseded_by: str | None = Field(default=None, description="what superseded it, e.g. 'impression', "
                                      "'addendum', 're-read', 'hedge in the next sentence'")

    @property
    def affirmed(self) -> bool:
        """Present, certain, current, actual, about the patient and not superseded."""
        return not (self.negated or self.uncertain or self.historical or self.hypothetical
                    or self.planned or self.family or self.superseded)


class _FactBase(Frozen):
    id: str
    concept: str
    label: str
    document: str
    document_type: DocType
    document_date: dt.date | None = None
    section: str | None = None
    sentence: int = Field(ge=0, description="index of the sentence in its document")
    assertion: Assertion = Assertion()
    side: Side | None = None
    side_source: Literal["explicit", "sentence", "document", "none", "midline"] = "none"
    relation: str | None = Field(default=None, description="relation cue, e.g. abut, invade, contact")
    denied: tuple[str, ...] = Field(default=(), description="relation cues stated as absent (without invasion)")
    cues: tuple[str, ...] = Field(default=(), description="other cue categories in scope, e.g. tissue")
    related: tuple[str, ...] = Field(default=(), description="concepts named in the same sentence")
    related_affirmed: tuple[str, ...] = Field(default=(), description="those of them not negated")
    levels: tuple[str, ...] = Field(default=(), description="spinal levels named, e.g. L5, S1")
    subject: str | None = Field(default=None, description="id of the tumor mention this statement is about "
                                "(the diagnosis named with it in its clause)")
    subject_category: str | None = Field(default=None, description="category of that tumor mention")
    target: str | None = Field(default=None, description="for a planned nerve sacrifice or preservation: the "
                               "nerve concept it acts on (the nerve named nearest in its clause; 'tissue' when "
                               "the clause's subject is tumor or other tissue located at a nerve)")
    lesion: str | None = Field(default=None, description="id of the case lesion this fact belongs to "
                               "(set by the case-level lesion model)")
    evidence: tuple[EvidenceSpan, ...] = Field(min_length=1)


class DiagnosisFact(_FactBase):
    """A histology or tumor diagnosis (osteosarcoma, metastasis, enchondroma...)."""

    kind: Literal["diagnosis"] = "diagnosis"
    category: str
    tissue: bool = False
    size_mm: float | None = Field(default=None, description="the measurement the mention carries, its largest "
                                  "dimension in millimetres ('a 6 mm sclerotic focus')")


class SiteFact(_FactBase):
    """An anatomic site (acetabular roof, hemisacrum, L4 vertebral body...)."""

    kind: Literal["site"] = "site"
    region: str


class NerveFact(_FactBase):
    """A nerve structure (sciatic nerve, lumbosacral plexus, S1 root...)."""

    kind: Literal["nerve"] = "nerve"
    region: str


class TherapyFact(_FactBase):
    """A treatment given or planned (chemotherapy cycles, weeks of PT, radiation)."""

    kind: Literal["therapy"] = "therapy"
    category: str
    cycles: float | None = None
    weeks: float | None = None
    weeks_comparator: Literal["=", "<", ">", "<=", ">="] = Field(
        default="=", description="how the weeks were stated: 'under 6 weeks' is '<'")


class PlanFact(_FactBase):
    """A surgical plan or intent (en bloc resection, palliative debulking, nerve sacrifice)."""

    kind: Literal["plan"] = "plan"
    category: str


class FindingFact(_FactBase):
    """A clinical or imaging finding (encasement, pathologic fracture, DVT, weakness...)."""

    kind: Literal["finding"] = "finding"
    category: str


class ScoreFact(_FactBase):
    """A number that criteria compare (ECOG, KPS, SINS, expected survival, necrosis %, age)."""

    kind: Literal["score"] = "score"
    category: str
    value: float | None = None
    comparator: Literal["=", "<", ">", "<=", ">="] = "="
    unit: str | None = None


Fact = Annotated[
    DiagnosisFact | SiteFact | NerveFact | TherapyFact | PlanFact | FindingFact | ScoreFact,
    Field(discriminator="kind"),
]
FactAdapter: TypeAdapter[Fact] = TypeAdapter(Fact)
