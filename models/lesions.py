"""Lesions: the tumors of a case, each with its sites, side, levels and role.

A lesion gathers the mentions of one tumor across the documents of a case. The *index*
lesion is the one the requested procedure treats; every other lesion (an incidental
hemangioma, a bone island, a lesion on the other side or at another spinal level) is kept
and shown, but meets no extent, level or diagnosis criterion.
"""

from __future__ import annotations

from typing import Literal

from mednec.models.base import Frozen
from mednec.models.evidence import EvidenceSpan
from mednec.models.facts import Side
from pydantic import Field

INDEX_LESION = "L1"
"""The id of the index lesion (the one the requested procedure treats) in every case."""

OTHER_LEVEL_LESION = "L0"
"""The id of what a case describes only at spinal levels its planned resection does not reach."""

LesionRole = Literal["index", "incidental", "other_level", "other_side"]


class Lesion(Frozen):
    """One tumor of the case, as the chart describes it across documents."""

    id: str = Field(pattern=r"^L\d+$")
    role: LesionRole
    histology: str | None = Field(default=None, description="concept of the most specific diagnosis "
                                  "(pathology first)")
    category: str | None = Field(default=None, description="category of that diagnosis")
    benign: bool = Field(default=False, description="a benign, non-aggressive lesion (bone island, hemangioma...)")
    tissue: bool = Field(default=False, description="a pathology report gives its diagnosis")
    sides: tuple[Side, ...] = ()
    levels: tuple[str, ...] = Field(default=(), description="spinal levels it is described at")
    sites: tuple[str, ...] = Field(default=(), description="site concepts it is described in or against")
    documents: tuple[str, ...] = ()
    facts: tuple[str, ...] = Field(default=(), description="ids of the facts that belong to it")
    reason: str = Field(description="why the lesion has its role")
    evidence: tuple[EvidenceSpan, ...] = Field(min_length=1)
