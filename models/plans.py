"""The surgical plan of a case as a structured fact: what is done, with what intent and margins,
which structures go with the specimen and which are kept, and which parts are conditional."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from mednec.models.base import Frozen
from mednec.models.evidence import EvidenceSpan
from mednec.models.facts import DocType, Side
from pydantic import Field

Intent = Literal["curative", "palliative", "curative and palliative", "unstated"]


class SurgicalPlan(Frozen):
    """The plan one surgeon's note, operative plan or tumor board states."""

    document: str
    document_type: DocType
    document_date: dt.date | None = None
    side: Side | None = None
    procedures: tuple[str, ...] = Field(default=(), description="planned procedures (hemipelvectomy, "
                                        "corpectomy, sacral resection, decompression...)")
    intent: Intent = "unstated"
    margins: tuple[str, ...] = Field(default=(), description="en_bloc, wide_margin, intralesional")
    sacrificed: tuple[str, ...] = Field(default=(), description="structures resected with the specimen "
                                        "(nerves named with the planned sacrifice)")
    preserved: tuple[str, ...] = Field(default=(), description="structures planned for preservation")
    conditional: tuple[str, ...] = Field(default=(), description="parts stated as conditional or "
                                         "hypothetical ('if the roof is involved, type II')")
    declined: tuple[str, ...] = Field(default=(), description="parts stated as not planned or not feasible")
    evidence: tuple[EvidenceSpan, ...] = Field(min_length=1)
