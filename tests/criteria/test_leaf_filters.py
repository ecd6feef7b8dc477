"""Leaf filters are registered by the Leaf field they read: every field has exactly one reader."""

from __future__ import annotations

import pytest
from mednec.criteria.leaf import EVALUATOR_FIELDS, FILTERS, leaf_filter, leaf_matches
from mednec.criteria.schema import Leaf
from mednec.models.evidence import EvidenceSpan
from mednec.models.facts import SiteFact


def test_every_leaf_field_has_one_reader():
    fields = set(Leaf.model_fields)
    assert set(FILTERS) | EVALUATOR_FIELDS == fields
    assert not set(FILTERS) & EVALUATOR_FIELDS


def test_a_filter_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="twice"):
        leaf_filter("concept")(lambda value, f: True)


def _roof(**extra) -> SiteFact:
    return SiteFact(id="mri:0-5:acetabulum", concept="acetabulum", label="SITE", document="mri.txt",
                    document_type="imaging", sentence=0, region="acetabulum",
                    evidence=(EvidenceSpan(document="mri.txt", start=0, end=5, text="roof."),), **extra)


@pytest.mark.parametrize(("leaf", "passes"), [
    ({"fact": "site", "concept": ["acetabulum"]}, True),
    ({"fact": "site", "not_concept": ["acetabulum"]}, False),
    ({"fact": "site", "relation": ["abut"]}, True),
    ({"fact": "site", "relation": ["involve"]}, False),
    ({"fact": "site", "levels": ["L5"]}, False),
    ({"fact": "nerve", "concept": ["acetabulum"]}, False),
])
def test_filters_by_field(leaf, passes):
    assert leaf_matches(Leaf.model_validate(leaf), _roof(relation="abut")) is passes


@pytest.mark.parametrize(("lesion", "scope", "passes"), [
    (None, "index", True), ("L1", "index", True), ("L2", "index", False), ("L2", "any", True)])
def test_lesion_filter(lesion, scope, passes):
    # an incidental lesion's statement (L2) meets nothing that reads the index lesion
    assert leaf_matches(Leaf(fact="site", lesion=scope), _roof(lesion=lesion)) is passes


@pytest.mark.parametrize(("related", "affirmed", "passes"), [
    (("neuropathy_finding",), (), True),  # named only as denied: "normal, without focal compression"
    (("neuropathy_finding",), ("neuropathy_finding",), False),  # "scarring cannot be excluded"
    ((), (), True),
])
def test_not_related_affirmed(related, affirmed, passes):
    leaf = Leaf.model_validate({"fact": "site", "not_related_affirmed": ["neuropathy_finding"]})
    assert leaf_matches(leaf, _roof(related=related, related_affirmed=affirmed)) is passes
