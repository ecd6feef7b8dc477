"""The medspaCy adaptations (pipeline/medspacy_compat.py): a version guard, and adapted matchers
that return exactly what medspaCy's own would."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from mednec.pipeline.medspacy_compat import TESTED_VERSIONS, check_version, context_matcher, regex_patterns

from mednec.core.errors import MedspacyVersionError

REPO = Path(__file__).resolve().parents[2]

TEXTS = [
    "No evidence of metastatic disease. The mass abuts the sciatic nerve; contact cannot be excluded.",
    "History of chordoma, resected 2019. Possible recurrence at S2 versus postoperative change.\n"
    "Denies numbness. No intradural extension.",
    "Plan: en bloc resection if the roof is involved; otherwise curettage. Family history of sarcoma (mother).",
    "Ne metastases. NO\nINTRADURAL ABNORMALITY. Tumor is separate from the femoral nerve.",
]


@pytest.mark.parametrize(("version", "ok"), [
    ("1.3.1", True), ("1.3.0", True), ("1.4.0", False), ("2.0.1", False), ("1.2.9", False), ("unknown", False),
])
def test_version_guard(version, ok):
    if ok:
        check_version(version)
    else:
        with pytest.raises(MedspacyVersionError, match=r"^\[E302\] medspaCy .* is installed"):
            check_version(version)


def test_installed_medspacy_is_a_tested_version():
    import medspacy

    assert ".".join(medspacy.__version__.split(".")[:2]) in TESTED_VERSIONS
    check_version()


@pytest.mark.parametrize("text", TEXTS)
def test_adapted_context_matcher_matches_as_medspacy(nlp, text):
    """The pruned, filtered-regex matcher of mednec's ConText gives medspaCy's own matches: the same
    rules in a plain MedspacyMatcher (its own regex matcher, its own quadratic pruning)."""
    from medspacy.common.medspacy_matcher import MedspacyMatcher

    ours = context_matcher(nlp.get_pipe("mednec_context"))
    plain = MedspacyMatcher(nlp, name="plain", prune=True)
    plain.add(ours.rules)
    doc = nlp.make_doc(text)
    # (match ids are the rules' own names in both, so the lists compare as they are)
    got = [(nlp.vocab.strings[m], s, e) for m, s, e in ours(doc)]
    want = [(nlp.vocab.strings[m], s, e) for m, s, e in plain(doc)]
    # (medspaCy measures a match by its tokens, mednec without whitespace tokens: the texts here have
    # single spaces, where both measures agree)
    assert got == want
    assert got  # the texts carry cues


def test_regex_patterns_are_the_context_rules(nlp):
    patterns = list(regex_patterns(context_matcher(nlp.get_pipe("mednec_context"))))
    assert len(patterns) > 50
    assert all(hasattr(p, "finditer") for p in patterns)


def test_no_other_module_touches_a_private_medspacy_name():
    """Name-mangled medspaCy attributes and class swaps stand only in the compat module."""
    offenders = []
    for folder in ("pipeline", "criteria", "models", "mednec", "tests", "benchmarks"):
        for path in (REPO / folder).rglob("*.py"):
            if path.name == "medspacy_compat.py" or ".venv" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and (node.attr.startswith(("_ConText__", "_MedspacyMatcher__"))
                                                        or node.attr == "__class__" and isinstance(
                                                            getattr(node, "ctx", None), ast.Store)):
                    offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not offenders, offenders
