"""A newer imaging report supersedes an older hedge (the ``newest`` leaf filter)."""

from __future__ import annotations

from pathlib import Path

CASE = Path(__file__).resolve().parents[2] / "corpora" / "blind3" / "f11"


def test_newer_clear_imaging_supersedes_an_older_hedge(reviewer) -> None:  # noqa: ANN001
    # the CT calls the plexus margin indeterminate; the MRI three weeks later finds the plexus
    # and femoral nerve separate from the mass, and its impression states no contact
    result, _ = reviewer.review(CASE)
    det = next(d for d in result.determinations if d.code == "64714")
    c1 = next(c for c in det.criteria if c.id == "C1")
    assert c1.status == "not_met"
    assert all(e.document.startswith("mri_") for e in c1.evidence)
    assert det.outcome == "refer"


def test_a_newer_hedge_is_not_superseded(reviewer, tmp_path: Path) -> None:  # noqa: ANN001
    import shutil

    # the same CT dated after the MRI: its indeterminate margin is now the newest word on the plexus
    case = tmp_path / "f11"
    shutil.copytree(CASE, case)
    ct = case / "ct_abdomen_pelvis_2026-08-03.txt"
    ct.with_name("ct_abdomen_pelvis_2026-10-05.txt").write_text(
        ct.read_text(encoding="utf-8").replace("Exam date: 08/03/2026", "Exam date: 10/05/2026"), encoding="utf-8")
    ct.unlink()
    result, _ = reviewer.review(case)
    det = next(d for d in result.determinations if d.code == "64714")
    assert next(c for c in det.criteria if c.id == "C1").status != "not_met"
