"""OCR benchmark: throughput, character error rate by noise level, preprocessing ablation.

    python benchmarks/ocr_bench.py                 # default run, under 3 minutes on 2 cores
    python benchmarks/ocr_bench.py --scanned corpora/scanned   # also: CER of the scanned corpus
    python benchmarks/ocr_bench.py --pdf-text      # also: pypdf vs pdfplumber text layers

Pages are rendered in memory (``fax_render.render_document``) from the d01 documents
(``--source``), so every page has its exact source text. Reported:

1. pages/s with 1 worker and with all cores (``OMP_THREAD_LIMIT=1`` per process), and,
   for comparison, one process with Tesseract's default OpenMP threading;
2. mean character error rate (whitespace-normalised edit distance / source length) per
   noise level, before and after OCR post-correction, with the number of corrections;
3. each preprocessing step switched against the default (CER, s/page), 200 and 100 dpi.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fax_render import render_document  # noqa: E402
from PIL import Image  # noqa: E402

from mednec.documents.correct import correct_text  # noqa: E402
from mednec.documents.metrics import cer  # noqa: E402
from mednec.documents.ocr import recognise, single_threaded, tesseract_problem  # noqa: E402
from mednec.documents.preprocess import DEFAULT_OPTIONS, OcrOptions, preprocess  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "cases" / "d01"
Job = tuple[Image.Image, OcrOptions]


def _worker_init() -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"


def _ocr(job: Job) -> tuple[str, float, float]:
    img, options = job
    started = time.perf_counter()
    text, conf = recognise(preprocess(img, options), options)
    return text, conf or 0.0, time.perf_counter() - started


def run_jobs(jobs: list[Job], workers: int) -> tuple[list[tuple[str, float, float]], float]:
    """OCR jobs on ``workers`` processes; results in order and the wall time."""
    started = time.perf_counter()
    if workers <= 1:
        with single_threaded():
            results = [_ocr(job) for job in jobs]
    else:
        with ProcessPoolExecutor(max_workers=workers, initializer=_worker_init) as pool:
            results = list(pool.map(_ocr, jobs))
    return results, time.perf_counter() - started


def make_pages(source: Path, noise: str, limit: int, dpi: int = 200,
               seed: int = 0) -> list[tuple[Image.Image, str]]:
    """Render up to ``limit`` pages of the source case's documents at one noise level."""
    pages: list[tuple[Image.Image, str]] = []
    for doc in sorted(source.glob("*.txt")):
        text = doc.read_bytes().decode("utf-8", errors="replace")
        pages.extend(render_document(text, noise=noise, seed=seed, dpi=dpi, name=doc.name))
    return pages[:limit]


def throughput(pages: list[tuple[Image.Image, str]], cores: int) -> None:
    """Print pages/s for 1 worker, all cores, and Tesseract's own threading (best of 2 runs each)."""
    jobs = [(img, DEFAULT_OPTIONS) for img, _ in pages]
    one = min(run_jobs(jobs, 1)[1] for _ in range(2))
    many = min(run_jobs(jobs, cores)[1] for _ in range(2))
    n = len(jobs)
    print(f"  1 worker (OMP_THREAD_LIMIT=1):           {n / one:.2f} pages/s ({one / n:.2f} s/page)")
    print(f"  {cores} workers (all cores):                {n / many:.2f} pages/s ({many / n:.2f} s/page)")
    few = jobs[: max(1, min(2, len(jobs)))]
    old = os.environ.pop("OMP_THREAD_LIMIT", None)
    try:
        started = time.perf_counter()
        for job in few:
            _ocr(job)
        omp = time.perf_counter() - started
    finally:
        if old is not None:
            os.environ["OMP_THREAD_LIMIT"] = old
    print(f"  1 process, Tesseract default threading: {len(few) / omp:.2f} pages/s "
          f"({omp / len(few):.2f} s/page)")


def score(pages: list[tuple[Image.Image, str]], options: OcrOptions, cores: int) -> dict[str, float]:
    """Mean CER (raw and post-corrected), corrections, confidence and s/page of one configuration."""
    results, wall = run_jobs([(img, options) for img, _ in pages], cores)
    raw, fixed, count = [], [], 0
    for (text, _, _), (_, ref) in zip(results, pages, strict=True):
        corrected, n = correct_text(text)
        count += n
        raw.append(cer(text, ref))
        fixed.append(cer(corrected, ref))
    return {"cer": statistics.mean(raw), "cer_corrected": statistics.mean(fixed), "corrections": count,
            "confidence": statistics.mean(r[1] for r in results),
            "s_per_page": statistics.mean(r[2] for r in results), "wall": wall}


def ablation(sets: dict[str, list[tuple[Image.Image, str]]], cores: int) -> None:
    """Switch each preprocessing step against the default and print the effect."""
    steps = ("grayscale", "upscale", "deskew", "binarize", "despeckle")
    print(f"  default: {', '.join(s for s in steps if getattr(DEFAULT_OPTIONS, s)) or 'none'} on")
    print("  " + f"{'configuration':28s}" + "".join(f"{name:>26s}" for name in sets))
    configs = [("default", DEFAULT_OPTIONS)]
    configs += [(f"{step} {'off' if getattr(DEFAULT_OPTIONS, step) else 'on'}",
                 DEFAULT_OPTIONS.but(**{step: not getattr(DEFAULT_OPTIONS, step)})) for step in steps]
    configs.append(("no preprocessing", OcrOptions(grayscale=False, upscale=False, deskew=False,
                                                    binarize=False, despeckle=False)))
    for label, options in configs:
        results = [score(pages, options, cores) for pages in sets.values()]
        cells = [f"CER {r['cer']:.2%} {r['s_per_page']:.2f}s/p" for r in results]
        print("  " + f"{label:28s}" + "".join(f"{c:>26s}" for c in cells))


def scanned_corpus(folder: Path, cores: int) -> None:
    """CER of every scanned document of the corpus against its source text, before/after correction."""
    from mednec.documents import join_pages
    from mednec.documents.image import load_image
    from mednec.documents.pdf import load_pdf

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    raw, fixed, total, docs, pages = [], [], 0, 0, 0
    started = time.perf_counter()
    for case, info in sorted(manifest["cases"].items()):
        source = (folder / info["source"]).resolve()
        for doc in sorted((folder / case).iterdir()):
            if doc.suffix.lower() not in (".png", ".tif", ".tiff", ".pdf"):
                continue
            ref = (source / f"{doc.stem}.txt").read_bytes().decode("utf-8", errors="replace")
            if doc.suffix.lower() == ".pdf":
                loaded = load_pdf(doc, doc.read_bytes(), workers=cores, correct=False)
            else:
                loaded = load_image(doc, workers=cores, correct=False)
            text = join_pages(loaded, doc).text
            corrected, n = correct_text(text)
            total += n
            docs += 1
            pages += len(loaded)
            raw.append(cer(text, ref))
            fixed.append(cer(corrected, ref))
    wall = time.perf_counter() - started
    print(f"  {len(manifest['cases'])} cases, {docs} documents, {pages} pages in {wall:.0f} s")
    print(f"  mean CER {statistics.mean(raw):.2%} raw, {statistics.mean(fixed):.2%} after post-correction "
          f"({total} corrections; {sum(f < r for r, f in zip(raw, fixed, strict=True))} documents improved, "
          f"{sum(f > r for r, f in zip(raw, fixed, strict=True))} worse)")


def _pdfium_pdf(text: str, per_word: bool) -> bytes:
    """A text-layer PDF drawn with pypdfium2: one text object per line, or per word (no spaces)."""
    import ctypes
    import io
    import textwrap

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw
    from PIL import ImageFont

    metrics = ImageFont.truetype("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", 1000)
    lines = [w for line in text.splitlines() for w in (textwrap.wrap(line, 95) or [""])]
    doc = pdfium.PdfDocument.new()
    for start in range(0, len(lines), 60):
        page = doc.new_page(612, 792)
        for row, line in enumerate(lines[start:start + 60]):
            x = 54.0
            for piece in line.split(" ") if per_word else [line]:
                obj = raw.FPDFPageObj_NewTextObj(doc.raw, b"Helvetica", ctypes.c_float(10))
                buf = ctypes.create_string_buffer((piece + "\x00").encode("utf-16-le"))
                raw.FPDFText_SetText(obj, ctypes.cast(buf, ctypes.POINTER(raw.FPDF_WCHAR)))
                raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, 740 - row * 12)
                raw.FPDFPage_InsertObject(page.raw, obj)
                x += metrics.getlength(piece + " ") / 100
        raw.FPDFPage_GenerateContent(page.raw)
        page.close()
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _chromium_pdf(text: str, folder: Path, name: str) -> bytes | None:
    """A two-column, justified, ligature-rich PDF printed by headless Chromium (None without it)."""
    import html
    import shutil
    import subprocess

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        return None
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in text.splitlines() if p.strip())
    page = folder / f"{name}.html"
    page.write_text("<html><head><meta charset='utf-8'><style>body{font:10pt 'DejaVu Serif'}"
                    ".c{column-count:2;text-align:justify} p{margin:0 0 4px}</style></head>"
                    f"<body><div class='c'>{paras}</div></body></html>", encoding="utf-8")
    target = folder / f"{name}.pdf"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={target}", page.as_uri()], capture_output=True, timeout=120, check=False)
    return target.read_bytes() if target.exists() else None


def compare_pdf_text(source: Path) -> None:
    """CER and speed of pypdf (as mednec uses it) and pdfplumber on three kinds of text PDF."""
    import io
    import tempfile

    from pypdf import PdfReader

    from mednec.documents.pdf import LIGATURES

    try:
        import pdfplumber
    except ImportError:
        pdfplumber = None
        print("  (pdfplumber not installed: pip install pdfplumber to compare)")

    def with_pypdf(data: bytes) -> str:
        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).translate(LIGATURES)

    def with_plumber(data: bytes) -> str:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return "\n".join(p.extract_text() or "" for p in pdf.pages)

    readers = {"pypdf": with_pypdf} | ({"pdfplumber": with_plumber} if pdfplumber else {})
    scores: dict[tuple[str, str], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for doc in sorted(source.glob("*.txt")):
            text = doc.read_bytes().decode("utf-8", errors="replace")
            kinds = {"lines": _pdfium_pdf(text, False), "words (no spaces)": _pdfium_pdf(text, True),
                     "2-column justified": _chromium_pdf(text, Path(tmp), doc.stem)}
            for kind, data in kinds.items():
                for name, read in readers.items():
                    if data is not None:
                        started = time.perf_counter()
                        got = read(data)
                        took = time.perf_counter() - started
                        scores.setdefault((kind, name), []).append((cer(got, text), took))
    for (kind, name), values in sorted(scores.items()):
        print(f"  {kind:20s} {name:11s} CER {statistics.mean(v[0] for v in values):.2%}"
              f"  {1000 * statistics.mean(v[1] for v in values):.0f} ms")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="case folder whose .txt are rendered")
    ap.add_argument("--pages", type=int, default=6, help="pages per noise level")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--no-ablation", action="store_true")
    ap.add_argument("--scanned", type=Path, default=None, help="also score a scanned corpus (manifest.json)")
    ap.add_argument("--pdf-text", action="store_true", help="also compare PDF text-layer extractors")
    args = ap.parse_args(argv)
    if tesseract_problem():
        print(tesseract_problem(), file=sys.stderr)
        return 2
    started = time.perf_counter()
    cores = max(1, args.workers)
    levels = {noise: make_pages(args.source, noise, args.pages) for noise in ("mild", "medium", "heavy")}
    print(f"OCR benchmark: {args.pages} pages per noise level from {args.source}, {cores} cores")
    print("\n1. Throughput (medium noise, 200 dpi, default preprocessing)")
    throughput(levels["medium"], cores)
    print("\n2. Character error rate by noise level (default preprocessing)")
    for noise, pages in levels.items():
        r = score(pages, DEFAULT_OPTIONS, cores)
        print(f"  {noise:7s} CER {r['cer']:.2%} raw, {r['cer_corrected']:.2%} post-corrected "
              f"({r['corrections']} corrections), mean confidence {r['confidence']:.1f}")
    if not args.no_ablation:
        print("\n3. Preprocessing steps (each switched against the default)")
        half = max(2, args.pages // 2)
        sets = {
            "200dpi medium+heavy": levels["medium"][:half] + levels["heavy"][:half],
            "100dpi mild+medium": make_pages(args.source, "mild", half, dpi=100)
            + make_pages(args.source, "medium", half, dpi=100),
        }
        ablation(sets, cores)
    if args.scanned:
        print(f"\n4. Scanned corpus {args.scanned}")
        scanned_corpus(args.scanned, cores)
    if args.pdf_text:
        print("\n5. PDF text layers: pypdf vs pdfplumber (CER against the source, ms per document)")
        compare_pdf_text(args.source)
    print(f"\ndone in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
