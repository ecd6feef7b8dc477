"""Determinations: per-criterion results, per-code outcomes and the case result (contract v1)."""

from __future__ import annotations

from typing import Literal

from mednec.models.base import Frozen
from mednec.models.evidence import EvidenceSpan
from mednec.models.facts import DocType
from mednec.models.lesions import Lesion
from mednec.models.plans import SurgicalPlan
from pydantic import Field, model_validator

Outcome = Literal["approve", "pend", "refer"]
Status = Literal["met", "not_met", "insufficient"]


class Reference(Frozen):
    """A literature reference a code cites (``criteria/references.yaml``), checked to exist."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    citation: str
    url: str | None = None
    doi: str | None = None
    supports: str = Field(description="what in the criteria it supports, naming the criterion ids (A1, B3c)")
    checked: str | None = Field(default=None, description="how and when the reference was verified")


class DocumentInfo(Frozen):
    """A document of the case as the pipeline read it."""

    id: str
    type: DocType
    date: str | None = None
    chars: int = Field(ge=0)
    source: Literal["text", "pdf-text", "ocr"] = "text"
    pages: int = Field(default=1, ge=0)
    ocr_confidence: float | None = None
    title: str | None = None
    source_file: str | None = Field(default=None, description="the file this document was split from, when "
                                    "it is one part of a faxed packet or a run of page files")
    source_pages: tuple[int, int] | None = Field(default=None, description="its first and last page in that "
                                                 "file or run of files (1-based)")
    cover: bool = Field(default=False, description="a fax cover sheet: kept and shown, never read as chart content")
    unreadable_pages: tuple[int, ...] = Field(default=(), description="pages (of the source) that yielded "
                                              "almost no text: blank, a photo, noise")


class CriterionResult(Frozen):
    """The status of one criterion, why, and the spans that decided it."""

    id: str
    title: str = ""
    status: Status
    rationale: str
    evidence: tuple[EvidenceSpan, ...] = ()
    facts: tuple[str, ...] = Field(default=(), description="ids of the facts that decided it")
    conflict: bool = False
    not_applicable: bool = False
    missing: str | None = None
    references: tuple[str, ...] = Field(default=(), description="ids of the code's references (Determination."
                                        "references) that support this criterion")

    @model_validator(mode="after")
    def _decided_needs_evidence(self) -> CriterionResult:
        # CONTRACT: every met and not_met criterion cites at least one span.
        if self.status in ("met", "not_met") and not self.evidence:
            raise ValueError(f"criterion {self.id} is {self.status} without evidence")
        return self


class SupportingFinding(Frozen):
    """A supporting finding of POLICY (reported, never deciding)."""

    kind: str
    title: str = ""
    summary: str
    evidence: tuple[EvidenceSpan, ...] = Field(min_length=1)


class Determination(Frozen):
    """The outcome for one requested code."""

    code: str
    side: Literal["left", "right"] | None = None
    title: str = ""
    outcome: Outcome
    pathway: str | None = None
    index_lesion: str | None = Field(default=None, description="id of the lesion (CaseResult.lesions) the "
                                     "procedure treats; its facts alone meet extent, level and diagnosis")
    criteria: tuple[CriterionResult, ...]
    missing: tuple[str, ...] = ()
    supporting: tuple[SupportingFinding, ...] = ()
    criteria_version: str = ""
    references: tuple[Reference, ...] = Field(default=(), description="the literature the code's criteria cite")


class Caveat(Frozen):
    """A caveat of POLICY: reported with its evidence, never deciding."""

    kind: str
    title: str = ""
    summary: str
    evidence: tuple[EvidenceSpan, ...] = Field(min_length=1)


class CaseResult(Frozen):
    """The determination of a whole case, as ``mednec review --format json`` prints it."""

    case_id: str
    documents: tuple[DocumentInfo, ...]
    determinations: tuple[Determination, ...]
    caveats: tuple[Caveat, ...] = ()
    lesions: tuple[Lesion, ...] = Field(default=(), description="the tumors of the case: the index lesion "
                                        "first, then the other lesions (which decide nothing)")
    plans: tuple[SurgicalPlan, ...] = Field(default=(), description="the surgical plans the chart states, "
                                            "one per planning document, in date order")
    mednec_version: str = ""
