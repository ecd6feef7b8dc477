"""Every shipped data file loads and validates."""

from __future__ import annotations

from importlib import resources

import pytest

from mednec.core.errors import ResourceError


def test_every_pipeline_resource_validates():
    from mednec.pipeline.assertions import assertion_overrides
    from mednec.pipeline.context import relation_rule_specs
    from mednec.pipeline.doctype import doctype_config
    from mednec.pipeline.kb import load_kb
    from mednec.pipeline.laterality import laterality_config
    from mednec.pipeline.quantities import quantity_config
    from mednec.pipeline.resources import context_rule_specs
    from mednec.pipeline.sections import section_rule_specs

    assert len(load_kb().concepts) > 100
    assert context_rule_specs() and relation_rule_specs() and section_rule_specs()
    assert laterality_config().window > 0
    assert quantity_config().number_words["three"] == 3
    assert doctype_config()[0].types
    assert assertion_overrides().rules
    from mednec.pipeline.relations import relation_negation_config

    assert relation_negation_config().negators
    from mednec.pipeline.nonfindings import level_reference_config

    assert level_reference_config().before
    from mednec.pipeline.respell import load_config
    from mednec.pipeline.respell_vocab import vocabulary
    from mednec.pipeline.sentences import sentence_config

    assert load_config().sentence_heads and sentence_config().abbreviations
    assert len(vocabulary().known) > 80_000


def test_every_resource_file_is_read():
    names = {p.name for p in resources.files("mednec.pipeline").joinpath("resources").iterdir()}
    expected = {"concepts.jsonl", "relations.jsonl", "sections.jsonl", "context_rules.jsonl", "doctypes.yaml",
                "quantities.yaml", "laterality.yaml", "assertion_overrides.yaml", "relation_negation.yaml",
                "level_references.yaml", "respell.yaml", "sentences.yaml", "english_words.txt",
                "english_words.NOTICE.md"}
    assert expected <= names


def test_every_criteria_file_validates():
    from mednec.criteria.loader import code_files, load_criteria

    cs = load_criteria()
    assert {f.removesuffix(".yaml") for f in code_files()} == set(cs.codes)
    for code in ("27075", "27076", "27077", "27078", "63303", "63307", "64712", "64713", "64714"):
        assert code in cs.codes
    ids = {r.id for r in cs.references.references}
    for code in cs.codes.values():
        assert set(code.spec.citations) <= ids


def test_bad_jsonl_line_names_file_and_line(monkeypatch):
    from mednec.pipeline import resources as res

    monkeypatch.setattr(res, "resource_text", lambda name: '{"literal": "no", "category": "NOPE"}\n')
    with pytest.raises(ResourceError) as err:
        res.load_jsonl("context_rules.jsonl", res.ContextRuleSpec)
    assert "line 1" in str(err.value) and "context_rules.jsonl" in str(err.value)
