"""Cost of a review as the text grows: run-on findings (no sentence end, dense with findings)
and normal report text, at 25k, 100k and 1M characters.

    python benchmarks/runon.py [--sizes 25000 100000 1000000]

Each text is reviewed as the only document of a case (``Reviewer.review``, all stages) and the
seconds and characters per second are printed, with the ratio of each size's time to the first
size's (linear is the ratio of the sizes: 4x for 100k against 25k). A run-on OCR line or a table
flattened to text must cost in proportion to its length (issue 20).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

RUN_ON = ("tumor abuts the left acetabular roof and the sciatic nerve with no fracture possible "
          "metastasis at L4 and encasement of the femoral vessels cannot be excluded ")
NORMAL = ("MRI PELVIS WITH AND WITHOUT CONTRAST\nExam date: 01/08/2026\nFINDINGS: A 6.1 cm enhancing "
          "mass arises from the left ilium and abuts the left acetabular roof. No fracture. The left "
          "sciatic nerve is displaced but not encased.\nIMPRESSION: Left iliac mass, likely chondrosarcoma.\n\n")


def _case(root: Path, name: str, text: str) -> Path:
    case = root / name
    case.mkdir()
    (case / "request.json").write_text(json.dumps({"case_id": name, "requested": ["27076-LT"]}))
    (case / "doc.txt").write_text(text)
    return case


def main(argv: list[str] | None = None) -> int:
    """Print seconds, characters per second and growth ratios per text kind and size."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[25_000, 100_000, 1_000_000])
    args = ap.parse_args(argv)
    from mednec.review import Reviewer

    reviewer = Reviewer()
    reviewer.review(_case(Path(tempfile.mkdtemp()), "warm", NORMAL))  # first-use costs paid here
    print("| text | chars | seconds | chars/s | time vs first size | size vs first size |")
    print("|---|---|---|---|---|---|")
    for kind, unit in (("run-on findings", RUN_ON), ("normal report", NORMAL)):
        first = None
        for size in args.sizes:
            text = (unit * (size // len(unit) + 1))[:size]
            case = _case(Path(tempfile.mkdtemp()), f"{kind.split()[0]}-{size}", text)
            t0 = time.perf_counter()
            reviewer.review(case)
            seconds = time.perf_counter() - t0
            first = first or (size, seconds)
            print(f"| {kind} | {size:,} | {seconds:.2f} | {size / seconds:,.0f} | "
                  f"{seconds / first[1]:.1f}x | {size / first[0]:.0f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
