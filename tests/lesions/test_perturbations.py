"""Perturbations of approving charts: the outcome changes only when the meaning does.

Adding an incidental benign lesion at another level or on the other side, renaming or
reordering the documents changes nothing; moving a hedge from its sentence to the next one
changes nothing either (the finding is uncertain both ways); an addendum that retracts a
finding takes it away.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import DEV_CASES, ROOT
from tests.lesions.charts import FAMILY_A, edit, outcomes, write_case
from tests.test_cases import CORPORA

SEED = ROOT / "corpora" / "demo" / "seed-patient"
D04 = DEV_CASES / "d04"


def _copy(src: Path, tmp_path: Path, name: str = "case") -> Path:
    dst = tmp_path / name
    shutil.copytree(src, dst)
    return dst


def _append(case: Path, name: str, after: str, text: str) -> None:
    p = case / name
    body = p.read_text()
    assert after in body, (name, after)
    p.write_text(body.replace(after, after + text, 1))


def test_seed_incidental_lesions_change_nothing(reviewer, tmp_path):
    base = outcomes(reviewer, SEED)
    case = _copy(SEED, tmp_path)
    # a bone island on the other side, a hemangioma at a thoracic level, a benign cyst in the right ilium
    _append(case, "mri_pelvis_2025-05-19.txt", "No left hip effusion.",
            " Incidental 6 mm bone island in the right acetabular roof. A typical hemangioma is present in the "
            "T11 vertebral body. Simple bone cyst of the right iliac wing.")
    assert outcomes(reviewer, case) == base


def test_seed_renamed_and_reordered_documents_change_nothing(reviewer, tmp_path):
    base = outcomes(reviewer, SEED)
    case = _copy(SEED, tmp_path)
    # names that sort the other way round and say nothing about the document
    for i, p in enumerate(sorted(case.glob("*.txt"), reverse=True)):
        p.rename(case / f"{i:02d}_scan_{p.stat().st_size}.txt")
    assert outcomes(reviewer, case) == base


@pytest.mark.skipif(not D04.is_dir(), reason="../shared/cases/d04 is not available")
def test_d04_incidental_lumbar_lesion_at_another_level_changes_nothing(reviewer, tmp_path):
    base = outcomes(reviewer, D04)
    case = _copy(D04, tmp_path)
    mri = next(case.glob("mri_*.txt"))
    body = mri.read_text()
    mri.write_text(body.rstrip("\n") + "\nIncidental typical hemangioma in the L1 vertebral body; no other lesion.\n")
    assert outcomes(reviewer, case) == base


HEDGED_SAME = "The mass possibly abuts the left acetabular roof."
HEDGED_NEXT = "The mass abuts the left acetabular roof. This may represent reactive edema rather than tumor."
ABUTS = "The mass abuts the left acetabular roof."
IMPRESSION = "IMPRESSION: Left iliac osteosarcoma abutting the left acetabular roof."


@pytest.mark.parametrize("hedged", [HEDGED_SAME, HEDGED_NEXT], ids=["same_sentence", "next_sentence"])
def test_hedge_in_its_sentence_or_the_next_leaves_a2_insufficient(reviewer, tmp_path, hedged):
    docs = edit(edit(FAMILY_A, "mri_2026-01-02.txt", ABUTS, hedged), "mri_2026-01-02.txt", IMPRESSION,
                "IMPRESSION: Left iliac osteosarcoma.")
    got = outcomes(reviewer, write_case(tmp_path, "hedge", ["27076-LT"], docs))["27076"]
    assert got[0] == "pend" and got[1]["A2"] == "insufficient"


def test_addendum_retracting_a_finding_takes_it_away(reviewer, tmp_path):
    base = outcomes(reviewer, write_case(tmp_path, "base", ["27076-LT"], FAMILY_A))["27076"]
    assert base[1]["A2"] == "met"
    docs = edit(FAMILY_A, "mri_2026-01-02.txt", IMPRESSION,
                IMPRESSION + "\nADDENDUM: The mass does not reach the acetabular roof, which is free of tumor.")
    got = outcomes(reviewer, write_case(tmp_path, "addendum", ["27076-LT"], docs))["27076"]
    assert got[1]["A2"] == "not_met"


def test_reread_supersedes_the_outside_read(reviewer, tmp_path):
    outside = ("OUTSIDE MRI PELVIS\nDate of service: 01/02/2026\nFINDINGS: 9 cm mass of the left ilium. "
               "The mass is separate from the left acetabular roof.\nIMPRESSION: Left iliac mass.\n")
    reread = ("SECOND OPINION INTERPRETATION OF OUTSIDE IMAGING\nDate of service: 01/09/2026\n"
              "Study reviewed: outside MRI pelvis dated 01/02/2026.\nFINDINGS: The mass abuts the left acetabular "
              "roof.\nIMPRESSION: Left iliac osteosarcoma abutting the left acetabular roof.\n")
    docs = {k: v for k, v in FAMILY_A.items() if k != "mri_2026-01-02.txt"}
    with_reread = {**docs, "mri_2026-01-02.txt": outside, "mri_reread_2026-01-09.txt": reread}
    case = write_case(tmp_path, "reread", ["27076-LT"], with_reread)
    assert outcomes(reviewer, case)["27076"][1]["A2"] == "met"
    from mednec.review import load_case

    facts, _ = reviewer.read_case_facts(load_case(case))
    outside_roof = [f for f in facts if f.document == "mri_2026-01-02.txt" and f.concept == "acetabulum"]
    assert outside_roof and all(f.assertion.superseded for f in outside_roof)
    assert all("re-read" in (f.assertion.superseded_by or "") for f in outside_roof)


def test_seed_fax_headers_on_every_document_change_nothing(reviewer, tmp_path):
    base = outcomes(reviewer, SEED)
    case = _copy(SEED, tmp_path)
    for i, p in enumerate(sorted(case.glob("*.txt")), 2):
        header = f"AUG-12-2025 15:49 FROM-ORTHO ONCOLOGY CLINIC  (555)010-2000  P.{i:03d}/008\n"
        footer = "\nPage 1 of 1\n"
        p.write_text(header + p.read_text() + footer)
    assert outcomes(reviewer, case) == base


# the corpora the gold test reads (tests/test_cases.py): a blind batch joins once its first run is
# recorded and its fixes are in (corpora/blind15 is recorded, its fixes not finished)
CORPORA_CASES = sorted(c for corpus in CORPORA for c in corpus.glob("*") if (c / "gold.json").is_file())


def _rewrap(src: Path, dst: Path, width: int) -> None:
    """Copy a case with every document hard-wrapped at ``width`` characters, as a fax or an OCR
    text layer breaks lines wherever the page ends."""
    import textwrap

    dst.mkdir(parents=True)
    for f in src.iterdir():
        if f.suffix == ".txt":
            lines = [w for line in f.read_text().splitlines() for w in (textwrap.wrap(line, width) or [""])]
            (dst / f.name).write_text("\n".join(lines) + "\n")
        elif f.is_file():
            shutil.copy(f, dst / f.name)


# Rewrapped cases known to decide otherwise (corpora/blind22/README.md, session 10), kept strict: a
# fix shows up as an unexpected pass and the entry must go.
KNOWN_REWRAP_MISSES: dict[tuple[int, str, str], str] = {
    (55, "blind44", "y80"): "rewrapped at 55 columns, 63303 pends where the text approves (corpora/blind44/README.md; "
                            "a safe-direction move, not yet analysed)",
}


@pytest.mark.slow
@pytest.mark.parametrize("width", [55, 80])
def test_corpus_cases_rewrapped_at_another_width_decide_the_same(reviewer, tmp_path, width):
    """Where a line breaks carries no meaning: a sentence wrapped onto the next line (after a
    comma, an abbreviation's period, a clause-ending colon, a short all-caps word, a side word)
    keeps its negation, hedge, side, target nerve and plan."""
    changed = []
    for case in CORPORA_CASES:
        wrapped = tmp_path / case.parent.name / case.name
        _rewrap(case, wrapped, width)
        before = {code: o for code, (o, _) in outcomes(reviewer, case).items()}
        after = {code: o for code, (o, _) in outcomes(reviewer, wrapped).items()}
        if before != after:
            changed.append((width, case.parent.name, case.name))
    known = {k for k in KNOWN_REWRAP_MISSES if k[0] == width}
    assert set(changed) == known, (sorted(set(changed) - known), sorted(known - set(changed)))


def _requested_side(case: Path) -> str | None:
    """The one side the request names, if it names exactly one."""
    import json

    sides = set()
    for item in json.loads((case / "request.json").read_text())["requested"]:
        text = json.dumps(item).lower()
        sides |= {side for side, marks in (("left", ("-lt", "left")), ("right", ("-rt", "right")))
                  if any(m in text for m in marks)}
    return next(iter(sides)) if len(sides) == 1 else None


def _perturb(src: Path, dst: Path) -> None:
    """Copy a case as another sender would have sent it: a fax header line on top of every
    document, opaque file names (the date kept: it is a hint when the content has none), and in
    its first imaging report with an impression an incidental benign lesion where no criterion
    may use it (the other side, or a vertebra no code of the case names)."""
    import hashlib
    import re

    dst.mkdir(parents=True)
    side = _requested_side(src)
    other = {"left": "right", "right": "left"}.get(side or "")
    added = False
    for i, f in enumerate(sorted(src.iterdir()), 2):
        if f.suffix != ".txt":
            if f.is_file():
                shutil.copy(f, dst / f.name)
            continue
        text = f.read_text()
        impression = re.search(r"(?im)^\s*impression", text)
        if not added and impression and re.search(r"(?i)\b(?:mri|ct)\b", text[:300]):
            lesion = (f"Incidental 6 mm bone island in the {other} femoral head, unchanged." if other else
                      "Incidental typical hemangioma in the T3 vertebral body, unchanged.")
            text = text[:impression.start()] + lesion + "\n" + text[impression.start():]
            added = True
        date = re.search(r"\d{4}-\d\d-\d\d", f.name)
        name = "doc_" + hashlib.sha1(f.name.encode()).hexdigest()[:6] + (f"_{date.group()}" if date else "")
        header = f"MAR-02-2026 09:12 FROM-ORTHO ONCOLOGY CLINIC  (555)010-2000  P.{i:03d}/009\n"
        (dst / (name + ".txt")).write_text(header + text)


@pytest.mark.slow
def test_corpus_cases_sent_otherwise_decide_the_same(reviewer, tmp_path):
    """Every gold case of corpora/, with a fax header on every document, opaque file names and an
    incidental benign lesion on the other side (or at T3), decides every code as it did."""
    wrong = []
    for case in CORPORA_CASES:
        sent = tmp_path / case.parent.name / case.name
        _perturb(case, sent)
        before = {code: o for code, (o, _) in outcomes(reviewer, case).items()}
        after = {code: o for code, (o, _) in outcomes(reviewer, sent).items()}
        if after != before:
            wrong.append((case.parent.name, case.name, before, after))
    assert not wrong
