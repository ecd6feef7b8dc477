"""Turning one finding off in a copy of d01 changes the outcome the way POLICY says."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import DEV_CASES

D01 = DEV_CASES / "d01"
pytestmark = pytest.mark.skipif(not D01.is_dir(), reason="../shared/cases/d01 is not available")


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "d01"
    shutil.copytree(D01, dst)
    return dst


def _edit(case: Path, name: str, old: str, new: str) -> None:
    p = case / name
    text = p.read_text()
    assert old in text
    p.write_text(text.replace(old, new))


def _outcomes(reviewer, case: Path) -> dict[str, tuple[str, dict[str, str]]]:
    result, _ = reviewer.review(case)
    return {d.code: (d.outcome, {c.id: c.status for c in d.criteria}) for d in result.determinations}


def test_d01_approves_all_three_with_deciding_words(reviewer):
    result, _ = reviewer.review(D01)
    by = {d.code: d for d in result.determinations}
    assert {c: d.outcome for c, d in by.items()} == {"27076": "approve", "63303": "approve", "64712": "approve"}
    crit = {(d.code, c.id): c for d in result.determinations for c in d.criteria}
    assert all(c.status == "met" for c in crit.values())
    assert any("acetabular roof" in e.text for e in crit[("27076", "A2")].evidence)
    assert any("3 cycles" in e.text for e in crit[("27076", "A4")].evidence)
    assert any("nerve roots" in e.text or "lumbosacral plexus" in e.text for e in crit[("64712", "C1")].evidence)
    assert by["64712"].pathway == "tumor"


def test_without_chemotherapy_27076_pends(reviewer, tmp_path):
    case = _copy(tmp_path)
    onc = "med_onc_note_2026-01-12.txt"
    _edit(case, onc, "She has completed 3 cycles of neoadjuvant cisplatin and doxorubicin (C1 10/30/2025, "
          "C2 11/21/2025, C3 12/15/2025), complicated by grade 2 mucositis and one admission for febrile "
          "neutropenia after C2.", "")
    _edit(case, onc, "Returns after cycle 3. ", "")
    _edit(case, onc, " after 3 cycles of neoadjuvant AP", "")
    _edit(case, "mri_pelvis_2026-01-08.txt", ", status post 3 cycles of neoadjuvant cisplatin/doxorubicin", "")
    _edit(case, "ortho_onc_consult_2026-01-13.txt", ", s/p 3 cycles of neoadjuvant cisplatin/doxorubicin", "")
    out = _outcomes(reviewer, case)
    assert out["27076"][0] == "pend"
    assert out["27076"][1]["A4"] == "insufficient"


def test_nerve_to_be_resected_refers_64712(reviewer, tmp_path):
    case = _copy(tmp_path)
    _edit(case, "ortho_onc_consult_2026-01-13.txt", "the nerves will be preserved for limb salvage. "
          "Nerve sacrifice is not planned.", "the sciatic nerve will be resected.")
    out = _outcomes(reviewer, case)
    assert out["64712"][0] == "refer"
    assert out["64712"][1]["C2"] == "not_met"


def test_acetabulum_free_refers_27076(reviewer, tmp_path):
    case = _copy(tmp_path)
    for name in ("mri_pelvis_2025-10-20.txt", "mri_pelvis_2026-01-08.txt"):
        p = case / name
        text = p.read_text()
        text = text.replace("Inferiorly the mass abuts the left acetabular roof without definite intra-articular "
                            "extension.", "The left acetabulum is not involved.")
        text = text.replace("The mass continues to abut the left acetabular roof.",
                            "The left acetabulum is free of tumor.")
        text = text.replace("The mass abuts the left acetabular roof.", "The left acetabulum is not involved.")
        p.write_text(text)
    _edit(case, "ortho_onc_consult_2026-01-13.txt", " and abuts the left acetabular roof", "")
    out = _outcomes(reviewer, case)
    assert out["27076"][1]["A2"] == "not_met"
    assert out["27076"][0] == "refer"


def test_hedged_pathology_pends_a1(reviewer, tmp_path):
    case = _copy(tmp_path)
    _edit(case, "pathology_2025-10-24.txt", "- HIGH-GRADE OSTEOSARCOMA, conventional type, predominantly osteoblastic.",
          "- Atypical osteoid-forming lesion, suspicious for osteosarcoma.")
    _edit(case, "pathology_2025-10-24.txt", "The findings are diagnostic of high-grade conventional osteosarcoma.",
          "The findings are concerning for osteosarcoma; a larger sample is needed.")
    for name in ("med_onc_note_2026-01-12.txt", "ortho_onc_consult_2026-01-13.txt"):
        p = case / name
        text = p.read_text().replace("biopsy-proven", "suspected")
        p.write_text(text.replace("CT-guided biopsy 10/22/2025", "suspected"))
    out = _outcomes(reviewer, case)
    assert out["27076"][1]["A1"] == "insufficient"
    assert out["27076"][0] == "pend"
