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


def test_without_the_newer_report_the_hedge_stands(reviewer, tmp_path: Path) -> None:  # noqa: ANN001
    import shutil

    case = tmp_path / "f11"
    shutil.copytree(CASE, case)
    for p in case.glob("mri_*.txt"):
        p.unlink()
    for p in case.glob("*.txt"):  # the notes that quote the MRI go too
        if "MRI" in p.read_text(encoding="utf-8"):
            p.unlink()
    result, _ = reviewer.review(case)
    det = next(d for d in result.determinations if d.code == "64714")
    assert next(c for c in det.criteria if c.id == "C1").status != "not_met"
