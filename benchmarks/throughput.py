"""Throughput of mednec against spaCy's floor and medspaCy, on the same texts, in one run.

    python benchmarks/throughput.py            # about 5 MB of text; under ~10 minutes on 2 cores
    python benchmarks/throughput.py --quick    # about a minute
    python benchmarks/throughput.py --size 2 --repeat 3 --dask

Every system runs in its own process (peak RSS is per system, from ``wait4``) over the same
documents: the ``.txt`` chart documents of the dev cases, corpus cases and demo, repeated to
``--size`` MB. ``mednec triage`` reads them laid out as cases and writes everything (JSON,
HTML, CSV). Then the linear-cost lines (single documents of 2 k to 2 M characters), the memory
lines (triage of 100 and 1,000 small cases), cold start and OCR pages/s. Ratios are computed
within each repetition; with ``--repeat N`` each figure is the median over the repetitions.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_cases import (  # noqa: E402 - the benchmarks folder is not a package
    batch_texts,
    copies_for,
    linear_documents,
    small_cases,
    source_cases,
    write_cases,
)
from cold_start import ROOT, Measured, cold_start, mednec_command, run_measured  # noqa: E402
from cold_start import line as cold_line  # noqa: E402

CORES = os.cpu_count() or 1
CHILD = Path(__file__).resolve().parent / "bench_child.py"
LINEAR_SIZES = {"2k": 2_000, "20k": 20_000, "200k": 200_000, "2M": 2_000_000}
LABELS = {
    "floor": 'floor: spacy.blank("en"), nlp.pipe',
    "peer": "peer: medspacy.load() + mednec targets",
    "mednec": "mednec NLP: build() + extract_facts",
    "triage1": "mednec triage --workers 1 (end to end)",
    "triageN": f"mednec triage --workers {CORES} (end to end)",
    "dask": f"mednec triage --engine dask ({CORES} workers)",
}


def _child(system: str, data_file: Path) -> tuple[dict, Measured]:
    m = run_measured([sys.executable, str(CHILD), system, str(data_file)])
    if m.returncode != 0:
        raise RuntimeError(f"{system} failed: {m.stderr.strip()[-500:]}")
    return json.loads(m.stdout.strip().splitlines()[-1]), m


def _triage(cases_dir: Path, workers: int, engine: str = "local") -> Measured:
    with tempfile.TemporaryDirectory(prefix="mednec-bench-out-") as out:
        cmd = [*mednec_command(), "triage", str(cases_dir), "-o", out, "--workers", str(workers)]
        if engine != "local":
            cmd += ["--engine", engine]
        m = run_measured(cmd)
        summary = m.stderr.strip().splitlines()[-1] if m.stderr.strip() else ""
        if m.returncode != 0 or " 0 errors" not in summary:
            raise RuntimeError(f"triage failed ({m.returncode}): {m.stderr.strip()[-500:]}")
        if not (Path(out) / "triage.csv").is_file():
            raise RuntimeError("triage wrote no triage.csv")
    return m


def _row(chars: int, docs: int, seconds: float, cpu: float, rss: float) -> dict[str, float]:
    return {"chars_s": chars / seconds, "docs_s": docs / seconds, "seconds": seconds, "cpu": cpu, "rss": rss}


def run_table(size_mb: float, repeat: int, work: Path, dask: bool) -> tuple[str, list[dict[str, dict]]]:
    """Measure every system ``repeat`` times; return the header line and the per-repetition rows."""
    cases = source_cases()
    copies = copies_for(cases, int(size_mb * 1_000_000))
    texts = batch_texts(cases, copies)
    chars, docs = sum(map(len, texts)), len(texts)
    data = work / "texts.json"
    data.write_text(json.dumps(texts), encoding="utf-8")
    cases_dir = work / "cases"
    n_cases = write_cases(cases, cases_dir, copies)
    header = (f"{chars / 1e6:.2f} MB of chart text: {docs:,} documents ({copies} copies of "
              f"{docs // copies} documents), as {n_cases:,} cases for triage; {CORES} cores")
    reps = []
    for _ in range(repeat):
        rows: dict[str, dict] = {}
        for system in ("floor", "peer", "mednec"):
            got, m = _child(system, data)
            rows[system] = _row(got["chars"], got["docs"], got["seconds"], got["cpu"], m.peak_rss_mb)
        for key, workers, engine in [("triage1", 1, "local"), ("triageN", CORES, "local"),
                                     *([("dask", CORES, "dask")] if dask else [])]:
            m = _triage(cases_dir, workers, engine)
            rows[key] = _row(chars, docs, m.wall, m.cpu, m.peak_rss_mb)
        reps.append(rows)
    return header, reps


def _median(reps: list[dict[str, dict]], key: str, field: str) -> float:
    return statistics.median(r[key][field] for r in reps)


def _ratio(reps: list[dict[str, dict]], a: str, b: str) -> float:
    """Median over repetitions of the ratio a/b measured within each repetition."""
    return statistics.median(r[a]["chars_s"] / r[b]["chars_s"] for r in reps)


def format_table(header: str, reps: list[dict[str, dict]]) -> str:
    """The table and the target lines."""
    lines = [f"mednec throughput: {header}; median of {len(reps)} run(s)",
             f"{'system':<44}{'chars/s':>11}{'docs/s':>9}{'peak RSS':>10}{'x floor':>9}{'x peer':>8}"
             f"{'wall s':>8}{'CPU s':>8}"]
    for key in reps[0]:
        lines.append(f"{LABELS[key]:<44}{_median(reps, key, 'chars_s'):>11,.0f}"
                     f"{_median(reps, key, 'docs_s'):>9.1f}"
                     f"{_median(reps, key, 'rss'):>7.0f} MB{_ratio(reps, key, 'floor'):>9.3f}"
                     f"{_ratio(reps, key, 'peer'):>8.2f}{_median(reps, key, 'seconds'):>8.1f}"
                     f"{_median(reps, key, 'cpu'):>8.1f}")
    targets = [("mednec NLP vs peer", _ratio(reps, "mednec", "peer"), 3.0, "x"),
               ("mednec NLP vs floor", _ratio(reps, "mednec", "floor"), 0.12, "%"),
               ("triage 1 worker vs mednec NLP", _ratio(reps, "triage1", "mednec"), 0.7, "x"),
               (f"triage {CORES} workers vs 1 worker", _ratio(reps, "triageN", "triage1"),
                1.7 if CORES == 2 else 0.85 * CORES, "x")]
    lines.append("targets (ratios of chars/s within each run):")
    for name, value, goal, unit in targets:
        shown = f"{value:.1%} (>= {goal:.0%})" if unit == "%" else f"{value:.2f}x (>= {goal:.2f}x)"
        lines.append(f"  {name:<44}{shown:<24}{'met' if value >= goal else 'NOT met'}")
    if "dask" in reps[0]:
        dask = _ratio(reps, "dask", "triageN")
        lines.append(f"  {'dask LocalCluster vs local engine (info)':<44}{dask:.2f}x "
                     "(includes starting the cluster and warming each worker)")
    return "\n".join(lines)


def linear_lines(work: Path, quick: bool) -> str:
    """chars/s of single documents of growing length (mednec NLP), and the 2M / 2k ratio."""
    sizes = {k: v for k, v in LINEAR_SIZES.items() if not (quick and v > 200_000)}
    texts = batch_texts(source_cases(), 1)
    data = work / "linear.json"
    docs = linear_documents(texts, sizes, 100_000 if quick else 200_000)
    data.write_text(json.dumps(docs), encoding="utf-8")
    got, m = _child("linear", data)
    parts = [f"{label} {r['chars'] / r['seconds']:,.0f}" for label, r in got.items()]
    first, last = next(iter(got.values())), list(got.values())[-1]
    ratio = (first["chars"] / first["seconds"]) / (last["chars"] / last["seconds"])
    verdict = "met" if ratio <= 1.5 else "NOT met"
    return (f"linear cost (mednec NLP, chars/s by document length): {', '.join(parts)}; "
            f"{list(got)[0]} / {list(got)[-1]} = {ratio:.2f}x (target <= 1.5x: {verdict}); "
            f"peak RSS {m.peak_rss_mb:.0f} MB")


def memory_lines(work: Path, counts: tuple[int, int]) -> str:
    """Peak RSS (largest single process) of triage over ``counts`` small cases, all cores."""
    small = small_cases(source_cases())
    peaks = []
    for n in counts:
        folder = work / f"small{n}"
        write_cases(small, folder, -(-n // len(small)))
        for extra in sorted(folder.iterdir())[n:]:  # exactly n cases
            for f in extra.iterdir():
                f.unlink()
            extra.rmdir()
        m = _triage(folder, CORES)
        peaks.append((n, m))
    (a, ma), (b, mb) = peaks
    growth = mb.peak_rss_mb / ma.peak_rss_mb
    ok = growth <= 1.10 and mb.peak_rss_mb < 500
    return (f"memory (triage --workers {CORES}, small cases): {a:,} cases peak RSS {ma.peak_rss_mb:.0f} MB "
            f"({ma.wall:.1f} s); {b:,} cases peak RSS {mb.peak_rss_mb:.0f} MB ({mb.wall:.1f} s); "
            f"{b:,}/{a:,} = {growth:.2f}x (target <= 1.10x and < 500 MB per process: "
            f"{'met' if ok else 'NOT met'})")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table and the lines."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=float, default=None,
                    help="MB of text for the table (default 5, quick 0.5)")
    ap.add_argument("--repeat", type=int, default=1, help="repetitions of the table (median reported)")
    ap.add_argument("--quick", action="store_true", help="a ~1 minute version")
    ap.add_argument("--dask", action="store_true", help="add a row for --engine dask (needs mednec[dask])")
    ap.add_argument("--skip", default="", help="comma list of sections to skip: table,linear,memory,cold,ocr")
    args = ap.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    size = args.size if args.size is not None else (0.5 if args.quick else 5.0)
    with tempfile.TemporaryDirectory(prefix="mednec-bench-") as tmp:
        work = Path(tmp)
        if "cold" not in skip:  # first, while nothing else of the benchmark is running
            wall, cpu, results = cold_start(3 if args.quick else 5)
            print(cold_line(wall, cpu, results), flush=True)
        if "table" not in skip:
            header, reps = run_table(size, args.repeat, work, args.dask)
            print(format_table(header, reps), flush=True)
            if size < 2:
                print("  (a small batch: triage's ~2 s start-up is a large share of it; judge the triage "
                      "targets on the default 5 MB run)", flush=True)
        if "linear" not in skip:
            print(linear_lines(work, args.quick), flush=True)
        if "memory" not in skip:
            print(memory_lines(work, (20, 100) if args.quick else (100, 1000)), flush=True)
        if "ocr" not in skip:
            from bench_ocr import ocr_line

            print(ocr_line(2 if args.quick else 8), flush=True)
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
