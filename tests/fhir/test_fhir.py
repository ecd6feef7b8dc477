"""FHIR in and out (issue 18): PAS request Bundles become cases; determinations become PAS/DTR
response Bundles whose derivation references point at the exact chart words."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.fhir.pas import pas_bundle
from tests.reliability.conftest import ERROR_LINE, assert_no_traceback, run_cli

CORPORA = sorted(p for p in (ROOT / "corpora").iterdir() if p.is_dir())


def _statuses(result) -> dict:  # noqa: ANN001 - CaseResult
    return {(d.code, d.side): (d.outcome, tuple((c.id, c.status) for c in d.criteria)) for d in result.determinations}


def _attachment_texts(*bundles: dict) -> dict[str, str]:
    """'DocumentReference/<id>' -> the decoded text of its first attachment (Binary resolved)."""
    binaries = {f"Binary/{e['resource']['id']}": e["resource"]["data"] for b in bundles for e in b["entry"]
                if e["resource"]["resourceType"] == "Binary"}
    out = {}
    for b in bundles:
        for e in b["entry"]:
            res = e["resource"]
            if res["resourceType"] == "DocumentReference":
                att = res["content"][0]["attachment"]
                data = att.get("data") or binaries[att["url"]]
                out[f"DocumentReference/{res['id']}"] = base64.b64decode(data).decode("utf-8", errors="replace")
    return out


def _round_trip(reviewer, case: Path, tmp: Path, *, binary: bool = False) -> None:  # noqa: ANN001
    from mednec.fhir import import_bundle, response_bundle

    request_bundle = pas_bundle(case, binary=binary)
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "bundle.json").write_text(json.dumps(request_bundle), encoding="utf-8")
    imported = import_bundle(tmp / "bundle.json", tmp / "case")
    folder_result, _ = reviewer.review(case)
    result, loaded = reviewer.review(imported)
    assert _statuses(result) == _statuses(folder_result), case.name
    answer = response_bundle(result, loaded)  # validated with fhir.resources inside
    texts = _attachment_texts(request_bundle, answer)
    resources = [e["resource"] for e in answer["entry"]]
    claim_response = resources[0]
    assert claim_response["resourceType"] == "ClaimResponse"
    assert [i["itemSequence"] for i in claim_response["item"]] == list(range(1, len(result.determinations) + 1))
    codes = [x["valueCodeableConcept"]["coding"][0]["code"] for i in claim_response["item"]
             for x in i["adjudication"][0]["extension"][0]["extension"] if x["url"].endswith("reviewActionCode")]
    assert len(codes) == len(claim_response["item"]) and "A3" not in codes  # never "not certified"
    provenances = [r for r in resources if r["resourceType"] == "Provenance"]
    assert len(provenances) == len(result.determinations)
    for det, prov in zip(result.determinations, provenances, strict=True):
        spans = [ev for c in det.criteria for ev in c.evidence]
        entities = prov.get("entity", [])
        assert len(entities) == len(spans)
        for ev, entity in zip(spans, entities, strict=True):
            ext = {x["url"]: x for x in entity["extension"][0]["extension"]}
            text = texts[ext["reference"]["valueReference"]["reference"]]
            offset, length = ext["offset"]["valueInteger"], ext["length"]["valueInteger"]
            assert text[offset: offset + length] == ev.text


@pytest.mark.slow
@pytest.mark.parametrize("corpus", CORPORA, ids=[c.name for c in CORPORA])
def test_round_trip_of_every_gold_case(reviewer, tmp_path: Path, corpus: Path) -> None:  # noqa: ANN001
    cases = sorted(c for c in corpus.iterdir() if (c / "gold.json").is_file())
    assert cases
    for case in cases:
        _round_trip(reviewer, case, tmp_path / case.name)


def test_attachments_as_binary_entries(reviewer, tmp_path: Path) -> None:  # noqa: ANN001
    _round_trip(reviewer, ROOT / "corpora" / "demo" / "seed-patient", tmp_path, binary=True)


def test_review_actions_and_dtr_answers(reviewer, tmp_path: Path) -> None:  # noqa: ANN001
    from mednec.fhir import import_bundle, response_bundle

    case = ROOT / "corpora" / "blind6" / "k11"  # pend, refer and pend
    (tmp_path / "b.json").write_text(json.dumps(pas_bundle(case)))
    result, loaded = reviewer.review(import_bundle(tmp_path / "b.json", tmp_path / "case"))
    answer = response_bundle(result, loaded, created="2026-06-02T09:00:00Z")
    cr = answer["entry"][0]["resource"]
    actions = [i["adjudication"][0]["extension"][0]["extension"][0]["valueCodeableConcept"]["coding"][0]["code"]
               for i in cr["item"]]
    want = {"approve": "A1", "pend": "A4", "refer": "A4"}
    assert actions == [want[d.outcome] for d in result.determinations]
    assert len(cr["processNote"]) == sum(d.outcome != "approve" for d in result.determinations)
    qrs = [e["resource"] for e in answer["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse"]
    for det, qr in zip(result.determinations, qrs, strict=True):
        assert [(i["linkId"], i["answer"][0]["valueCoding"]["code"]) for i in qr["item"]] == \
            [(c.id, c.status) for c in det.criteria]
        origin = qr["item"][0]["extension"][0]
        assert origin["url"].endswith("information-origin") and origin["extension"][0]["valueCode"] == "auto"


@pytest.mark.slow
def test_scanned_attachments_read_as_in_the_folder(reviewer, tmp_path: Path) -> None:  # noqa: ANN001
    import shutil
    import sys

    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from packets import scan_pdf
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    src = ROOT / "corpora" / "demo" / "seed-patient"
    scanned = tmp_path / "scanned"
    scanned.mkdir()
    shutil.copy(src / "request.json", scanned / "request.json")
    for i, doc in enumerate(sorted(src.glob("*.txt"))):
        lines = [w for line in doc.read_text().splitlines() for w in (line[k: k + 68] for k in
                 range(0, max(len(line), 1), 68))]
        pages = [lines[k: k + 38] for k in range(0, len(lines), 38)]
        (scanned / f"{doc.stem}.pdf").write_bytes(scan_pdf(pages, seed=i))
    _round_trip(reviewer, scanned, tmp_path / "rt")


@pytest.mark.parametrize(("name", "bundle", "problem"), [
    ("not_fhir", {"hello": "world"}, "not a FHIR Bundle"),
    ("no_claim", {"resourceType": "Bundle", "type": "collection", "entry": []}, "no Claim"),
    ("no_items", "no_items", "has no items"),
    ("not_base64", "not_base64", "ase64"),
    ("url_attachment", "url_attachment", "fetches nothing"),
    ("bad_field", "bad_field", "Claim"),
])
def test_bad_bundles_are_one_line_errors(tmp_path: Path, cli_cache: Path, name: str, bundle, problem: str) -> None:  # noqa: ANN001
    if isinstance(bundle, str):
        base = pas_bundle(ROOT / "corpora" / "demo" / "seed-patient")
        claim = base["entry"][0]["resource"]
        doc = next(e["resource"] for e in base["entry"] if e["resource"]["resourceType"] == "DocumentReference")
        if bundle == "no_items":
            claim["item"] = []
        elif bundle == "not_base64":
            doc["content"][0]["attachment"]["data"] = "this is *not* base64!"
        elif bundle == "url_attachment":
            del doc["content"][0]["attachment"]["data"]
            doc["content"][0]["attachment"]["url"] = "https://example.org/chart/note.txt"
        elif bundle == "bad_field":
            claim["created"] = "yesterday"
        bundle = base
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    proc = run_cli(["fhir", "import", str(path), "--out", str(tmp_path / "case")], cli_cache)
    assert proc.returncode == 2
    assert_no_traceback(proc.stderr)
    line = proc.stderr.strip()
    assert len(line.splitlines()) == 1 and ERROR_LINE.match(line) and problem in line, line


def test_cli_import_then_review_as_fhir(tmp_path: Path, cli_cache: Path) -> None:
    from fhir.resources.R4B.bundle import Bundle

    (tmp_path / "b.json").write_text(json.dumps(pas_bundle(ROOT / "corpora" / "demo" / "seed-patient")))
    proc = run_cli(["fhir", "import", str(tmp_path / "b.json"), "-o", str(tmp_path / "case")], cli_cache)
    assert proc.returncode == 0, proc.stderr
    proc = run_cli(["review", str(tmp_path / "case"), "--format", "fhir"], cli_cache)
    assert proc.returncode == 0, proc.stderr
    answer = json.loads(proc.stdout)
    Bundle.model_validate(answer)
    assert answer["entry"][0]["resource"]["request"] == {"reference": "Claim/claim1"}


def test_triage_writes_a_response_bundle_per_case(tmp_path: Path) -> None:
    import shutil

    from fhir.resources.R4B.bundle import Bundle

    from mednec.triage import triage

    cases = tmp_path / "cases"
    for name in ("k01", "k02"):
        shutil.copytree(ROOT / "corpora" / "blind6" / name, cases / name)
    triage(cases, tmp_path / "out", workers=2, fhir=True)
    for name in ("k01", "k02"):
        answer = json.loads((tmp_path / "out" / "fhir" / f"{name}.json").read_text(encoding="utf-8"))
        Bundle.model_validate(answer)
        assert answer["entry"][0]["resource"]["resourceType"] == "ClaimResponse"
    # a resumed run without the Bundles on record reviews the case again to write them
    shutil.rmtree(tmp_path / "out" / "fhir")
    summary = triage(cases, tmp_path / "out", workers=1, resume=True, fhir=True)
    assert summary.skipped == 0 and (tmp_path / "out" / "fhir" / "k01.json").is_file()
