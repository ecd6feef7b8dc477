"""Whole cases: every dev case and every corpus case against its gold.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import recorded
from tests.conftest import CORPUS_CASES, DEV_CASES, ROOT

# The team's annotated cases: written from POLICY (cases), blind (written without reading
# the rules, to estimate held-out accuracy) and the seed patient's demo case.
BLIND = ("", *range(2, 45))
CORPORA = [CORPUS_CASES, ROOT / "corpora" / "demo"] + [ROOT / "corpora" / f"blind{n}" for n in BLIND]


def _cases(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if (p / "gold.json").is_file()) if root.is_dir() else []


def _corpus_cases() -> list[Path]:
    return [c for root in CORPORA for c in _cases(root)]


_REVIEWED: dict[Path, tuple] = {}


def _review(reviewer, case: Path) -> tuple:
    """A corpus case's review, once per session (four tests read each case)."""
    if case not in _REVIEWED:
        _REVIEWED[case] = reviewer.review(case)
    return _REVIEWED[case]


def _check(reviewer, case: Path) -> tuple[int, int, list[str]]:
    gold = json.loads((case / "gold.json").read_text())
    result, loaded = _review(reviewer, case)
    texts = {d.info.id: d.text for d in loaded.documents}
    by = {d.code: d for d in result.determinations}
    n = ok = 0
    problems = []
    for code, expected in gold["expected"].items():
        n += 1
        got = by[code].outcome
        ok += got == expected
        if got == "approve" and expected != "approve":
            problems.append(f"false approval {case.name}/{code}")
        for crit in by[code].criteria:
            if crit.status in ("met", "not_met"):
                assert crit.evidence, f"{case.name}/{code}/{crit.id} decided without evidence"
            for e in crit.evidence:
                assert texts[e.document][e.start : e.end] == e.text
    return n, ok, problems


@pytest.mark.parametrize("case", _cases(DEV_CASES), ids=lambda p: p.name)
def test_dev_case_matches_gold(reviewer, case):
    gold = json.loads((case / "gold.json").read_text())
    result, _ = reviewer.review(case)
    got = {d.code: d.outcome for d in result.determinations}
    assert got == gold["expected"]
    statuses = {d.code: {c.id: c.status for c in d.criteria} for d in result.determinations}
    for code, crits in gold.get("criteria", {}).items():
        assert statuses[code] == crits


# The misses each corpus's README records as not fixed (so its figure is below 1.000); a strict
# xfail, so a fix shows up and the entry must go.
KNOWN_MISSES: dict[tuple[str, str], str] = {
    ("blind34", "c25"): "a course of therapy dated by the season in words (from the first week of September to the "
                        "week before Christmas) gives no duration",
    ("blind39", "o39"): "a template's superior pubic ramus and an addendum's inferior ramus are one concept, so the "
                        "addendum that restates one ramus supersedes the other",
    ("blind42", "x62"): "a sacral foramen's hedged soft tissue is the root that exits there (S3), not read as a nerve, "
                        "so a free sciatic notch denies contact (refer for pend)",
    ("blind43", "y76"): "a sarcoma named only in the records of its resection years before, with later imaging "
                        "showing no recurrence, still makes the tumor pathway apply (pend for refer)",
    # blind44: recorded at its first run with its false-approval classes fixed; these are the next work
    ("blind44", "x81"): "an injection injury's nerve read on the tumor pathway (pend for refer)",
    ("blind44", "x84"): "a nerve 'kept in continuity' not read as preserved (pend for approve)",
    ("blind44", "x87"): "a count of ultrasound applications read as a short course (refer for pend)",
    ("blind44", "y78"): "B4 insufficient where performance status and survival are stated (pend for approve)",
    ("blind44", "y84"): "an epineurial dissection with the specimen read as the nerve's sacrifice (refer for approve)",
    ("blind44", "y85"): "an incidental lipoma elsewhere puts a scarred nerve on the tumor pathway (pend for approve)",
    ("blind44", "y88"): "B4 insufficient where performance status and survival are stated (pend for approve)",
}


def _corpus_param(case: Path):
    reason = KNOWN_MISSES.get((case.parent.name, case.name))
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(case, marks=marks, id=f"{case.parent.name}/{case.name}")


@pytest.mark.parametrize("case", _corpus_cases(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_case_never_falsely_approves(reviewer, case):
    _, _, problems = _check(reviewer, case)
    assert not problems


@pytest.mark.parametrize("case", [_corpus_param(c) for c in _corpus_cases()])
def test_corpus_case_decides_as_gold(reviewer, case):
    """Every corpus holds its recorded figure: each code's outcome is the gold's."""
    gold = json.loads((case / "gold.json").read_text())["expected"]
    result, _ = _review(reviewer, case)
    assert {d.code: d.outcome for d in result.determinations} == gold


def test_every_corpus_case_is_recorded():
    """The record of outputs covers exactly the corpus cases these tests read."""
    assert set(recorded.recorded()) == {recorded.key(c) for c in _corpus_cases()}


@pytest.mark.parametrize("case", _corpus_cases(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_case_output_as_recorded(reviewer, case):
    """Each case decides and cites exactly as recorded (``python -m tests.recorded`` lists the cases a
    change moves; ``--update`` re-records them with a change meant to move them)."""
    want = recorded.recorded().get(recorded.key(case))
    assert want is not None, f"{recorded.key(case)} is not recorded: python -m tests.recorded --update"
    assert recorded.digest(_review(reviewer, case)[0]) == want, \
        f"{recorded.key(case)} decides or cites otherwise than recorded"


def test_corpus_outcome_accuracy(reviewer):
    cases = _corpus_cases()
    assert len(cases) >= 24
    n = ok = 0
    for case in cases:
        a, b, _ = _check(reviewer, case)
        n, ok = n + a, ok + b
    # Raised as the rules improve; the held-out set expects >= 0.95.
    assert ok / n >= 0.95, f"corpus outcome accuracy {ok}/{n}"
