"""The pipeline as a spaCy package: config.cfg, entry points, rules saved and loaded with the pipeline."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from pathlib import Path

import pytest
from mednec.pipeline import build
from mednec.pipeline.build import config, load
from mednec.pipeline.resources import active_resources, resources_digest, use_resources
from mednec.pipeline.ruleset import MANIFEST

from mednec.core.errors import ResourceError

ROOT = Path(__file__).resolve().parents[2]
# a sample of whole corpora: every kind of document the gold cases hold (typed, faxed, OCR'd)
SAMPLE = [ROOT / "corpora" / "demo", ROOT / "corpora" / "cases", ROOT / "corpora" / "blind34"]
NEW_WORD = "zorbulent mass"  # no alias of the shipped knowledge base


@pytest.fixture
def shipped_rules_after():
    """Whatever a test loads, the process is back on the shipped rules afterwards."""
    yield
    use_resources(None)
    assert active_resources() is None


@pytest.fixture(scope="module")
def saved(tmp_path_factory, nlp) -> Path:
    path = tmp_path_factory.mktemp("saved") / "mednec_nlp"
    nlp.to_disk(path)
    return path


def _facts(reviewer, case_dir: Path) -> list[dict]:
    from mednec.review import load_case

    case = load_case(case_dir, known_codes=reviewer.known_codes)
    facts, _ = reviewer.read_case_facts(case)
    return [f.model_dump(mode="json") for f in facts]


def _rewrite(path: Path, name: str, edit) -> None:  # noqa: ANN001 - a str -> str function
    """Edit one saved rule file and record its new digest (an edit on purpose, not damage)."""
    target = path / "mednec_rules" / name
    target.write_text(edit(target.read_text(encoding="utf-8")), encoding="utf-8")
    manifest_file = path / "mednec_rules" / MANIFEST
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    manifest[name] = hashlib.sha256(target.read_bytes()).hexdigest()
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")


def test_build_follows_the_shipped_config(nlp):
    names = list(config()["nlp"]["pipeline"])
    assert nlp.pipe_names == names
    assert names[0] == "mednec_rules"  # the rules are in place before any component is built


@pytest.mark.parametrize(("text", "tokens"), [
    ("Femoral n./lumbar plexus", ["Femoral", "n.", "/", "lumbar", "plexus"]),
    ("FIND^Findings||No mass", ["FIND", "^", "Findings", "||", "No", "mass"]),
])
def test_the_registered_tokenizer_keeps_mednecs_infixes(nlp, text, tokens):
    assert [t.text for t in nlp.make_doc(text)] == tokens


def test_every_component_and_the_tokenizer_are_entry_points():
    try:
        dist = importlib.metadata.distribution("mednec")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        pytest.skip("mednec is not installed")
    declared = {(e.group, e.name) for e in dist.entry_points}
    for name in config()["nlp"]["pipeline"]:
        assert ("spacy_factories", name) in declared
    assert ("spacy_tokenizers", config()["nlp"]["tokenizer"]["@tokenizers"]) in declared


def test_saving_writes_every_rule_file_with_its_digest(saved):
    manifest = json.loads((saved / "mednec_rules" / MANIFEST).read_text(encoding="utf-8"))
    assert manifest == resources_digest()
    assert {"concepts.jsonl", "context_rules.jsonl", "lesions.yaml", "relations.jsonl"} <= set(manifest)


@pytest.mark.parametrize("corpus", SAMPLE, ids=lambda p: p.name)
def test_a_saved_and_loaded_pipeline_reads_every_fact_the_same(saved, reviewer, shipped_rules_after, corpus):
    from mednec.review import Reviewer

    if not corpus.is_dir():
        pytest.skip(f"{corpus} absent")
    cases = sorted(c for c in corpus.iterdir() if (c / "request.json").is_file())
    before = {c.name: _facts(reviewer, c) for c in cases}
    again = Reviewer(nlp=load(saved))
    after = {c.name: _facts(again, c) for c in cases}
    assert active_resources() == (saved / "mednec_rules").resolve()
    assert after == before
    assert sum(map(len, before.values())) > 10 * len(cases)  # (the comparison is of something)


def test_the_loaded_pipeline_runs_on_its_saved_rules(saved, tmp_path, shipped_rules_after):
    import shutil

    copy = tmp_path / "edited"
    shutil.copytree(saved, copy)
    text = f"MRI pelvis: {NEW_WORD} of the left ilium."
    shipped = build()
    assert all(s._.concept != "mass" or NEW_WORD not in s.text for s in shipped(text).spans["mednec"])

    def add_alias(jsonl: str) -> str:
        lines = jsonl.splitlines()
        for i, line in enumerate(lines):
            if line.startswith('{"concept": "mass",'):
                obj = json.loads(line)
                obj["aliases"].append(NEW_WORD)
                lines[i] = json.dumps(obj)
        return "\n".join(lines) + "\n"

    _rewrite(copy, "concepts.jsonl", add_alias)
    edited = load(copy)
    found = [(s.text, s._.concept) for s in edited(text).spans["mednec"]]
    assert (NEW_WORD, "mass") in found


def test_initialize_takes_the_rules_from_a_directory(saved, shipped_rules_after):
    from spacy.util import load_model_from_config

    cfg = build().config.copy()
    cfg["initialize"]["components"]["mednec_rules"] = {"resources": str(saved / "mednec_rules")}
    nlp = load_model_from_config(cfg, auto_fill=True)
    assert active_resources() is None  # built on the shipped rules ...
    nlp.initialize()
    assert active_resources() == (saved / "mednec_rules").resolve()  # ... initialized on the directory's
    assert [s._.concept for s in nlp("No epidural tumor.").spans["mednec"]] == ["compartment_extradural"]


@pytest.mark.parametrize(("damage", "problem"), [
    (lambda d: (d / "lesions.yaml").write_text("x: [", encoding="utf-8"), "differs from its manifest"),
    (lambda d: (d / "relations.jsonl").unlink(), "is missing"),
    (lambda d: (d / MANIFEST).unlink(), "no readable rule manifest"),
])
def test_damaged_saved_rules_are_one_line_errors(saved, tmp_path, shipped_rules_after, damage, problem):
    import shutil

    copy = tmp_path / "damaged"
    shutil.copytree(saved, copy)
    damage(copy / "mednec_rules")
    with pytest.raises(ResourceError) as err:
        load(copy)
    assert problem in str(err.value) and "\n" not in str(err.value)
    assert str(copy) in str(err.value)


def test_building_again_returns_to_the_shipped_rules(saved, shipped_rules_after):
    load(saved)
    assert active_resources() is not None
    build()
    assert active_resources() is None
