"""A whole case with length-changing OCR damage reads as the clean case, quoting the damaged words."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mednec.models import CaseResult

SEED = Path(__file__).resolve().parents[2] / "corpora" / "demo" / "seed-patient"

# (document, clean words, damaged words): each damage alone flipped an outcome before the repair
DAMAGE = [
    ("ortho_onc_note_2025-08-12.txt", "No complete encasement", "Nocomplete encasement"),
    ("mri_pelvis_restaging_2025-08-05.txt", "extradural without intradural", "extraduralwithout intradural"),
    ("mri_pelvis_restaging_2025-08-05.txt", "3. No complete", "3.No cornplete"),
    ("ortho_onc_note_2025-08-12.txt", "Chest CT without metastases", "Chest CT withhout metastases"),
    ("ortho_onc_note_2025-08-12.txt", "Chest CT without metastases", "Chest CT vvithout metastases"),
]


def _outcomes(result: CaseResult) -> dict[str, str]:
    return {d.code: d.outcome for d in result.determinations}


@pytest.mark.parametrize(("document", "clean", "damaged"), DAMAGE)
def test_damaged_case_keeps_its_outcome(reviewer, tmp_path: Path, document: str, clean: str, damaged: str) -> None:
    case = tmp_path / "seed-patient"
    shutil.copytree(SEED, case)
    path = case / document
    text = path.read_text(encoding="utf-8")
    assert clean in text
    path.write_text(text.replace(clean, damaged, 1), encoding="utf-8")
    clean_result, _ = reviewer.review(SEED)
    result, loaded = reviewer.review(case)
    assert _outcomes(result) == _outcomes(clean_result)
    texts = {d.info.id: d.text for d in loaded.documents}
    # evidence quotes the damaged document as it is (the repair only changed what the pipeline read)
    CaseResult.model_validate(result.model_dump(), context={"texts": texts})
