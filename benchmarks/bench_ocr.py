"""OCR cost: pages/s of faxed pages (``corpora/scanned``) on one worker and on all cores.

    python benchmarks/bench_ocr.py [--pages 8]

Each run reads the documents with ``mednec.documents.load_document`` and a fresh, empty OCR
cache (so every page is really OCR'd). One worker: the documents one after another in this
process. All cores: the documents spread over one process per core, as ``mednec triage``
spreads cases (each Tesseract call single-threaded, see ``mednec.documents.ocr``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ROOT / "corpora" / "scanned"
SUFFIXES = (".png", ".tif", ".tiff", ".pdf", ".jpg", ".jpeg")
CORES = os.cpu_count() or 1


def scanned_documents(min_pages: int) -> list[tuple[Path, int]]:
    """Scanned documents (with their page counts) until at least ``min_pages`` pages, mixing
    formats (one folder after another, first document of each folder first)."""
    from PIL import Image
    from pypdf import PdfReader

    folders = sorted(p for p in SCANNED.iterdir() if p.is_dir()) if SCANNED.is_dir() else []
    per_folder = [sorted(p for p in f.iterdir() if p.suffix.lower() in SUFFIXES) for f in folders]
    order = [doc for rank in range(max(map(len, per_folder), default=0))
             for docs in per_folder if rank < len(docs) for doc in [docs[rank]]]
    out, total = [], 0
    for doc in order:
        if doc.suffix.lower() == ".pdf":
            pages = len(PdfReader(str(doc)).pages)
        else:
            with Image.open(doc) as im:
                pages = getattr(im, "n_frames", 1)
        out.append((doc, pages))
        total += pages
        if total >= min_pages:
            break
    return out


def _load(path_and_cache: tuple[str, str]) -> int:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    from mednec.documents import load_document

    path, cache = path_and_cache
    return load_document(Path(path), cache_dir=Path(cache), workers=1).pages


def pages_per_second(docs: list[tuple[Path, int]], workers: int) -> float:
    """Pages/s reading ``docs`` on ``workers`` processes, with an empty cache."""
    with tempfile.TemporaryDirectory(prefix="mednec-ocr-cache-") as cache:
        jobs = [(str(p), cache) for p, _ in docs]
        t0 = time.perf_counter()
        if workers == 1:
            pages = sum(_load(j) for j in jobs)
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                pages = sum(pool.map(_load, jobs))
        return pages / (time.perf_counter() - t0)


def ocr_line(min_pages: int = 8) -> str:
    """The OCR benchmark line (or why it was skipped)."""
    from mednec.documents.ocr import tesseract_problem

    problem = tesseract_problem()
    if problem:
        return f"OCR: skipped ({problem})"
    docs = scanned_documents(min_pages)
    if not docs:
        return "OCR: skipped (no scanned documents under corpora/scanned)"
    one = pages_per_second(docs, 1)
    many = pages_per_second(docs, CORES)
    pages = sum(n for _, n in docs)
    return (f"OCR (faxed pages, {pages} pages in {len(docs)} documents, cache empty): "
            f"1 worker {one:.2f} pages/s, "
            f"{CORES} workers {many:.2f} pages/s ({many / one:.2f}x)")


def main(argv: list[str] | None = None) -> int:
    """Print the OCR line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=8)
    print(ocr_line(ap.parse_args(argv).pages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
