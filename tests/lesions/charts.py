"""Small charts, in our own words, for the lesion-model tests: one per family that approves,
and helpers to write a case folder and read its outcome."""

from __future__ import annotations

import json
from pathlib import Path

PATH_A = ("SURGICAL PATHOLOGY REPORT\nDate of service: 01/05/2026\nSpecimen: left iliac bone, core biopsy.\n"
          "FINAL DIAGNOSIS: High-grade conventional osteosarcoma.\n")
MRI_A = ("MRI PELVIS WITH AND WITHOUT CONTRAST\nDate of service: 01/02/2026\nFINDINGS: There is a 9 cm destructive "
         "mass of the left ilium. The mass abuts the left acetabular roof. No complete encasement of the external "
         "iliac vessels.\nIMPRESSION: Left iliac osteosarcoma abutting the left acetabular roof.\n")
CT_A = "CT CHEST\nDate of service: 01/03/2026\nIMPRESSION: No pulmonary metastases.\n"
NOTE_A = ("ORTHOPAEDIC ONCOLOGY CONSULT\nDate of service: 01/20/2026\nShe completed 3 cycles of neoadjuvant cisplatin "
          "and doxorubicin.\nStaging CT chest shows no metastatic disease.\nPlan: en bloc resection with wide margins "
          "of the left ilium and acetabulum (type I/II internal hemipelvectomy), with curative intent.\n")
FAMILY_A = {"path_2026-01-05.txt": PATH_A, "mri_2026-01-02.txt": MRI_A, "ct_2026-01-03.txt": CT_A,
            "note_2026-01-20.txt": NOTE_A}

PATH_B = ("SURGICAL PATHOLOGY\nDate of service: 02/02/2026\nSpecimen: L3 vertebral body, CT-guided biopsy.\n"
          "DIAGNOSIS: Metastatic renal cell carcinoma.\n")
MRI_B = ("MRI LUMBAR SPINE\nDate of service: 01/28/2026\nFINDINGS: Enhancing lesion replaces the L3 vertebral body "
         "with epidural extension compressing the thecal sac. There is a pathologic compression fracture of L3.\n"
         "No intradural abnormality.\nIMPRESSION: L3 metastasis with epidural extension.\n")
NOTE_B = ("SPINE SURGERY CONSULT\nDate of service: 02/05/2026\nBilateral leg weakness 4/5 and intractable pain. "
          "ECOG 1. Expected survival more than 12 months.\nPlan: L3 corpectomy with posterior stabilization.\n")
FAMILY_B = {"path_2026-02-02.txt": PATH_B, "mri_2026-01-28.txt": MRI_B, "note_2026-02-05.txt": NOTE_B}

MRI_C = ("MRI PELVIS\nDate of service: 03/01/2026\nFINDINGS: 7 cm soft tissue mass in the left gluteal region. "
         "The mass abuts the left sciatic nerve at the notch.\nIMPRESSION: Left gluteal mass abutting the sciatic "
         "nerve.\n")
PATH_C = ("SURGICAL PATHOLOGY\nDate of service: 03/05/2026\nSpecimen: left buttock mass, core biopsy.\n"
          "DIAGNOSIS: Myxoid liposarcoma.\n")
NOTE_C = ("ORTHOPAEDIC ONCOLOGY\nDate of service: 03/10/2026\nPlan: wide resection of the left gluteal sarcoma with "
          "neuroplasty of the left sciatic nerve; the sciatic nerve will be preserved.\n")
FAMILY_C = {"mri_2026-03-01.txt": MRI_C, "path_2026-03-05.txt": PATH_C, "note_2026-03-10.txt": NOTE_C}


def write_case(root: Path, name: str, requested: list[str], docs: dict[str, str]) -> Path:
    """A case folder ``root/name`` with its request and documents."""
    case = root / name
    case.mkdir(parents=True)
    (case / "request.json").write_text(json.dumps({"case_id": name, "requested": requested}))
    for file_name, text in docs.items():
        (case / file_name).write_text(text)
    return case


def outcomes(reviewer, case: Path) -> dict[str, tuple[str, dict[str, str]]]:
    """code -> (outcome, {criterion: status})."""
    result, _ = reviewer.review(case)
    return {d.code: (d.outcome, {c.id: c.status for c in d.criteria}) for d in result.determinations}


def edit(docs: dict[str, str], name: str, old: str, new: str) -> dict[str, str]:
    """A copy of ``docs`` with ``old`` replaced by ``new`` in document ``name`` (``old`` must be there)."""
    assert old in docs[name], (name, old)
    return {**docs, name: docs[name].replace(old, new)}
