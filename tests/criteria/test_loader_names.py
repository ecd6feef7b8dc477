"""Names in criteria files are checked against the knowledge base when the criteria load."""

from __future__ import annotations

import pytest
from mednec.criteria.loader import check_refs, load_criteria
from mednec.criteria.schema import Leaf, Ref

from mednec.core.errors import CriteriaError


def test_shipped_criteria_use_only_known_names():
    assert load_criteria().codes


@pytest.mark.parametrize(("leaf", "message"), [
    ({"fact": "site", "concept": ["acetabulm"]}, "concepts"),
    ({"fact": "diagnosis", "category": ["osteosarcomas"]}, "categories"),
    ({"fact": "site", "region": ["pelvis_wing"]}, "regions"),
    ({"fact": "nerve", "subject_category": ["tumour"]}, "categories"),
    ({"fact": "plan", "not_related": ["sciatic"]}, "concepts"),
])
def test_unknown_names_are_refused(leaf, message):
    with pytest.raises(CriteriaError, match=message):
        check_refs(Leaf.model_validate(leaf), {}, "test")


def test_where_override_is_validated_at_load():
    names = {"roof": Leaf(fact="site", concept=["acetabulum"])}
    with pytest.raises(CriteriaError, match="where"):
        check_refs(Ref(ref="roof", where={"relaton": ["abut"]}), names, "test")
    with pytest.raises(CriteriaError, match="concepts"):
        check_refs(Ref(ref="roof", where={"concept": ["roof_of_acetabulum"]}), names, "test")
