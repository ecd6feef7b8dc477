"""Models: frozen, extra fields forbidden, evidence spans exact, facts discriminated on kind."""

from __future__ import annotations

import pytest
from mednec.models import CaseRequest, CriterionResult, EvidenceSpan, FactAdapter, RequestedCode
from pydantic import ValidationError


def test_evidence_text_must_match_document():
    texts = {"a.txt": "The mass abuts the roof."}
    ok = EvidenceSpan.model_validate({"document": "a.txt", "start": 9, "end": 14, "text": "abuts"},
                                     context={"texts": texts})
    assert ok.text == "abuts"
    with pytest.raises(ValidationError):
        EvidenceSpan.model_validate({"document": "a.txt", "start": 0, "end": 5, "text": "abuts"},
                                    context={"texts": texts})
    with pytest.raises(ValidationError):
        EvidenceSpan.model_validate({"document": "b.txt", "start": 0, "end": 3, "text": "The"},
                                    context={"texts": texts})
    with pytest.raises(ValidationError):
        EvidenceSpan(document="a.txt", start=5, end=5, text="")


def test_models_are_frozen_and_strict():
    span = EvidenceSpan(document="a.txt", start=0, end=3, text="The")
    with pytest.raises(ValidationError):
        span.start = 1  # type: ignore[misc]
    with pytest.raises(ValidationError):
        EvidenceSpan(document="a.txt", start=0, end=3, text="The", colour="red")  # type: ignore[call-arg]


@pytest.mark.parametrize(("raw", "code", "side"), [
    ("27076-LT", "27076", "left"), ("64712-RT", "64712", "right"), ("63303", "63303", None),
    ({"code": "27076", "side": "Left"}, "27076", "left"), ({"code": "64712-RT"}, "64712", "right"),
])
def test_requested_code_forms(raw, code, side):
    r = RequestedCode.model_validate(raw)
    assert (r.code, r.side) == (code, side)


@pytest.mark.parametrize("raw", ["2707", "27076-XX", {"code": "27076", "side": "middle"}, "abcde"])
def test_requested_code_rejects(raw):
    with pytest.raises(ValidationError):
        RequestedCode.model_validate(raw)


@pytest.mark.parametrize("case_id", ["../x", "a/b", "..", ".hidden", "a\\b"])
def test_case_id_cannot_name_a_path(case_id):
    with pytest.raises(ValidationError):
        CaseRequest.model_validate({"case_id": case_id, "requested": ["27076"]})


def test_decided_criterion_needs_evidence():
    with pytest.raises(ValidationError):
        CriterionResult(id="A1", status="met", rationale="x")
    CriterionResult(id="A1", status="insufficient", rationale="x")


def test_fact_union_discriminates_on_kind():
    ev = {"document": "a.txt", "start": 0, "end": 4, "text": "ECOG"}
    fact = FactAdapter.validate_python({"kind": "score", "id": "x", "concept": "ecog", "label": "SCORE",
                                        "category": "ecog", "document": "a.txt", "document_type": "clinical_note",
                                        "sentence": 0, "value": 1, "evidence": [ev]})
    assert type(fact).__name__ == "ScoreFact" and fact.value == 1
    with pytest.raises(ValidationError):
        FactAdapter.validate_python({"kind": "nope", "id": "x"})


def test_request_ignores_fields_outside_the_contract():
    req = CaseRequest.model_validate({"case_id": "c1", "requested": [{"code": "27076", "side": "left", "units": 1}],
                                      "payer": "ACME", "patient": {"age": 40, "mrn": "x"}})
    assert req.requested[0].code == "27076" and req.patient and req.patient.age == 40
