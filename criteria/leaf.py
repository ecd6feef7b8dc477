"""One condition leaf against one fact: kind, concept, relation, assertion, numbers.

Numbers carry their comparator: "survival > 3 months" passes ">= 3", "< 3 months" does not.
"""

from __future__ import annotations

from mednec.criteria.schema import Leaf, NumberTest
from mednec.models.lesions import INDEX_LESION

_FLAGS = ("negated", "uncertain", "historical", "hypothetical", "conditional", "planned")
_REQUIRED = {"affirmed": frozenset(), "negated": frozenset({"negated"}), "uncertain": frozenset({"uncertain"})}


def _assertion_ok(leaf: Leaf, fact) -> bool:  # noqa: ANN001 - any Fact
    a = fact.assertion
    if a.family:
        return False  # POLICY: family history never counts for the patient
    if leaf.assertion == "any":
        return True
    if a.superseded:
        return False  # a later reading of the same study replaced it (impression, addendum, re-read)
    present = {f for f in _FLAGS if getattr(a, f)}
    required = _REQUIRED[leaf.assertion]
    return required <= present and not (present - required - set(leaf.allow))


def _interval(value: float, comparator: str) -> tuple[float, float, bool, bool]:
    inf = float("inf")
    return {
        "=": (value, value, True, True),
        ">": (value, inf, False, False),
        ">=": (value, inf, True, False),
        "<": (-inf, value, False, False),
        "<=": (-inf, value, False, True),
    }[comparator]


def number_ok(test: NumberTest, value: float | None, comparator: str = "=") -> bool:
    """Whether every value a fact allows passes ``test`` ("survival > 3 months" passes ">= 3")."""
    if value is None:
        return False
    lo, hi, lo_closed, hi_closed = _interval(value, comparator)
    t = test.than
    if test.op == ">=":
        return lo >= t
    if test.op == ">":
        return lo > t or (lo == t and not lo_closed)
    if test.op == "<=":
        return hi <= t
    if test.op == "<":
        return hi < t or (hi == t and not hi_closed)
    return lo == hi == t


def _leaf_filters(leaf: Leaf, f) -> bool:  # noqa: ANN001, C901 - flat list of filters
    if f.kind != leaf.fact:
        return False
    if leaf.lesion == "index" and f.lesion is not None and f.lesion != INDEX_LESION:
        return False  # POLICY: only the lesion being treated counts
    if leaf.concept is not None and f.concept not in leaf.concept:
        return False
    if leaf.not_concept is not None and f.concept in leaf.not_concept:
        return False
    if leaf.category is not None and getattr(f, "category", None) not in leaf.category:
        return False
    if leaf.region is not None and getattr(f, "region", None) not in leaf.region:
        return False
    if leaf.relation is not None and (f.relation or "none") not in leaf.relation:
        return False
    if leaf.not_relation is not None and (f.relation or "none") in leaf.not_relation:
        return False
    if leaf.denied is not None and not set(leaf.denied) & set(f.denied):
        return False
    if leaf.doc_type is not None and f.document_type not in leaf.doc_type:
        return False
    if leaf.not_doc_type is not None and f.document_type in leaf.not_doc_type:
        return False
    if leaf.section is not None and (f.section or "none") not in leaf.section:
        return False
    if leaf.not_section is not None and (f.section or "none") in leaf.not_section:
        return False
    if leaf.partial is not None and f.assertion.partial != leaf.partial:
        return False
    if leaf.tissue is not None and getattr(f, "tissue", False) != leaf.tissue:
        return False
    if leaf.related is not None and not set(leaf.related) & set(f.related):
        return False
    if leaf.related_affirmed is not None and not set(leaf.related_affirmed) & set(f.related_affirmed):
        return False
    if leaf.not_related is not None and set(leaf.not_related) & set(f.related):
        return False
    if leaf.cues is not None and not set(leaf.cues) & set(f.cues):
        return False
    if leaf.not_cues is not None and set(leaf.not_cues) & set(f.cues):
        return False
    if leaf.levels is not None and not set(leaf.levels) & set(f.levels):
        return False
    if leaf.target is not None and (getattr(f, "target", None) or "none") not in leaf.target:
        return False
    if leaf.subject_category is not None and f.subject_category not in leaf.subject_category:
        return False
    if leaf.number is not None:
        value = getattr(f, leaf.number.field, None)
        comparator = (getattr(f, "comparator", "=") if leaf.number.field == "value"
                      else getattr(f, "weeks_comparator", "=") if leaf.number.field == "weeks" else "=")
        if not number_ok(leaf.number, value, comparator):
            return False
    return _assertion_ok(leaf, f)
