"""One condition leaf against one fact: kind, concept, relation, assertion, numbers.

Numbers carry their comparator: "survival > 3 months" passes ">= 3", "< 3 months" does not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mednec.criteria.schema import Leaf, NumberTest
from mednec.models.lesions import INDEX_LESION, OTHER_LEVEL_LESION

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


# ---- leaf filters, registered by the Leaf field they read --------------------------------------
# A filter gets the leaf field's value (never None: an unset field filters nothing) and a fact,
# and says whether the fact passes. Adding a filter is a field on ``Leaf`` (criteria/schema.py),
# one function here and a test; ``Leaf`` fields read elsewhere are listed in ``EVALUATOR_FIELDS``.

LeafFilter = Callable[[Any, Any], bool]
FILTERS: dict[str, LeafFilter] = {}
# read by the evaluator, not by a filter: which fact kind, which side, the newest document, and the
# assertion (checked last, after every filter, by ``_assertion_ok``)
EVALUATOR_FIELDS = frozenset({"fact", "side", "newest", "newest_any", "assertion", "allow"})


def leaf_filter(field: str) -> Callable[[LeafFilter], LeafFilter]:
    """Register ``fn`` as the filter of the ``Leaf`` field ``field``."""
    def register(fn: LeafFilter) -> LeafFilter:
        if field in FILTERS:
            raise ValueError(f"leaf filter {field!r} registered twice")
        FILTERS[field] = fn
        return fn
    return register


@leaf_filter("lesion")
def _lesion(value: str, f: Any) -> bool:
    # POLICY: only the lesion being treated counts
    if value == "planned_levels":
        return f.lesion != OTHER_LEVEL_LESION
    return value != "index" or f.lesion is None or f.lesion == INDEX_LESION


@leaf_filter("concept")
def _concept(value: list[str], f: Any) -> bool:
    return f.concept in value


@leaf_filter("not_concept")
def _not_concept(value: list[str], f: Any) -> bool:
    return f.concept not in value


@leaf_filter("category")
def _category(value: list[str], f: Any) -> bool:
    return getattr(f, "category", None) in value


@leaf_filter("region")
def _region(value: list[str], f: Any) -> bool:
    return getattr(f, "region", None) in value


@leaf_filter("relation")
def _relation(value: list[str], f: Any) -> bool:
    return (f.relation or "none") in value


@leaf_filter("not_relation")
def _not_relation(value: list[str], f: Any) -> bool:
    return (f.relation or "none") not in value


@leaf_filter("denied")
def _denied(value: list[str], f: Any) -> bool:
    return bool(set(value) & set(f.denied))


@leaf_filter("doc_type")
def _doc_type(value: list[str], f: Any) -> bool:
    return f.document_type in value


@leaf_filter("not_doc_type")
def _not_doc_type(value: list[str], f: Any) -> bool:
    return f.document_type not in value


@leaf_filter("section")
def _section(value: list[str], f: Any) -> bool:
    return (f.section or "none") in value


@leaf_filter("not_section")
def _not_section(value: list[str], f: Any) -> bool:
    return (f.section or "none") not in value


@leaf_filter("partial")
def _partial(value: bool, f: Any) -> bool:
    return f.assertion.partial == value


@leaf_filter("tissue")
def _tissue(value: bool, f: Any) -> bool:
    return getattr(f, "tissue", False) == value


@leaf_filter("related")
def _related(value: list[str], f: Any) -> bool:
    return bool(set(value) & set(f.related))


@leaf_filter("related_affirmed")
def _related_affirmed(value: list[str], f: Any) -> bool:
    return bool(set(value) & set(f.related_affirmed))


@leaf_filter("not_related")
def _not_related(value: list[str], f: Any) -> bool:
    return not set(value) & set(f.related)


@leaf_filter("not_related_affirmed")
def _not_related_affirmed(value: list[str], f: Any) -> bool:
    # named in the sentence only as denied: "normal, without focal compression or scarring", not
    # "perineural scarring cannot be excluded"
    return not set(value) & set(f.related_affirmed)


@leaf_filter("cues")
def _cues(value: list[str], f: Any) -> bool:
    return bool(set(value) & set(f.cues))


@leaf_filter("not_cues")
def _not_cues(value: list[str], f: Any) -> bool:
    return not set(value) & set(f.cues)


@leaf_filter("levels")
def _levels(value: list[str], f: Any) -> bool:
    return bool(set(value) & set(f.levels))


@leaf_filter("target")
def _target(value: list[str], f: Any) -> bool:
    return (getattr(f, "target", None) or "none") in value


@leaf_filter("subject_category")
def _subject_category(value: list[str], f: Any) -> bool:
    return f.subject_category in value


@leaf_filter("not_subject_category")
def _not_subject_category(value: list[str], f: Any) -> bool:
    return getattr(f, "subject_category", None) not in value


@leaf_filter("number")
def _number(value: NumberTest, f: Any) -> bool:
    comparator = (getattr(f, "comparator", "=") if value.field == "value"
                  else getattr(f, "weeks_comparator", "=") if value.field == "weeks" else "=")
    return number_ok(value, getattr(f, value.field, None), comparator)


def leaf_matches(leaf: Leaf, f: Any) -> bool:
    """Whether fact ``f`` passes every filter ``leaf`` sets, and the leaf's assertion."""
    if f.kind != leaf.fact:
        return False
    # (in registration order, cheap and selective first; a filter registered later runs too)
    for field, keep in FILTERS.items():
        value = getattr(leaf, field)
        if value is not None and not keep(value, f):
            return False
    return _assertion_ok(leaf, f)
