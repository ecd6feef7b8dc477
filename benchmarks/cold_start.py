"""Cold start: ``mednec review corpora/demo/seed-patient`` as a whole process (import, build, review).

    python benchmarks/cold_start.py [--runs 5]

Prints the median wall time and CPU time of ``--runs`` runs (target: under 2.0 s wall on a
2-core laptop-class machine). Also the helper that runs any command as a measured process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "corpora" / "demo" / "seed-patient"
TARGET_S = 2.0


@dataclass(frozen=True)
class Measured:
    """A finished process: wall seconds, CPU seconds (with its children), peak RSS, exit code."""

    wall: float
    cpu: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def mednec_command() -> list[str]:
    """The ``mednec`` console script next to this Python (the command a user runs)."""
    script = Path(sys.executable).parent / "mednec"
    if script.exists():
        return [str(script)]
    found = shutil.which("mednec")
    return [found] if found else [sys.executable, "-c", "from mednec.cli import main; main()"]


def run_measured(cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path = ROOT) -> Measured:
    """Run ``cmd``; wall time, and CPU time and peak RSS of it and its children from ``wait4``.

    Peak RSS is that of the largest single process (the parent or one worker), not a sum.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode,
                        out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


def cold_start(runs: int = 5) -> tuple[float, float, list[Measured]]:
    """Median wall and CPU seconds of ``runs`` whole-process reviews of the demo case."""
    cmd = [*mednec_command(), "review", str(DEMO)]
    results = []
    for _ in range(runs):
        m = run_measured(cmd)
        if m.returncode != 0:
            raise RuntimeError(f"mednec review failed ({m.returncode}): {m.stderr.strip()[-300:]}")
        results.append(m)
    return statistics.median(m.wall for m in results), statistics.median(m.cpu for m in results), results


def main(argv: list[str] | None = None) -> int:
    """Print the cold-start line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    wall, cpu, results = cold_start(args.runs)
    print(line(wall, cpu, results))
    return 0


def line(wall: float, cpu: float, results: list[Measured]) -> str:
    """The benchmark line for a cold start."""
    walls = ", ".join(f"{m.wall:.2f}" for m in results)
    verdict = "met" if wall < TARGET_S else "NOT met"
    peak = max(m.peak_rss_mb for m in results)
    return (f"cold start  mednec review demo: median {wall:.2f} s wall, {cpu:.2f} s CPU over "
            f"{len(results)} runs [{walls}]; peak RSS {peak:.0f} MB; target < {TARGET_S:.1f} s wall: "
            f"{verdict}")


if __name__ == "__main__":
    sys.exit(main())
