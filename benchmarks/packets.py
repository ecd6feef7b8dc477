"""Build faxed packets from gold cases and report how mednec reads them.

    python benchmarks/packets.py [CASE_ROOTS ...] [--kind text|scan] [--limit N] [--workers N]

Every gold case (default: the dev cases and every corpus under ``corpora/``) becomes one
faxed packet: a cover sheet first, then its chart documents in a random (seeded) order, each
page stamped with a fax machine's header line ("JAN-14-2026 15:49 FROM-ORTHO ONCOLOGY CLINIC
P.003/007"), some with "Page 2 of 3" footers. Every third packet is sent as page files
(``send_p1.pdf``, ``send_p2.pdf``...). ``--kind text`` writes PDFs with a text layer (fast:
segmentation, type and date without OCR); ``--kind scan`` renders the pages as 200x200-dpi fax
images (``benchmarks/fax_render.py``, mild noise and skew) in image-only PDFs, read by OCR;
``--kind scan-standard`` as 200x100-dpi faxes (standard mode).

The report: segmentation boundary precision, recall and F1 (a boundary is the first page of a
document or of the cover), document type and date accuracy of the documents whose pages were
found exactly (against the typed document as mednec reads it: type and date from its content,
the date from its file name only when the content has none),
outcome agreement with the text version per code request, approvals the text version does not
give, and pages per second.
"""

from __future__ import annotations

import argparse
import ctypes
import hashlib
import io
import json
import random
import re
import shutil
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINES_PER_PAGE = 44
WRAP = 92
# a rendered page must hold its lines: at the renderer's largest font (12 pt, proportional) a line of
# the 6.5-inch text width takes about 68 characters, and a page about 38 lines with the fax header
SCAN_LINES_PER_PAGE = 38
SCAN_WRAP = 68
SENDERS = ["ORTHO ONCOLOGY CLINIC", "SPINE CENTER", "REGIONAL IMAGING", "CANCER INSTITUTE", "NERVE SURGERY"]
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass
class Truth:
    """Where one chart document went in the packet."""

    name: str
    first: int
    last: int
    date: str | None


def text_pdf(pages: list[list[str]], *, font: bytes = b"Courier", size: float = 9.0, left: float = 40,
             top: float = 760, leading: float = 16) -> bytes:
    """A US Letter PDF with a real text layer, one list of lines per page (empty list: blank page)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument.new()
    for lines in pages:
        page = doc.new_page(612, 792)
        for i, line in enumerate(lines):
            obj = raw.FPDFPageObj_NewTextObj(doc.raw, font, ctypes.c_float(size))
            buf = ctypes.create_string_buffer((line + "\x00").encode("utf-16-le"))
            raw.FPDFText_SetText(obj, ctypes.cast(buf, ctypes.POINTER(raw.FPDF_WCHAR)))
            raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, left, top - i * leading)
            raw.FPDFPage_InsertObject(page.raw, obj)
        raw.FPDFPage_GenerateContent(page.raw)
        page.close()
    out = io.BytesIO()
    doc.save(out)
    doc.close()
    return out.getvalue()


def scan_pdf(pages: list[list[str]], seed: int, standard: bool = False) -> bytes:
    """An image-only PDF of the pages rendered as mild-noise faxes: 200x200 dpi ("fine"), or 200x100
    dpi ("standard" mode: every other scan line) when ``standard``."""
    import dataclasses

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from fax_render import NOISE, degrade, draw_page, layout

    noise = dataclasses.replace(NOISE["mild"], standard_mode=standard)
    images = []
    for k, lines in enumerate(pages):
        rng = random.Random(seed * 7919 + k)
        font, _, line_h = layout("x", rng, 200)
        images.append(degrade(draw_page(lines, font, line_h, 200), noise, rng, 200, "1bit"))
    out = io.BytesIO()
    # fixed dates: the same packet is the same bytes in every run, so the OCR cache (keyed on the
    # file's hash) holds across runs and a stopped run resumes where it stopped
    fixed = time.gmtime(1767225600)  # 2026-01-01 (Pillow writes a struct_time as a PDF date)
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=200.0,
                   creationDate=fixed, modDate=fixed)
    return out.getvalue()


_OWN_HEADER = re.compile(r"^\W*[A-Z]{3}-\d{1,2}-\d{4}\s+\d{1,2}:\d{2}.*\bP\.\s*0*(?:[2-9]|\d{2,})\s*/", re.I)
_OWN_FOOTER = re.compile(r"^\s*page\s+\d+\s+(?:of|/)\s*\d+\s*$", re.I)


def _doc_pages(text: str, rng: random.Random, wrap: int = WRAP, per_page: int = LINES_PER_PAGE) -> list[list[str]]:
    """The document's lines on pages: its own page breaks (a fax header of its page 2, a "Page 1 of
    2" footer) are kept where they are, and a page holds at most LINES_PER_PAGE lines."""
    pages: list[list[str]] = [[]]
    for raw_line in text.splitlines():
        if _OWN_HEADER.match(raw_line) and pages[-1]:
            pages.append([])
        for line in textwrap.wrap(raw_line, wrap) or [""]:
            if len(pages[-1]) >= per_page:
                pages.append([])
            pages[-1].append(line)
        if _OWN_FOOTER.match(raw_line):
            pages.append([])
    pages = [p for p in pages if any(ln.strip() for ln in p)] or [[""]]
    if len(pages) > 1 and rng.random() < 0.6:
        pages = [p + [f"Page {k} of {len(pages)}"] for k, p in enumerate(pages, 1)]
    return pages


def build_packet(case: Path, out_root: Path, *, kind: str, seed: int) -> tuple[Path, list[Truth]]:
    """Write the packet of one case; return its folder and where each document went."""
    rng = random.Random(seed)
    docs = sorted(case.glob("*.txt"))
    rng.shuffle(docs)
    sender = rng.choice(SENDERS)
    month = rng.choice(["JAN", "FEB", "MAR", "APR"])
    stamp = f"{month}-{rng.randint(10, 28)}-2026 {rng.randint(8, 17)}:{rng.randint(10, 59)}"
    cover = ["FAX COVER SHEET", f"From: {sender.title()}", "To: Utilization Management, Prior Authorization",
             "Re: prior authorization request", "Number of pages (including cover): {n}",
             "CONFIDENTIALITY NOTICE: this facsimile contains protected health information."]
    pages: list[list[str]] = [cover]
    truths = []
    for d in docs:
        body = (_doc_pages(d.read_text(errors="replace"), rng) if kind == "text" else
                _doc_pages(d.read_text(errors="replace"), rng, SCAN_WRAP, SCAN_LINES_PER_PAGE))
        m = _DATE.search(d.name)
        truths.append(Truth(d.name, len(pages) + 1, len(pages) + len(body),
                            "-".join(m.groups()) if m else None))
        pages.extend(body)
    n = len(pages)
    pages[0] = [line.replace("{n}", str(n)) for line in pages[0]]
    pages = [[f"{stamp}  FROM-{sender}  P.{k:03d}/{n:03d}"] + p for k, p in enumerate(pages, 1)]
    folder = out_root / case.name
    folder.mkdir(parents=True)
    request = json.loads((case / "request.json").read_text())
    (folder / "request.json").write_text(json.dumps(request))
    make = text_pdf if kind == "text" else (lambda pp: scan_pdf(pp, seed, standard=kind == "scan-standard"))
    if seed % 3 == 2:
        for k, p in enumerate(pages, 1):
            (folder / f"send_p{k}.pdf").write_bytes(make([p]))
    else:
        (folder / "fax_packet.pdf").write_bytes(make(pages))
    return folder, truths


def case_seed(case: Path) -> int:
    """The packet seed of a case, from its corpus and name (not its place in the run, so adding a
    corpus changes no other case's packet and the OCR cache keeps holding)."""
    return int(hashlib.sha256(f"{case.parent.name}/{case.name}".encode()).hexdigest()[:8], 16)


def _page_range(doc_id: str) -> tuple[int, int] | None:
    m = re.search(r"#pages=(\d+)(?:-(\d+))?$", doc_id)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2) or m.group(1))


def main(argv: list[str] | None = None) -> int:
    """Build the packets, review them and their text versions, print the report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("roots", nargs="*", type=Path)
    ap.add_argument("--kind", choices=("text", "scan", "scan-standard"), default="text",
                    help="text layer; scanned 200x200 dpi fax; scanned 200x100 dpi (fax standard mode)")
    ap.add_argument("--limit", type=int, default=0, help="at most this many packets (0: all)")
    ap.add_argument("--workers", type=int, default=1, help="OCR processes per packet")
    ap.add_argument("--cache", type=Path, default=None,
                    help="keep the OCR text cache here between runs (the packets are the same for the same "
                         "cases; the cache key covers the extractor and its lexicon); default: a temporary one")
    ap.add_argument("--shard", default="", metavar="I/N",
                    help="review only packets whose index is I modulo N (N shards in N processes read exactly "
                         "the packets of one run)")
    ap.add_argument("--tally", type=Path, default=None,
                    help="also write the counts and problems as JSON here (for --combine)")
    ap.add_argument("--combine", type=Path, nargs="+", default=None, metavar="TALLY",
                    help="print the report of the shards whose --tally files are given, and do nothing else")
    args = ap.parse_args(argv)
    if args.combine:
        return _report(_merge([json.loads(p.read_text()) for p in args.combine]))
    shard, shards = (int(x) for x in args.shard.split("/")) if args.shard else (0, 1)
    roots = args.roots or [ROOT.parent / "shared" / "cases", *sorted((ROOT / "corpora").glob("blind*")),
                           ROOT / "corpora" / "cases", ROOT / "corpora" / "demo"]
    cases = [c for r in roots if r.is_dir() for c in sorted(r.iterdir()) if (c / "gold.json").is_file()]
    if args.limit:
        cases = cases[: args.limit]
    from mednec.core.errors import MednecError
    from mednec.review import Reviewer

    reviewer = Reviewer()
    tmp = Path(tempfile.mkdtemp(prefix="mednec-packets-"))
    tp = fp = fn = 0
    type_ok = date_ok = exact = 0
    codes = same = new_approvals = 0
    pages_total, seconds = 0, 0.0
    problems: list[str] = []
    reported = 0
    try:
        for i, case in enumerate(cases):
            if i % shards != shard:
                continue
            folder, truths = build_packet(case, tmp / f"p{i}", kind=args.kind, seed=case_seed(case))
            text_result, text_case = reviewer.review(case)
            text_types = {d.id: d.type for d in text_result.documents}
            text_dates = {d.id: d.date for d in text_result.documents}
            started = time.perf_counter()
            try:
                result, _ = reviewer.review(folder, cache_dir=args.cache or tmp / "cache", ocr_workers=args.workers)
            except MednecError as exc:
                problems.append(f"{case.name}: {exc}")
                continue
            seconds += time.perf_counter() - started
            pages_total += truths[-1].last if truths else 1
            found = {}
            for d in result.documents:
                rng_ = _page_range(d.id) or ((1, d.pages) if d.pages else None)
                if rng_:
                    found[rng_] = d
            true_starts = {1} | {t.first for t in truths}
            got_starts = {r[0] for r in found}
            tp += len(true_starts & got_starts)
            fp += len(got_starts - true_starts)
            fn += len(true_starts - got_starts)
            for t in truths:
                if t.first not in got_starts:
                    problems.append(f"{case.name}/{t.name}: boundary at page {t.first} missed")
            for t in truths:
                d = found.get((t.first, t.last))
                if d is None:
                    continue
                exact += 1
                type_ok += d.type == text_types.get(t.name)
                # the date a reader takes from the typed document: its content, else its file name
                truth = text_dates.get(t.name) or t.date
                date_ok += d.date == truth
                if d.type != text_types.get(t.name) or d.date != truth:
                    problems.append(f"{case.name}/{t.name}: type {d.type} (text {text_types.get(t.name)}), "
                                    f"date {d.date} (text {truth})")
            by_code = {x.code: x.outcome for x in text_result.determinations}
            for x in result.determinations:
                codes += 1
                same += x.outcome == by_code.get(x.code)
                if x.outcome == "approve" and by_code.get(x.code) != "approve":
                    new_approvals += 1
                    problems.append(f"{case.name}/{x.code}: packet approves, text {by_code.get(x.code)}")
                elif x.outcome != by_code.get(x.code):
                    problems.append(f"{case.name}/{x.code}: packet {x.outcome}, text {by_code.get(x.code)}")
            del text_case
            # a running tally on stderr, so a long scanned run that is stopped still tells what it saw
            print(f"[{i + 1}/{len(cases)}] {case.parent.name}/{case.name}: boundaries tp {tp} fp {fp} fn {fn}; "
                  f"outcomes {same}/{codes}; new approvals {new_approvals}; "
                  f"type {type_ok}/{exact} date {date_ok}/{exact}; problems {len(problems)}",
                  file=sys.stderr, flush=True)
            for line in problems[reported:]:
                print("  " + line, file=sys.stderr, flush=True)
            reported = len(problems)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    tally = {"kind": args.kind, "packets": len(range(shard, len(cases), shards)), "pages": pages_total,
             "seconds": seconds, "tp": tp, "fp": fp, "fn": fn, "exact": exact, "type_ok": type_ok,
             "date_ok": date_ok, "codes": codes, "same": same, "new_approvals": new_approvals,
             "problems": problems}
    if args.tally:
        args.tally.write_text(json.dumps(tally, indent=1))
    return _report(tally)


def _merge(tallies: list[dict]) -> dict:
    """One tally from the tallies of the shards of a run."""
    merged = {k: sum(t[k] for t in tallies) for k in tallies[0] if k not in ("kind", "problems")}
    merged["kind"] = tallies[0]["kind"]
    merged["problems"] = [p for t in tallies for p in t["problems"]]
    return merged


def _report(t: dict) -> int:
    """Print the report of a run (or of its merged shards)."""
    tp, fp, fn, exact = t["tp"], t["fp"], t["fn"], t["exact"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"packets {t['packets']} ({t['kind']}); pages {t['pages']}; documents found exactly {exact}")
    print(f"segmentation boundaries: precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f}")
    print(f"document type accuracy {t['type_ok'] / max(exact, 1):.3f}; "
          f"date accuracy {t['date_ok'] / max(exact, 1):.3f}")
    print(f"outcomes identical to the text version: {t['same']}/{t['codes']} = "
          f"{t['same'] / max(t['codes'], 1):.3f}; approvals the text version does not give: {t['new_approvals']}")
    print(f"pages per second (review of the packet, all stages): {t['pages'] / max(t['seconds'], 1e-9):.2f}")
    for line in t["problems"]:
        print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
