"""A5: encasement of a vessel planned for preservation left open leaves resectability open, until a
newer study settles it (corpora/blind27/q26: 180-270 degree contact with the external iliac artery,
"complete encasement cannot be excluded", CT angiography ordered)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CASE = Path(__file__).resolve().parents[2] / "corpora" / "blind27" / "q26"
MRI = "TCSC_restaging_MRI_pelvis_2026-01.txt"


def _a5(reviewer, case: Path) -> str:  # noqa: ANN001
    result, _ = reviewer.review(case)
    det = next(d for d in result.determinations if d.code == "27077")
    return next(c for c in det.criteria if c.id == "A5").status


def _copy(tmp_path: Path) -> Path:
    case = tmp_path / "q26"
    shutil.copytree(CASE, case)
    return case


def test_encasement_left_open_leaves_a5_open(reviewer) -> None:  # noqa: ANN001
    assert _a5(reviewer, CASE) == "insufficient"


@pytest.mark.parametrize("cta", [
    "CT ANGIOGRAPHY PELVIS\nDate of exam: 02/12/2026\nFindings: The residual mass abuts the left external iliac "
    "artery over less than 180 degrees without encasement; the artery is patent.\nImpression: No arterial "
    "encasement.\n",
])
def test_a_newer_study_that_settles_it_is_the_newer_word(reviewer, tmp_path: Path, cta: str) -> None:  # noqa: ANN001
    case = _copy(tmp_path)
    (case / "cta_pelvis_2026-02-12.txt").write_text(cta, encoding="utf-8")
    assert _a5(reviewer, case) == "met"


def test_encasement_stated_absent_is_no_question(reviewer, tmp_path: Path) -> None:  # noqa: ANN001
    case = _copy(tmp_path)
    mri = case / MRI
    text = mri.read_text(encoding="utf-8")
    text = text.replace("complete encasement cannot be excluded", "there is no encasement")
    text = text.replace("encasement\n   not excluded", "no\n   encasement")
    assert "excluded" not in text
    mri.write_text(text, encoding="utf-8")
    assert _a5(reviewer, case) == "met"
