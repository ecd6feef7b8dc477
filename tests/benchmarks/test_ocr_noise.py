"""The seeded OCR-noise generator (benchmarks/ocr_noise.py) and the robustness report on one case."""

from __future__ import annotations

import hashlib
import sys
from collections import Counter
from pathlib import Path

import pytest

from mednec.documents.metrics import edit_distance
from tests.conftest import DEV_CASES, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import ocr_noise  # noqa: E402
import robustness  # noqa: E402
from ocr_noise import CONFUSIONS, KINDS, LEVELS, LIGATURES, noisy, plan  # noqa: E402

D01 = DEV_CASES / "d01"
PARAGRAPH = (
    "MRI PELVIS WITH AND WITHOUT CONTRAST\nDate of service: 10/20/2025\n"
    "FINDINGS: Inferiorly the mass abuts the left acetabular roof without definite intra-articular "
    "extension. Tumor contacts the left L5, S1 and S2 nerve roots and the left lumbosacral plexus. "
    "No neurovascular encasement. Sacral corpectomy is planned; the sciatic nerve will be preserved. "
    "She has completed 3 cycles of neoadjuvant cisplatin and doxorubicin. ECOG 0. Old scan reviewed.\n"
)
TEXT = PARAGRAPH * 12  # ~5,000 characters with sites for every kind of damage


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("level", tuple(LEVELS))
def test_same_seed_same_output(level: str) -> None:
    assert noisy(TEXT, level, 7) == noisy(TEXT, level, 7)
    assert noisy(TEXT, level, 7) != noisy(TEXT, level, 8)
    assert noisy(TEXT, level, 7) != TEXT


def test_heavy_damages_more_than_medium_more_than_mild() -> None:
    changed = {lv: edit_distance(TEXT, noisy(TEXT, lv, 3)) for lv in LEVELS}  # characters changed
    assert 0 < changed["mild"] < changed["medium"] < changed["heavy"]
    events = {lv: set(plan(TEXT, lv, 3)) for lv in LEVELS}
    assert events["mild"] <= events["medium"] <= events["heavy"]  # nested damage, same seed


@pytest.mark.parametrize("level", tuple(LEVELS))
def test_rates_match_the_documented_levels(level: str) -> None:
    n = sum(len(plan(TEXT, level, seed)) for seed in range(10))
    assert n / (10 * len(TEXT)) == pytest.approx(LEVELS[level], rel=0.25)


def test_every_kind_of_damage_occurs_as_documented() -> None:
    events = [e for seed in range(3) for e in plan(TEXT, "heavy", seed)]
    assert set(Counter(e.kind for e in events)) == set(KINDS)
    for e in events:
        assert TEXT[e.start:e.end] == e.original
        if e.kind == "confusion":
            assert e.replacement in CONFUSIONS[e.original]
        elif e.kind == "ligature":
            assert e.replacement == LIGATURES[e.original]
        elif e.kind in ("space_drop", "space_double", "line_break"):
            expected = {"space_drop": "", "space_double": "  ", "line_break": "\n"}[e.kind]
            assert e.original == " " and e.replacement == expected
            if e.kind == "line_break":
                assert TEXT[e.start - 1] not in ".:;!?"  # mid-sentence
        elif e.kind == "period_drop":
            assert e.original == "." and e.replacement == "" and TEXT[e.start + 1:e.start + 2] in (" ", "\n")
        elif e.kind == "char_drop":
            assert e.original.isalpha() and e.replacement == ""
        else:
            assert e.kind == "char_dup" and e.original.isalpha() and e.replacement == e.original * 2


def test_damage_lands_where_planned_without_overlap() -> None:
    events = plan(TEXT, "heavy", 1)
    out = noisy(TEXT, "heavy", 1)
    assert all(a.end <= b.start for a, b in zip(events, events[1:], strict=False))
    shift = prev = 0
    for e in events:
        pos = e.start + shift
        assert out[prev + shift:pos] == TEXT[prev:e.start]  # untouched text between events
        assert out[pos:pos + len(e.replacement)] == e.replacement
        shift += len(e.replacement) - len(e.original)
        prev = e.end
    assert out[prev + shift:] == TEXT[prev:]
    assert out.count("\n") > TEXT.count("\n") and out.count(".") < TEXT.count(".") and "  " in out
    digits = "".join(CONFUSIONS)
    assert sum(map(out.count, digits)) != sum(map(TEXT.count, digits))  # confusions show


def test_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown noise level"):
        noisy(TEXT, "extreme", 1)


def _tiny_case(root: Path) -> Path:
    case = root / "case"
    case.mkdir()
    (case / "request.json").write_text('{"case_id": "t-1", "requested": ["27076-LT"]}\n')
    (case / "gold.json").write_text('{"case_id": "t-1", "expected": {"27076": "pend"}}\n')
    (case / "mri.txt").write_text(TEXT)
    (case / "note.txt").write_text(PARAGRAPH * 3)
    return case


def test_cli_writes_a_noisy_copy_and_never_touches_request_or_gold(tmp_path: Path) -> None:
    case = _tiny_case(tmp_path)
    before = {p.name: _digest(p) for p in case.iterdir()}
    out = tmp_path / "noisy"
    assert ocr_noise.main([str(case), str(out), "--level", "medium", "--seed", "1"]) == 0
    assert {p.name: _digest(p) for p in case.iterdir()} == before  # the source is unchanged
    assert sorted(p.name for p in out.iterdir()) == sorted(before)
    for name in ("request.json", "gold.json"):
        assert (out / name).read_bytes() == (case / name).read_bytes()
    assert (out / "mri.txt").read_text() == noisy(TEXT, "medium", ocr_noise.document_seed(1, "mri.txt"))
    assert (out / "mri.txt").read_text() != TEXT and (out / "note.txt").read_text() != PARAGRAPH * 3
    assert ocr_noise.main([str(case), str(out), "--level", "medium", "--seed", "1"]) == 2  # not empty
    assert ocr_noise.main([str(case), str(case), "--force", "--seed", "1"]) == 2  # never in place
    assert {p.name: _digest(p) for p in case.iterdir()} == before


@pytest.mark.skipif(not D01.is_dir(), reason="../shared/cases/d01 is not available")
def test_robustness_on_d01_at_mild_level(reviewer) -> None:
    stats, changes = robustness.run([D01], ["mild"], [1], reviewer)
    st = stats["mild"]
    assert st.runs == 1 and st.codes == 3 and st.errors == 0
    assert st.new_approvals == 0
    assert st.spans > 0 and st.exact == st.spans
    assert all(ch.noisy != "approve" for ch in changes)
