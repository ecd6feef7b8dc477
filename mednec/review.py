"""Review one case folder: documents -> pipeline -> facts -> criteria -> CaseResult.

The NLP pipeline and the criteria are loaded once per :class:`Reviewer` (once per process);
every case after that only runs ``nlp.pipe`` and the evaluator.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from mednec import __version__
from mednec.core.errors import (
    CaseError,
    CaseLimitError,
    DocumentError,
    DocumentLimitError,
    MednecError,
    MemoryLimitError,
    ProcessingError,
    RequestError,
    UnknownCodeError,
)
from mednec.models import CaseRequest, CaseResult, DocumentInfo

if TYPE_CHECKING:  # the pipeline package imports spaCy; document readers must not
    from mednec.pipeline.offsets import OffsetMap

log = logging.getLogger(__name__)

RESERVED = frozenset({"request.json", "gold.json"})
# Limits (docs/limits.md). Per document, the loader also enforces MAX_TEXT_BYTES and MAX_PAGES.
MAX_DOCUMENTS = 200
"""Most chart documents one case may have."""
MAX_REQUEST_BYTES = 1024 * 1024
"""Largest request.json accepted, in bytes."""
MAX_CASE_BYTES = 256 * 1024 * 1024
"""Largest total size of a case's document files, in bytes (checked before anything is read)."""
MAX_DOCUMENT_CHARS = 1_000_000
"""Most characters of text one document may yield (spaCy's ``max_length``)."""
MAX_CASE_CHARS = 2_000_000
"""Most characters of text all documents of a case may yield together."""


@dataclass(frozen=True)
class CaseDocument:
    """A document of a case as the pipeline reads it."""

    info: DocumentInfo
    text: str
    analysed: str | None = None
    """The copy the pipeline reads: OCR damage repaired (None: ``text`` itself)."""
    offsets: OffsetMap | None = None
    """An ``OffsetMap`` from ``analysed`` back to ``text`` when the repair changed its length."""


@dataclass(frozen=True)
class LoadedCase:
    """A validated request and its readable documents."""

    path: Path
    request: CaseRequest
    documents: tuple[CaseDocument, ...]


@dataclass(frozen=True)
class Reading:
    """A reviewed case: its result, the case as loaded and every fact read (the evidence view
    draws the mentions that decided nothing from them, without a second pass over the documents)."""

    result: CaseResult
    case: LoadedCase
    facts: tuple


MAX_INT_DIGITS = 30
"""Longest integer accepted anywhere in request.json (Python refuses over 4,300 digits with a
ValueError deep inside the JSON parser; no field of the contract needs more than a few)."""


class BadNumber(ValueError):
    """A number in an input JSON document that no field could mean."""


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise BadNumber(f"an integer of {len(text.lstrip('-'))} digits (at most {MAX_INT_DIGITS})")
    return int(text)


def _json_constant(name: str) -> float:
    raise BadNumber(f"{name}, which is not a JSON number")


def loads_bounded(text: str) -> object:
    """``json.loads`` for input from outside (request.json, FHIR Bundles): integers of at most
    ``MAX_INT_DIGITS`` digits, no NaN or Infinity (raises ``BadNumber``)."""
    return json.loads(text, parse_int=_json_int, parse_constant=_json_constant)


def read_request(case_dir: Path, known_codes: set[str] | None = None) -> CaseRequest:
    """Parse and validate ``request.json`` (contract v1); raise a one-line error otherwise."""
    path = case_dir / "request.json"
    try:
        if not case_dir.is_dir():
            raise CaseError("case folder not found or not a folder", case_dir)
        if not path.is_file():
            if not any(case_dir.iterdir()):
                raise CaseError("the case folder is empty (no request.json, no documents)", case_dir)
            problem = "request.json is not a file" if path.exists() else "request.json is missing"
            raise RequestError(problem, path)
        size = path.stat().st_size
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise CaseError(f"case folder cannot be read ({reason})", case_dir) from exc
    if size == 0:
        raise RequestError("request.json is empty", path)
    if size > MAX_REQUEST_BYTES:
        limit = MAX_REQUEST_BYTES // 1024
        raise CaseLimitError(f"request.json is {size} bytes, over the {limit} KiB limit", path)
    try:
        raw = path.read_bytes()
        if not raw.strip():
            raise RequestError("request.json is empty (only whitespace)", path)
        # a leading byte-order mark is harmless; numbers are parsed with bounds (see _json_int)
        data = loads_bounded(raw.decode("utf-8-sig"))
        json.dumps(data, ensure_ascii=False).encode("utf-8")  # no lone surrogate escapes ("\ud800")
    except UnicodeDecodeError as exc:
        raise RequestError("request.json is not UTF-8 text", path) from exc
    except UnicodeEncodeError as exc:
        raise RequestError("request.json holds an invalid \\u escape (a lone surrogate)", path) from exc
    except json.JSONDecodeError as exc:
        raise RequestError(f"request.json is not valid JSON (line {exc.lineno}: {exc.msg})", path) from exc
    except RecursionError as exc:
        raise RequestError("request.json is nested too deeply", path) from exc
    except BadNumber as exc:
        raise RequestError(f"request.json holds {exc}", path) from exc
    except OSError as exc:
        raise RequestError(f"request.json cannot be read ({exc.strerror})", path) from exc
    if not isinstance(data, dict):
        raise RequestError("request.json must hold a JSON object", path)
    try:
        request = CaseRequest.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "request"
        raise RequestError(f"invalid request: {where}: {first['msg']}", path) from exc
    if known_codes is not None:
        unknown = sorted({r.code for r in request.requested} - known_codes)
        if unknown:
            raise UnknownCodeError(f"no criteria for code(s) {', '.join(unknown)}", path)
    return request


def document_paths(case_dir: Path) -> list[Path]:
    """The chart documents of a case, sorted; symlinks that leave the folder are not followed."""
    from mednec.documents import SUPPORTED_SUFFIXES

    try:
        root = case_dir.resolve()
        entries = sorted(case_dir.iterdir())
    except (OSError, RuntimeError) as exc:
        raise CaseError(f"case folder cannot be listed ({type(exc).__name__})", case_dir) from exc
    out = []
    for p in entries:
        if p.name.startswith(".") or p.name in RESERVED or p.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        try:
            if p.is_symlink():
                target = p.resolve()
                if root not in target.parents:
                    log.warning("%s: symlink pointing outside the case folder was not followed", p)
                    continue
                if target.parent == root and target.name in RESERVED:
                    log.warning("%s: symlink to %s was not followed", p, target.name)
                    continue
            if p.is_file():
                out.append(p)
        except (OSError, RuntimeError):  # a symlink loop, a vanished or unreadable entry
            log.warning("%s: unreadable entry (broken or looping link) was skipped", p)
    return out


def _check_case_size(paths: list[Path], case_dir: Path) -> None:
    """Refuse a case over ``MAX_DOCUMENTS`` or ``MAX_CASE_BYTES`` before reading any document."""
    if len(paths) > MAX_DOCUMENTS:
        raise CaseLimitError(f"the case has {len(paths)} documents; the limit is {MAX_DOCUMENTS}", case_dir)
    total = 0
    for p in paths:
        try:
            total += p.stat().st_size
        except OSError as exc:
            raise DocumentError(f"cannot read file ({exc.strerror or type(exc).__name__})", p) from exc
    if total > MAX_CASE_BYTES:
        raise CaseLimitError(f"the documents total {total / 2**20:.0f} MiB, over the "
                             f"{MAX_CASE_BYTES // 2**20} MiB case limit", case_dir)


def _load(path: Path, cache_dir: Path | None, ocr_workers: int):  # noqa: ANN202 - LoadedText
    """Load one document; any failure of the loader becomes a one-line ``DocumentError``."""
    from mednec.documents import load_document

    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError as exc:  # the name becomes the evidence's document id, in UTF-8 JSON
        raise DocumentError("the file name is not valid UTF-8; rename the file", path) from exc
    try:
        loaded = load_document(path, cache_dir=cache_dir, workers=ocr_workers)
    except MednecError:
        raise
    except MemoryError as exc:
        raise MemoryLimitError("reading the document went over the per-case memory limit", path) from exc
    except Exception as exc:  # noqa: BLE001 - a hostile file must not crash the review
        log.debug("loader failed on %s", path, exc_info=True)
        raise DocumentError(f"the document cannot be read ({type(exc).__name__})", path) from exc
    if not loaded.text.strip():
        raise DocumentError("the document has no text", path)
    if len(loaded.text) > MAX_DOCUMENT_CHARS:
        raise DocumentLimitError(f"the document has {len(loaded.text)} characters of text, over the "
                                 f"{MAX_DOCUMENT_CHARS:,}-character limit", path)
    return loaded


def load_case(case_dir: Path, *, known_codes: set[str] | None = None, cache_dir: Path | None = None,
              ocr_workers: int = 1) -> LoadedCase:
    """Read the request and every document of a case folder."""
    request = read_request(case_dir, known_codes)
    paths = document_paths(case_dir)
    if not paths:
        raise CaseError("the case has no chart documents (.txt, .pdf, .png, .jpg, .tif)", case_dir)
    _check_case_size(paths, case_dir)
    from mednec.pipeline.packets import page_file_groups

    docs: list[CaseDocument] = []
    chars = 0
    for group in page_file_groups(paths):
        loaded = []
        for p in group:
            one = _load(p, cache_dir, ocr_workers)
            chars += len(one.text)
            if chars > MAX_CASE_CHARS:
                raise CaseLimitError(f"the documents hold over {MAX_CASE_CHARS:,} characters of text together "
                                     "(case limit)", case_dir)
            loaded.append(one)
        if len(group) == 1 and loaded[0].pages <= 1:
            docs.append(_document(group[0].name, loaded[0].text, loaded[0]))
        else:
            docs.extend(_packet_documents(group, loaded))
    return LoadedCase(case_dir, request, tuple(_case_date_order(docs)))


def _case_date_order(docs: list[CaseDocument]) -> list[CaseDocument]:
    """Dates of one chart are written one way: a document whose own numeric dates read either way
    ("Date: 04/12/2025") is read day first when two or more documents of the case can only be read
    day first ("18/12/2025") and none only month first. A chart that mixes a US note into a European
    record shows a month-first date somewhere, and then nothing changes."""
    from mednec.pipeline import infer_date
    from mednec.pipeline.doctype import day_first, month_first

    texts = [d.analysed or d.text for d in docs]
    firsts = [day_first(t) for t in texts]
    if sum(firsts) < 2 or any(month_first(t) for t in texts):
        return docs
    out = []
    for doc, text, known in zip(docs, texts, firsts, strict=True):
        date = doc.info.date
        # (a packet's parts are documents of the chart like any other: a faxed UK chart's "03/12/2025"
        # is the 3rd of December in the packet as in the typed chart)
        if not known and date is not None and not doc.info.cover:
            reread = infer_date(text, doc.info.id, day_first_order=True)
            if reread is not None and reread.isoformat() != date:
                doc = dataclasses.replace(doc, info=doc.info.model_copy(update={"date": reread.isoformat()}))
        out.append(doc)
    return out


def _document(doc_id: str, text: str, loaded, **extra) -> CaseDocument:  # noqa: ANN001, ANN003 - LoadedText
    """A document of the case: its text repaired for reading, its type and date from its content."""
    from mednec.pipeline import infer_date, infer_type, structured_date

    name = extra.pop("name_hint", doc_id)
    analysed, offsets = analyse_text(text)
    # a structured export's own date field (HL7 OBR-7) is read from the text as sent: the copy the
    # pipeline reads keeps only the fields a reader reads
    date = structured_date(text[:3000]) or infer_date(analysed, name)
    info = DocumentInfo(id=doc_id, type="other" if extra.get("cover") else infer_type(analysed, name),
                        date=date.isoformat() if date else None, chars=len(text), source=loaded.source,
                        pages=extra.pop("pages", loaded.pages),
                        ocr_confidence=None if loaded.ocr_confidence is None else round(loaded.ocr_confidence, 1),
                        title=_title(text), **extra)
    return CaseDocument(info, text, analysed if analysed != text else None, offsets)


def _pages_of(loaded) -> list[str]:  # noqa: ANN001 - LoadedText
    from mednec.documents import PAGE_BREAK

    starts = list(loaded.page_starts) or [0]
    ends = [s - len(PAGE_BREAK) for s in starts[1:]] + [len(loaded.text)]
    return [loaded.text[a:b] for a, b in zip(starts, ends, strict=True)]


def _packet_documents(group: list[Path], loaded: list) -> list[CaseDocument]:
    """The documents of a faxed packet (one multi-page file, or a run of page files), split at report
    boundaries; each is ``<file>#pages=a-b`` with offsets into its own text, a cover sheet kept apart."""
    from mednec.documents import PAGE_BREAK
    from mednec.pipeline.packets import is_unreadable, segment

    pages: list[str] = []
    for one in loaded:
        pages.extend(_pages_of(one))
    parts = segment(pages)
    base = group[0].name
    unreadable = [i for i, t in enumerate(pages, 1) if is_unreadable(t)]
    if len(group) == 1 and len(parts) == 1 and parts[0].kind == "document":
        return [_document(base, loaded[0].text, loaded[0], unreadable_pages=tuple(unreadable))]
    source = min(loaded, key=lambda one: {"ocr": 0, "pdf-text": 1, "text": 2}[one.source])
    out = []
    for part in parts:
        span = f"{part.first}" if part.first == part.last else f"{part.first}-{part.last}"
        text = PAGE_BREAK.join(pages[part.first - 1: part.last])
        if not text.strip():
            text = " "  # a blank page keeps its place in the packet
        out.append(_document(f"{base}#pages={span}", text, source, name_hint=base, source_file=base,
                             source_pages=(part.first, part.last), cover=part.kind == "cover",
                             pages=part.last - part.first + 1,
                             unreadable_pages=tuple(i for i in unreadable if part.first <= i <= part.last)))
    return out


def analyse_text(text: str) -> tuple[str, OffsetMap | None]:
    """The copy of a document the pipeline reads, and its offset map back to ``text`` (or None).

    Page-seam noise is blanked and same-length OCR confusions are undone first ("acetabu1ar"),
    then damage that changes the
    length ("withhout", "withoutpulmonary"); evidence is quoted from ``text`` through the map.
    """
    from mednec.documents.correct import correct_text
    from mednec.pipeline.doctype import (
        blank_message_fields,
        blank_page_seams,
        blank_unchecked_options,
        join_broken_paragraphs,
    )
    from mednec.pipeline.level_notation import normalise_levels
    from mednec.pipeline.respell import respell

    # the fax machine's lines at a page edge are blanked first (same length), so a sentence
    # broken by a page reads on across it, as does one broken by a stray blank line
    # (and a template's unticked options, same length: they say nothing)
    # ...and levels in another notation ("D12", "L III", "third lumbar") read as "T12", "L3", "L3"
    corrected = normalise_levels(correct_text(join_broken_paragraphs(blank_page_seams(blank_unchecked_options(
        blank_message_fields(text)))))[0])
    analysed, offsets, _ = respell(corrected)
    return analysed, offsets


def _title(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:120]
    return None


class Reviewer:
    """Loads the pipeline and criteria once; reviews any number of cases.

    The criteria load at once; the NLP pipeline (the slow part) on first use, so a case
    whose request or documents are unreadable is refused without building it.
    """

    def __init__(self, nlp=None) -> None:  # noqa: ANN001 - spacy.language.Language
        """``nlp``: a pipeline to review with (e.g. one saved and loaded again); default: build one."""
        from mednec.criteria.loader import load_criteria

        self._nlp = nlp
        self.criteria = load_criteria()

    @property
    def nlp(self):  # noqa: ANN201 - spacy.language.Language
        """The NLP pipeline, built on first use."""
        if self._nlp is None:
            from mednec.pipeline import build

            self._nlp = build()
        return self._nlp

    @property
    def known_codes(self) -> set[str]:
        """Codes with a criteria file."""
        return set(self.criteria.codes)

    def review(self, case_dir: Path, *, cache_dir: Path | None = None,
               ocr_workers: int = 1) -> tuple[CaseResult, LoadedCase]:
        """Review one case folder: (result, loaded case); raises a :class:`mednec.core.errors.MednecError`
        for bad input."""
        reading = self.read(case_dir, cache_dir=cache_dir, ocr_workers=ocr_workers)
        return reading.result, reading.case

    def read(self, case_dir: Path, *, cache_dir: Path | None = None, ocr_workers: int = 1) -> Reading:
        """Review one case folder and keep every fact read (see :class:`Reading`); errors as :meth:`review`."""
        case = load_case(case_dir, known_codes=self.known_codes, cache_dir=cache_dir, ocr_workers=ocr_workers)
        try:
            return self.read_loaded(case)
        except MednecError:
            raise
        except MemoryError as exc:
            raise MemoryLimitError("the review needed more memory than the per-case limit", case_dir) from exc
        except Exception as exc:  # noqa: BLE001 - one line, never a traceback
            log.debug("review of %s failed", case_dir, exc_info=True)
            raise ProcessingError(f"the review failed ({type(exc).__name__}); rerun with --verbose for "
                                  "details", case_dir) from exc

    def read_facts(self, case: LoadedCase) -> list:
        """Typed facts of every document of a loaded case (one ``nlp.pipe`` pass)."""
        from mednec.pipeline import extract_facts
        from mednec.pipeline.doctype import find_dates

        facts: list = []
        # The pipeline reads a copy with OCR damage repaired ("acetabu1ar", "withhout"); evidence
        # is quoted from the document as read, its offsets mapped back when the length changed.
        read = [d for d in case.documents if not d.info.cover]  # a fax cover sheet is no chart content
        analysed = [d.analysed if d.analysed is not None else d.text for d in read]
        for doc, cdoc in zip(self.nlp.pipe(analysed), read, strict=True):
            if cdoc.analysed is not None:  # the pipeline read a repaired copy: quote the original
                doc.user_data["mednec_source_text"] = cdoc.text
            if cdoc.offsets is not None:
                doc.user_data["mednec_offsets"] = cdoc.offsets
            info = cdoc.info
            date = find_dates(info.date)[0][2] if info.date else None
            facts.extend(extract_facts(doc, info.id, info.type, date))
        return facts

    def read_case_facts(self, case: LoadedCase) -> tuple[list, list]:
        """The facts of a case read as a whole: re-reads applied and every statement given its lesion."""
        from mednec.pipeline.discourse import restore_requester_plans, settle_nerve_plans, settle_scores
        from mednec.pipeline.lesions import assign_lesions
        from mednec.pipeline.patients import set_aside_other_patients
        from mednec.pipeline.rereads import (
            apply_pending_staging,
            apply_rereads,
            apply_retractions,
            apply_undone_studies,
            apply_withdrawals,
            carry_level_relabels,
            mark_staging_specimens,
        )

        texts = {d.info.id: (d.analysed or d.text) for d in case.documents}
        # evidence offsets point into the document as read: these read their text there
        as_read = {d.info.id: d.text for d in case.documents}
        facts = set_aside_other_patients(apply_retractions(apply_rereads(self.read_facts(case), texts), as_read),
                                         as_read)
        facts = apply_pending_staging(apply_undone_studies(apply_withdrawals(facts, as_read), as_read), as_read)
        facts = mark_staging_specimens(carry_level_relabels(facts, as_read))
        return assign_lesions(settle_nerve_plans(settle_scores(restore_requester_plans(facts))))

    def _code_facts(self, code: str, facts: list) -> list:
        """The facts as the code reads them: a spinal code whose regions are only part of the planned
        resection reads the lesion planned in its regions as its index lesion."""
        from mednec.pipeline.lesions import assign_lesions

        spec = self.criteria.codes[code].spec
        if not spec.spine_regions and not spec.lesion_regions:
            return facts
        elsewhere = {r for other in self.criteria.codes.values() for r in other.spec.lesion_regions}
        return assign_lesions(facts, spec.spine_regions, spec.lesion_regions, sorted(elsewhere))[0]

    def review_loaded(self, case: LoadedCase) -> CaseResult:
        """Review an already loaded case."""
        return self.read_loaded(case).result

    def read_loaded(self, case: LoadedCase) -> Reading:
        """Review an already loaded case and keep every fact read."""
        from mednec.criteria.evaluator import evaluate_caveats, evaluate_code
        from mednec.pipeline.plans import read_plans

        facts, lesions = self.read_case_facts(case)
        index = next((les.id for les in lesions if les.role == "index"), None)
        determinations = tuple(evaluate_code(req, self._code_facts(req.code, facts), self.criteria)
                               .model_copy(update={"index_lesion": index}) for req in case.request.requested)
        caveats = evaluate_caveats(facts, self.criteria)
        result = CaseResult(case_id=case.request.case_id, documents=tuple(d.info for d in case.documents),
                            determinations=determinations, caveats=caveats, lesions=tuple(lesions),
                            plans=tuple(read_plans(facts)),
                            mednec_version=__version__)
        # Every evidence span must be the exact words of its document (CONTRACT).
        texts = {d.info.id: d.text for d in case.documents}
        CaseResult.model_validate(result.model_dump(), context={"texts": texts})
        return Reading(result=result, case=case, facts=tuple(facts))


def result_json(result: CaseResult) -> str:
    """The determination as CONTRACT JSON (deterministic: same input, same bytes)."""
    return result.model_dump_json(indent=2) + "\n"
