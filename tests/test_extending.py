"""What a newcomer adds, each as README's "Rules are data" table says: one data change (a code change
of one function for a leaf filter) and this test. Each test makes the change in a copy of the shipped
rules, shows the shipped pipeline does not read the new words, and the changed one does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pydantic import create_model

from tests.lesions.charts import outcomes, write_case

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def rules_copy(tmp_path):
    """A copy of the shipped rule files; the process is back on the shipped rules afterwards."""
    from mednec.pipeline.resources import use_resources

    copy = tmp_path / "rules"
    shutil.copytree(ROOT / "pipeline" / "resources", copy)
    yield copy
    use_resources(None)


@pytest.fixture
def criteria_copy(tmp_path):
    """A copy of the shipped criteria files; the process is back on the shipped criteria afterwards."""
    from mednec.criteria.loader import use_criteria

    copy = tmp_path / "criteria"
    shutil.copytree(ROOT / "criteria", copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    yield copy
    use_criteria(None)


def _nerve_facts(nlp, text: str) -> list[tuple[str, str | None]]:
    import datetime as dt

    from mednec.pipeline import extract_facts

    facts = extract_facts(nlp(text), "mri.txt", "imaging", dt.date(2026, 3, 1))
    return [(f.concept, f.relation) for f in facts if f.kind == "nerve"]


def test_a_synonym_is_one_line_of_the_knowledge_base(nlp, rules_copy):
    from mednec.pipeline import build

    text = "The sarcoma abuts the left ischiadic nerve at the notch."
    assert ("sciatic_nerve", "abut") not in _nerve_facts(nlp, text)
    kb = rules_copy / "concepts.jsonl"
    lines = kb.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith('{"concept": "sciatic_nerve"'))
    entry = json.loads(lines[at])
    entry["aliases"].append("ischiadic nerve")  # the one data change
    lines[at] = json.dumps(entry)
    kb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert ("sciatic_nerve", "abut") in _nerve_facts(build(resources=rules_copy), text)


def test_a_relation_cue_is_one_line_of_relations(nlp, rules_copy):
    from mednec.pipeline import build

    text = "The sarcoma hugs the left sciatic nerve at the notch."
    assert ("sciatic_nerve", "contact") not in _nerve_facts(nlp, text)
    cue = {"literal": "hugs", "category": "REL_CONTACT", "direction": "BIDIRECTIONAL", "max_scope": 8,
           "pattern": "(?<![\\w-])hug(s|ged|ging)?(?![\\w])"}
    with (rules_copy / "relations.jsonl").open("a", encoding="utf-8") as out:
        out.write(json.dumps(cue) + "\n")  # the one data change
    assert ("sciatic_nerve", "contact") in _nerve_facts(build(resources=rules_copy), text)


def test_a_leaf_filter_is_one_registered_function():
    """A field on ``Leaf`` and one function registered for it; the evaluator runs every registered filter."""
    from mednec.criteria.leaf import FILTERS, leaf_filter, leaf_matches
    from mednec.criteria.schema import Leaf
    from mednec.models.evidence import EvidenceSpan
    from mednec.models.facts import SiteFact

    # (the field would be written into criteria/schema.py; a subclass stands for that edit here)
    WithWords = create_model("WithWords", __base__=Leaf, evidence_words=(int | None, None))  # noqa: N806
    fact = SiteFact(id="mri:0-5:acetabulum", concept="acetabulum", label="SITE", document="mri.txt",
                    document_type="imaging", sentence=0, region="acetabulum", relation="abut",
                    evidence=(EvidenceSpan(document="mri.txt", start=0, end=5, text="roof."),))
    try:
        @leaf_filter("evidence_words")
        def _evidence_words(value: int, f) -> bool:  # noqa: ANN001
            return len(f.evidence[0].text.split()) >= value

        assert leaf_matches(WithWords(fact="site", evidence_words=1), fact)
        assert not leaf_matches(WithWords(fact="site", evidence_words=3), fact)
        assert leaf_matches(WithWords(fact="site"), fact)  # an unset field filters nothing
    finally:
        FILTERS.pop("evidence_words", None)


PERONEAL_CODE = """\
code: "64708"
version: "1.0"
family: C
title: Neuroplasty, major peripheral nerve, arm or leg, open; other than specified (here the common peroneal nerve)
sided: true
citations: [kim_sciatic_2004]
conditions:
  requested_nerve_trunk:
    fact: nerve
    concept: [peroneal_nerve]
  requested_nerve_root:
    fact: nerve
    concept: [nerve_root]
    levels: [L4, L5, S1]
  neuropathy_symptoms:
    fact: finding
    category: [pain, paresthesia, sensory_deficit, motor_deficit]
    related: [peroneal_nerve]
  other_nerve_compromised:
    fact: nerve
    concept: [sciatic_nerve, femoral_nerve]
    relation: [contact, abut, displace, encase, extend, involve, tumor, compress]
  requested_nerve_preservation:
    any:
      - {fact: plan, category: [nerve_preservation], allow: [planned], target: [peroneal_nerve]}
      - {fact: plan, category: [nerve_preservation], allow: [planned], target: [none], related: [peroneal_nerve]}
  requested_nerve_sacrifice:
    any:
      - {fact: plan, category: [nerve_sacrifice], allow: [planned], target: [peroneal_nerve]}
      - {fact: plan, category: [nerve_sacrifice], allow: [planned], target: [none], related: [peroneal_nerve]}
criteria:
  - use: C0
  - use: C1
  - use: C2
  - use: "C1'"
  - use: "C2'"
  - use: "C3'"
pathways:
  - id: tumor
    title: Tumor-related neuroplasty (pathway 1)
    when: {ref: tumor_present}
    criteria: [C0, C1, C2]
  - id: entrapment
    title: Entrapment or scarring without tumor (pathway 2)
    when: otherwise
    criteria: [C0, "C1'", "C2'", "C3'"]
"""

MRI = ("MRI LEFT KNEE\nDate of service: 03/01/2026\nFINDINGS: 4 cm soft tissue mass at the left fibular neck. The "
       "mass abuts the left common peroneal nerve.\nIMPRESSION: Left fibular neck mass abutting the peroneal nerve.\n")
PATH = ("SURGICAL PATHOLOGY\nDate of service: 03/05/2026\nSpecimen: left fibular neck mass, core biopsy.\n"
        "DIAGNOSIS: Myxoid liposarcoma.\n")
NOTE = ("ORTHOPAEDIC ONCOLOGY\nDate of service: 03/10/2026\nPlan: wide resection of the left fibular neck sarcoma "
        "with neuroplasty of the left common peroneal nerve; the peroneal nerve will be preserved.\n")


def test_a_code_is_one_criteria_file(tmp_path, criteria_copy):
    from mednec.criteria.loader import use_criteria

    from mednec.review import Reviewer

    case = write_case(tmp_path, "p1", ["64708-LT"], {"mri_2026-03-01.txt": MRI, "path_2026-03-05.txt": PATH,
                                                     "note_2026-03-10.txt": NOTE})
    assert "64708" not in Reviewer().known_codes
    (criteria_copy / "codes" / "64708.yaml").write_text(PERONEAL_CODE, encoding="utf-8")  # the one data change
    use_criteria(criteria_copy)
    reviewer = Reviewer()
    assert "64708" in reviewer.known_codes
    outcome, statuses = outcomes(reviewer, case)["64708"]
    assert statuses == {"C0": "met", "C1": "met", "C2": "met"}, statuses
    assert outcome == "approve"
    # the code's own nerve decides: the same chart about the sciatic nerve does not meet C0
    sciatic = write_case(tmp_path, "p2", ["64708-LT"], {
        "mri_2026-03-01.txt": MRI.replace("common peroneal", "sciatic").replace("peroneal", "sciatic"),
        "path_2026-03-05.txt": PATH,
        "note_2026-03-10.txt": NOTE.replace("common peroneal", "sciatic").replace("peroneal", "sciatic")})
    assert outcomes(reviewer, sciatic)["64708"][1]["C0"] == "not_met"


def test_a_misnamed_concept_in_a_new_code_is_a_one_line_error(criteria_copy):
    from mednec.criteria.loader import load_criteria, use_criteria

    from mednec.core.errors import CriteriaError

    (criteria_copy / "codes" / "64708.yaml").write_text(
        PERONEAL_CODE.replace("[peroneal_nerve]", "[peroneal_nerv]"), encoding="utf-8")
    use_criteria(criteria_copy)
    with pytest.raises(CriteriaError, match=r"^\[E301\] .*64708\.yaml.*peroneal_nerv"):
        load_criteria()
