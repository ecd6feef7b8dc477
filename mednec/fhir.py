"""FHIR in and out: a Da Vinci PAS request Bundle becomes a case folder; a determination becomes
a response Bundle (ClaimResponse, DTR QuestionnaireResponses, Provenance).

In: ``import_bundle`` reads a PAS ``Claim/$submit`` Bundle (FHIR R4 JSON): the Claim (use
``preauthorization``) gives the CPT codes, their laterality (modifier LT/RT or a bodySite
laterality) and item sequences; the Patient gives age and sex; identifiers, the provider and the
dates give the request metadata (CONTRACT v1.1); every attachment of a DocumentReference (or a
Binary of the Bundle, or the Claim's supportingInfo) becomes a chart document file. What the
answer must point back to (item sequences, resource references) is kept in ``fhir-source.json``
beside ``request.json``; the loader never reads it as a document.

Out: ``response_bundle`` answers with one ClaimResponse (one item per Claim item, PAS
reviewAction ``A1`` certified for approve, ``A4`` pended for pend and refer: the machine never
answers ``A3``, not certified), one QuestionnaireResponse per code whose items are the criteria
(information-origin ``auto``: a machine answered), and one Provenance per code whose entities
cite the documents with a derivation-reference extension (offset and length, in characters) for
every evidence span. A document mednec read through OCR, or whose text differs from the decoded
attachment, is answered with a derived text DocumentReference (relatesTo ``transforms``) so that
every offset applies to a text the receiver holds.

Resources are built and validated with ``fhir.resources`` (its R4B module: the same shapes as R4
for these resources).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mednec.core.errors import CaseError, OutputError
from mednec.outputs import write_atomic

SOURCE_FILE = "fhir-source.json"
"""The file of a case folder that records where the case came from in a PAS Bundle."""
CPT = "http://www.ama-assn.org/go/cpt"
SNOMED = "http://snomed.info/sct"
NPI = "http://hl7.org/fhir/sid/us-npi"
X12_306 = "https://codesystem.x12.org/005010/306"
PAS = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/"
DTR = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/"
ORIGIN_CODES = "http://hl7.org/fhir/us/davinci-dtr/CodeSystem/dtr-informationorigin-codes"
DERIVATION = "http://hl7.org/fhir/StructureDefinition/derivation-reference"
STATUS_SYSTEM = "urn:mednec:criterion-status"
SIDES = {"LT": "left", "RT": "right"}
# SNOMED CT laterality qualifiers a bodySite may carry
LATERALITY = {"7771000": "left", "24028007": "right"}
SUFFIXES = {"text/plain": ".txt", "application/pdf": ".pdf", "image/tiff": ".tif", "image/tif": ".tif",
            "image/png": ".png", "image/jpeg": ".jpg"}
MAX_BUNDLE_BYTES = 300 * 1024 * 1024
REVIEW_ACTION = {"approve": ("A1", "Certified in total"), "pend": ("A4", "Pended"), "refer": ("A4", "Pended")}


class BundleError(CaseError):
    """A FHIR Bundle that cannot become a case: not FHIR, no Claim, a bad attachment..."""

    code = "E105"


# ---------------------------------------------------------------------------------------------
# in: a PAS request Bundle -> a case folder
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Doc:
    file: str
    reference: str  # "DocumentReference/<id>" (or "Binary/<id>")
    path: str  # the attachment's FHIRPath within that resource
    data: bytes


def _read_bundle(path: Path) -> dict:
    from mednec.review import BadNumber, loads_bounded

    try:
        size = path.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            raise BundleError(f"the Bundle is {size} bytes, over the {MAX_BUNDLE_BYTES // 2**20} MiB limit", path)
        data = loads_bounded(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError as exc:
        raise BundleError("file not found", path) from exc
    except OSError as exc:
        raise BundleError(f"cannot be read ({exc.strerror or type(exc).__name__})", path) from exc
    except UnicodeDecodeError as exc:
        raise BundleError("not UTF-8 JSON", path) from exc
    except json.JSONDecodeError as exc:
        raise BundleError(f"not JSON (line {exc.lineno}: {exc.msg})", path) from exc
    except (RecursionError, BadNumber) as exc:
        raise BundleError(f"not a usable JSON document ({exc or 'nested too deeply'})", path) from exc
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        kind = data.get("resourceType") if isinstance(data, dict) else None
        raise BundleError(f"not a FHIR Bundle (resourceType {kind!r})", path)
    return data


def _validate(resource: dict, where: str, path: Path) -> None:
    """Validate one resource with fhir.resources (R4B); the first problem names its field."""
    from fhir.resources.R4B import get_fhir_model_class

    kind = resource.get("resourceType")
    try:
        model = get_fhir_model_class(str(kind))
    except (KeyError, ValueError) as exc:
        raise BundleError(f"{where}: unknown resourceType {kind!r}", path) from exc
    try:
        model.model_validate(resource)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"] if p != "__root__") or "resource"
        raise BundleError(f"{where}.{field}: {first['msg']}", path) from None


class _Index:
    """The Bundle's resources by every name a reference may use."""

    def __init__(self, bundle: dict, path: Path) -> None:
        self.path = path
        self.by_ref: dict[str, dict] = {}
        self.resources: list[tuple[str, dict]] = []
        entries = bundle.get("entry") or []
        if not isinstance(entries, list):
            raise BundleError("Bundle.entry must be a list", path)
        for i, entry in enumerate(entries):
            res = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(res, dict) or "resourceType" not in res:
                raise BundleError(f"Bundle.entry[{i}]: no resource", path)
            where = f"Bundle.entry[{i}].resource ({res['resourceType']})"
            _validate(res, where, path)
            self.resources.append((where, res))
            if entry.get("fullUrl"):
                self.by_ref[str(entry["fullUrl"])] = res
            if res.get("id"):
                self.by_ref[f"{res['resourceType']}/{res['id']}"] = res

    def of_type(self, kind: str) -> list[tuple[str, dict]]:
        return [(w, r) for w, r in self.resources if r["resourceType"] == kind]

    def resolve(self, ref: dict | None) -> dict | None:
        if not isinstance(ref, dict) or not ref.get("reference"):
            return None
        key = str(ref["reference"])
        return self.by_ref.get(key) or self.by_ref.get(key.split("/_history")[0])

    @staticmethod
    def name_of(res: dict) -> str:
        return f"{res['resourceType']}/{res.get('id', '')}"


def _side_of(item: dict, where: str, path: Path) -> str | None:
    sides = set()
    for mod in item.get("modifier") or []:
        for coding in mod.get("coding") or []:
            if str(coding.get("code", "")).upper() in SIDES:
                sides.add(SIDES[str(coding["code"]).upper()])
    sites = item.get("bodySite")
    for site in sites if isinstance(sites, list) else [sites] if sites else []:
        for coding in site.get("coding") or []:
            if str(coding.get("code")) in LATERALITY:
                sides.add(LATERALITY[str(coding["code"])])
    if len(sides) > 1:
        raise BundleError(f"{where}: the modifiers and bodySite name both sides", path)
    return sides.pop() if sides else None


def _code_of(item: dict, where: str, path: Path) -> str:
    codings = (item.get("productOrService") or {}).get("coding") or []
    codes = [str(c.get("code", "")) for c in codings if c.get("system") in (CPT, None)]
    code = next((c for c in codes if re.fullmatch(r"\d{5}", c)), None)
    if code is None:
        raise BundleError(f"{where}.productOrService: no 5-digit CPT code", path)
    return code


def _age(patient: dict, on: dt.date) -> int | None:
    born = patient.get("birthDate")
    try:
        birth = dt.date.fromisoformat(str(born)[:10]) if born and len(str(born)) >= 10 else None
    except ValueError:
        return None
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _slug(text: str, limit: int = 60) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()
    return slug[:limit].rstrip("_") or "document"


def _attachment_bytes(att: dict, index: _Index, where: str) -> bytes:
    if att.get("data") is not None:
        try:
            return base64.b64decode(str(att["data"]), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BundleError(f"{where}.data: the attachment is not base64", index.path) from exc
    url = att.get("url")
    if url:
        target = index.by_ref.get(str(url))
        if target is not None and target.get("resourceType") == "Binary" and target.get("data") is not None:
            try:
                return base64.b64decode(str(target["data"]), validate=True)
            except (binascii.Error, ValueError) as exc:
                raise BundleError(f"{where}.url: Binary {url!r} is not base64", index.path) from exc
        raise BundleError(f"{where}.url: {str(url)[:80]!r} is not in the Bundle and mednec fetches nothing "
                          "(send the attachment inline or as a Binary entry)", index.path)
    raise BundleError(f"{where}: an attachment with neither data nor url", index.path)


def _documents(index: _Index, claim: dict) -> list[_Doc]:
    """Every attachment of the request, as a document file: the DocumentReferences (those the
    Claim's supportingInfo names first) and attachments inline in supportingInfo."""
    refs: list[dict] = []
    for info in claim.get("supportingInfo") or []:
        target = index.resolve(info.get("valueReference"))
        if target is not None and target.get("resourceType") == "DocumentReference" and target not in refs:
            refs.append(target)
    refs += [res for _, res in index.of_type("DocumentReference") if res not in refs]
    # (reference, FHIRPath, attachment, title, date) of every attachment, in order
    found: list[tuple[str, str, dict, str, str]] = []
    for res in refs:
        for i, content in enumerate(res.get("content") or []):
            att = content.get("attachment") or {}
            title = att.get("title") or res.get("description") or (res.get("type") or {}).get("text")
            found.append((index.name_of(res), f"DocumentReference.content[{i}].attachment", att,
                          str(title or "document"), str(res.get("date") or att.get("creation") or "")[:10]))
    for i, info in enumerate(claim.get("supportingInfo") or []):
        if isinstance(info.get("valueAttachment"), dict):
            att = info["valueAttachment"]
            found.append((f"Claim/{claim.get('id', '')}", f"Claim.supportingInfo[{i}].valueAttachment", att,
                          str(att.get("title") or "attachment"), str(att.get("creation") or "")[:10]))
    docs: list[_Doc] = []
    used: set[str] = set()
    for reference, path, att, title, date in found:
        where = f"{reference}.{path.split('.', 1)[1]}" if reference.startswith("DocumentReference") \
            else path
        kind = str(att.get("contentType", "")).split(";")[0].strip().lower()
        if kind not in SUFFIXES:
            raise BundleError(f"{where}.contentType: {kind or 'missing'!r} is not a document type mednec "
                              f"reads ({', '.join(sorted(SUFFIXES))})", index.path)
        data = _attachment_bytes(att, index, where)
        if re.fullmatch(r"\d{4}-\d\d-\d\d", date):  # the date once, at the end (a hint for the reader)
            stem = f"{len(docs) + 1:02d}_{_slug(title.replace(date, ''))}_{date}"
        else:
            stem = f"{len(docs) + 1:02d}_{_slug(title)}"
        file = stem + SUFFIXES[kind]
        while file in used:
            file = f"{stem}_{len(used)}{SUFFIXES[kind]}"
        used.add(file)
        docs.append(_Doc(file, reference, path, data))
    return docs


def import_bundle(bundle_path: Path, case_dir: Path) -> Path:
    """Write the case folder of a PAS request Bundle: request.json, one file per attachment and
    ``fhir-source.json``. Raises a one-line ``BundleError`` naming the resource and the field."""
    bundle = _read_bundle(bundle_path)
    index = _Index(bundle, bundle_path)
    claims = [(w, r) for w, r in index.of_type("Claim") if r.get("use") == "preauthorization"] \
        or index.of_type("Claim")
    if not claims:
        raise BundleError("the Bundle holds no Claim", bundle_path)
    if len(claims) > 1:
        raise BundleError(f"the Bundle holds {len(claims)} Claims; a PAS request holds one", bundle_path)
    where, claim = claims[0]
    if claim.get("use") != "preauthorization":
        raise BundleError(f"{where}.use: {claim.get('use')!r}, not 'preauthorization'", bundle_path)
    items = claim.get("item") or []
    if not items:
        raise BundleError(f"{where}.item: the Claim has no items", bundle_path)
    requested, source_items = [], []
    for i, item in enumerate(items):
        iw = f"{where}.item[{i}]"
        code, side = _code_of(item, iw, bundle_path), _side_of(item, iw, bundle_path)
        requested.append({"code": code, "side": side} if side else {"code": code})
        source_items.append({"sequence": int(item.get("sequence", i + 1)), "code": code, "side": side})
    patient = index.resolve(claim.get("patient")) or {}
    created = str(claim.get("created") or "")
    try:
        on = dt.date.fromisoformat(created[:10]) if created else dt.date.today()
    except ValueError:
        on = dt.date.today()
    ident = next((x.get("value") for x in claim.get("identifier") or [] if x.get("value")), None)
    case_id = _slug(str(ident or claim.get("id") or bundle_path.stem), 80).replace("_", "-")
    request: dict[str, Any] = {"case_id": case_id, "requested": requested}
    sex = {"female": "F", "male": "M", "other": "other", "unknown": "unknown"}.get(str(patient.get("gender")))
    age = _age(patient, on)
    if sex or age is not None:
        request["patient"] = {k: v for k, v in (("age", age), ("sex", sex)) if v is not None}
    if ident:
        request["authorization_id"] = str(ident)
    member = next((x.get("value") for x in patient.get("identifier") or [] if x.get("value")), None)
    if member:
        names = patient.get("name") or [{}]
        family, given = names[0].get("family", ""), " ".join(names[0].get("given") or [])
        request["member"] = {"id": str(member), "name": f"{family}, {given}".strip(", ") or None}
    provider = index.resolve(claim.get("provider")) or {}
    npi = next((x.get("value") for x in provider.get("identifier") or [] if x.get("system") == NPI), None)
    if provider:
        pname = provider.get("name")
        if isinstance(pname, list):
            pname = " ".join([*(pname[0].get("given") or []), pname[0].get("family", "")]).strip() if pname else None
        request["provider"] = {k: v for k, v in (("npi", npi), ("name", pname)) if v}
    if re.fullmatch(r"\d{4}-\d\d-\d\dT.*(Z|[+-]\d\d:\d\d)", created):
        request["received_at"] = created
    priority = str(((claim.get("priority") or {}).get("coding") or [{}])[0].get("code", ""))
    request["urgency"] = "expedited" if priority in {"stat", "urgent", "expedited"} else "standard"
    docs = _documents(index, claim)
    if not docs:
        raise BundleError(f"{where}: the Bundle carries no clinical document (DocumentReference or attachment)",
                          bundle_path)
    source = {
        "bundle": bundle_path.name,
        "claim": f"Claim/{claim.get('id', '')}",
        "patient": (claim.get("patient") or {}).get("reference"),
        "insurer": (claim.get("insurer") or {}).get("reference"),
        "items": source_items,
        "documents": {d.file: {"reference": d.reference, "path": d.path} for d in docs},
    }
    try:
        case_dir.mkdir(parents=True, exist_ok=True)
        if any(p for p in case_dir.iterdir() if not p.name.startswith(".")):
            raise BundleError("the case folder is not empty", case_dir)
        write_atomic(case_dir / "request.json", json.dumps(request, indent=2, ensure_ascii=False) + "\n")
        for d in docs:
            write_atomic(case_dir / d.file, d.data)
        write_atomic(case_dir / SOURCE_FILE, json.dumps(source, indent=2) + "\n")
    except OSError as exc:
        raise OutputError(f"cannot write the case folder ({exc.strerror or type(exc).__name__})", case_dir) from exc
    return case_dir


# ---------------------------------------------------------------------------------------------
# out: a determination -> a PAS response Bundle
# ---------------------------------------------------------------------------------------------

def _source_of(case_dir: Path, result: Any) -> dict:  # noqa: ANN401 - CaseResult
    """``fhir-source.json`` of an imported case, or the same shape for a plain case folder."""
    try:
        return json.loads((case_dir / SOURCE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        items = [{"sequence": i + 1, "code": d.code, "side": d.side} for i, d in enumerate(result.determinations)]
        return {"claim": f"Claim/{result.case_id}", "patient": None, "insurer": None, "items": items,
                "documents": {}}


def _ext(url: str, **value: Any) -> dict:  # noqa: ANN401 - one value[x]
    return {"url": url, **value}


def _cc(system: str | None, code: str, display: str | None = None, text: str | None = None) -> dict:
    coding = {k: v for k, v in (("system", system), ("code", code), ("display", display)) if v}
    out: dict[str, Any] = {"coding": [coding]}
    if text:
        out["text"] = text
    return out


def _doc_id(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9\-.]", "-", name)[:64]


def response_bundle(result: Any, case: Any, *, created: str | None = None) -> dict:  # noqa: ANN401
    """The PAS response Bundle of a reviewed case: built from fhir.resources models, returned as
    the JSON object the library serialises."""
    source = _source_of(case.path, result)
    created = created or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    patient = {"reference": source["patient"]} if source.get("patient") else {"display": f"case {result.case_id}"}
    texts = {d.info.id: d for d in case.documents}
    by_seq = {}
    dets = list(result.determinations)
    for item in source["items"]:
        det = next((d for d in dets if d.code == item["code"] and d.side == item.get("side")), None)
        if det is not None:
            by_seq[item["sequence"]] = det
    # every evidence span must point into a text the receiver holds
    doc_refs: dict[str, tuple[str, str]] = {}
    derived: list[dict] = []
    for doc_id, doc in texts.items():
        origin = source["documents"].get(doc.info.source_file or doc_id) or source["documents"].get(doc_id)
        original = None
        if origin and doc.info.source == "text" and not doc.info.source_file:
            raw = (case.path / doc_id).read_bytes()
            original = raw.decode("utf-8", errors="replace")
        if origin and original == doc.text:
            doc_refs[doc_id] = (origin["reference"], origin["path"])
            continue
        rid = f"text-{_doc_id(doc_id)}"
        resource = {
            "resourceType": "DocumentReference", "id": rid, "status": "current",
            "description": f"Text of {doc_id} as mednec read it ({doc.info.source})",
            "content": [{"attachment": {"contentType": "text/plain; charset=utf-8", "title": doc_id,
                                        "data": base64.b64encode(doc.text.encode("utf-8")).decode("ascii")}}],
        }
        if origin:
            resource["relatesTo"] = [{"code": "transforms", "target": {"reference": origin["reference"]}}]
        derived.append(resource)
        doc_refs[doc_id] = (f"DocumentReference/{rid}", "DocumentReference.content[0].attachment")
    items, notes = [], []
    for seq, det in sorted(by_seq.items()):
        action, display = REVIEW_ACTION[det.outcome]
        review = [_ext(PAS + "extension-reviewActionCode", valueCodeableConcept=_cc(X12_306, action, display))]
        if det.outcome != "approve":
            why = ("referred for physician review: the chart contradicts a criterion" if det.outcome == "refer"
                   else "pended for documentation: " + "; ".join(det.missing)[:900])
            review.append(_ext("reasonCode", valueCodeableConcept={"text": why}))
            notes.append({"number": len(notes) + 1, "type": "display",
                          "text": f"Item {seq} ({det.code}): {why}"})
        items.append({"itemSequence": seq, "adjudication": [{
            "category": _cc("http://terminology.hl7.org/CodeSystem/adjudication", "submitted"),
            "extension": [_ext(PAS + "extension-reviewAction", extension=review)],
        }]})
    claim_response = {
        "resourceType": "ClaimResponse", "id": f"{_doc_id(result.case_id)}-response",
        "meta": {"profile": [PAS + "profile-claimresponse"]},
        "status": "active", "type": _cc("http://terminology.hl7.org/CodeSystem/claim-type", "professional"),
        "use": "preauthorization", "patient": patient, "created": created,
        "insurer": {"reference": source["insurer"]} if source.get("insurer") else {"display": "health plan"},
        "request": {"reference": source["claim"]}, "outcome": "complete", "item": items,
    }
    if notes:
        claim_response["processNote"] = notes
    entries: list[dict] = [claim_response]
    device = {"resourceType": "Device", "id": "mednec",
              "deviceName": [{"name": f"mednec {result.mednec_version}", "type": "model-name"}]}
    for _, det in sorted(by_seq.items()):
        qr_id = f"{_doc_id(result.case_id)}-{det.code}{('-' + det.side) if det.side else ''}"
        answers = []
        for c in det.criteria:
            answers.append({
                "linkId": c.id, "text": c.title or c.id,
                "extension": [_ext(DTR + "information-origin", extension=[
                    _ext("source", valueCode="auto"),
                    _ext("author", valueReference={"reference": "Device/mednec"})])],
                "answer": [{"valueCoding": {"system": STATUS_SYSTEM, "code": c.status,
                                            "display": c.status.replace("_", " ")}}],
            })
        entries.append({
            "resourceType": "QuestionnaireResponse", "id": f"qr-{qr_id}",
            "meta": {"profile": [DTR + "dtr-questionnaireresponse"]},
            "questionnaire": f"urn:mednec:criteria:{det.code}", "status": "completed", "subject": patient,
            "authored": created, "author": {"reference": "Device/mednec"}, "item": answers,
        })
        entities = []
        for c in det.criteria:
            for ev in c.evidence:
                ref, path = doc_refs.get(ev.document, (None, None))
                if ref is None:
                    continue
                entities.append({"role": "source", "what": {"reference": ref, "display": f"{det.code} {c.id}"},
                                 "extension": [_ext(DERIVATION, extension=[
                                     _ext("reference", valueReference={"reference": ref}),
                                     _ext("path", valueString=path),
                                     _ext("offset", valueInteger=ev.start),
                                     _ext("length", valueInteger=ev.end - ev.start)])]})
        provenance = {
            "resourceType": "Provenance", "id": f"prov-{qr_id}",
            "target": [{"reference": f"QuestionnaireResponse/qr-{qr_id}"},
                       {"reference": f"ClaimResponse/{claim_response['id']}"}],
            "recorded": created,
            "agent": [{"type": _cc("http://terminology.hl7.org/CodeSystem/provenance-participant-type", "assembler"),
                       "who": {"reference": "Device/mednec"}}],
        }
        if entities:
            provenance["entity"] = entities
        entries.append(provenance)
    entries.append(device)
    entries.extend(derived)
    from fhir.resources.R4B import get_fhir_model_class
    from fhir.resources.R4B.bundle import Bundle, BundleEntry

    # each resource becomes its fhir.resources model (validated field by field), and the Bundle is
    # what the library serialises: mednec never sends a shape the R4(B) models would refuse
    bundle = Bundle(type="collection", timestamp=created, entry=[
        BundleEntry(fullUrl=f"urn:mednec:{e['resourceType']}/{e['id']}",
                    resource=get_fhir_model_class(e["resourceType"]).model_validate(e))
        for e in entries])
    return json.loads(bundle.model_dump_json(exclude_none=True))


def response_json(result: Any, case: Any, *, created: str | None = None) -> str:  # noqa: ANN401
    """The response Bundle as JSON text."""
    return json.dumps(response_bundle(result, case, created=created), indent=2, ensure_ascii=False) + "\n"
