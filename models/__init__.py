"""Frozen pydantic models: documents, evidence, facts and determinations (contract v1)."""

from mednec.models.base import Frozen
from mednec.models.determination import (
    CaseResult,
    Caveat,
    CriterionResult,
    Determination,
    DocumentInfo,
    Outcome,
    Status,
)
from mednec.models.evidence import EvidenceSpan
from mednec.models.facts import (
    Assertion,
    DocType,
    Fact,
    FactAdapter,
    Side,
)
from mednec.models.lesions import Lesion, LesionRole
from mednec.models.plans import SurgicalPlan
from mednec.models.request import CaseRequest, RequestedCode

__all__ = [
    "Assertion",
    "CaseRequest",
    "CaseResult",
    "Caveat",
    "CriterionResult",
    "Determination",
    "DocType",
    "DocumentInfo",
    "EvidenceSpan",
    "Fact",
    "FactAdapter",
    "Lesion",
    "LesionRole",
    "Frozen",
    "Outcome",
    "RequestedCode",
    "Side",
    "Status",
    "SurgicalPlan",
]
