"""The evaluator's mechanism: numbers with comparators, laterality, conflicts, pathways."""

from __future__ import annotations

import datetime as dt

import pytest
from mednec.criteria.evaluator import Context, eval_tree, evaluate_code
from mednec.criteria.leaf import number_ok
from mednec.criteria.schema import Leaf, NumberTest
from mednec.models import EvidenceSpan, RequestedCode
from mednec.models.facts import SiteFact


@pytest.mark.parametrize(("op", "than", "value", "comparator", "expected"), [
    (">=", 3, 3, "=", True), (">=", 3, 3, ">", True), (">=", 3, 3, "<", False), (">=", 3, 24, ">", True),
    ("<", 3, 3, "<", True), ("<", 3, 3, "=", False), ("<", 3, 2, "=", True), ("<=", 2, 1, "=", True),
    ("<=", 2, 3, "=", False), (">=", 2, None, "=", False), (">=", 13, 14, "=", True), ("<", 6, 2, "=", True),
])
def test_number_ok(op, than, value, comparator, expected):
    assert number_ok(NumberTest(field="value", op=op, than=than), value, comparator) is expected


def _site(side: str | None, negated: bool = False, doc: str = "mri.txt", date=dt.date(2026, 1, 1)) -> SiteFact:
    text = "abuts the acetabular roof"
    return SiteFact(id=f"{doc}:{side}:{negated}", concept="acetabulum", label="SITE", region="acetabulum",
                    document=doc, document_type="imaging", document_date=date, sentence=0, side=side,
                    relation="abut", assertion={"negated": negated},
                    evidence=(EvidenceSpan(document=doc, start=0, end=len(text), text=text),))


LEAF = Leaf(fact="site", concept=["acetabulum"], relation=["abut"])


@pytest.mark.parametrize(("facts", "side", "expected"), [
    ([_site("left")], "left", True),
    ([_site("right")], "left", False),              # other side only: insufficient, not met
    ([_site(None)], "left", True),                  # unsided supports a sided request...
    ([_site(None), _site("right")], "left", False),  # ...unless the other side contradicts it
    ([_site("midline")], "right", True),
    ([_site("right")], None, True),
])
def test_laterality(facts, side, expected):
    ok, _ = eval_tree(LEAF, facts, Context(side, {}))
    assert ok is expected


def test_other_side_only_is_insufficient_and_says_so():
    det = evaluate_code(RequestedCode(code="27076", side="left"), [_site("right")])
    a2 = next(c for c in det.criteria if c.id == "A2")
    assert a2.status == "insufficient"
    assert "right side" in a2.rationale
    assert det.outcome == "pend"


def test_requested_side_free_is_not_met():
    det = evaluate_code(RequestedCode(code="27076", side="left"), [_site("left", negated=True)])
    a2 = next(c for c in det.criteria if c.id == "A2")
    assert a2.status == "not_met" and det.outcome == "refer"


def test_pre_treatment_involvement_counts_for_resection():
    facts = [_site("left", date=dt.date(2025, 10, 1)), _site("left", negated=True, date=dt.date(2026, 1, 1))]
    det = evaluate_code(RequestedCode(code="27076", side="left"), facts)
    assert next(c for c in det.criteria if c.id == "A2").status == "met"


def test_missing_is_specific_for_every_insufficient_criterion():
    det = evaluate_code(RequestedCode(code="27076", side="left"), [])
    assert det.outcome == "pend"
    assert len(det.missing) == len(det.criteria)
    assert any("pathology" in m.lower() and "left" in m for m in det.missing)
