"""Per-criterion confusion table of mednec against every gold case available.

    python benchmarks/cases_report.py [CASES_DIR ...] [--diff]

Defaults to ../shared/cases and corpora/cases. ``--diff`` also lists each disagreement
with mednec's rationale, for error analysis.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

STATUSES = ("met", "not_met", "insufficient", "(missing)")


def main(argv: list[str] | None = None) -> int:
    """Run every gold case and print the confusion tables."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="*", type=Path)
    ap.add_argument("--diff", action="store_true", help="list each disagreement")
    args = ap.parse_args(argv)
    root = Path(__file__).resolve().parents[1]
    dirs = args.dirs or [root.parent / "shared" / "cases", root / "corpora" / "cases"]
    from mednec.core.errors import MednecError
    from mednec.review import Reviewer

    reviewer = Reviewer()
    confusion: dict[str, Counter] = defaultdict(Counter)
    outcomes: Counter = Counter()
    diffs: list[str] = []
    n_codes = n_ok = false_approvals = 0
    for d in dirs:
        for case in sorted(p for p in d.iterdir() if (p / "gold.json").is_file()):
            gold = json.loads((case / "gold.json").read_text())
            try:
                result, _ = reviewer.review(case)
            except MednecError as exc:
                diffs.append(f"{case.name}: ERROR {exc.line()}")
                continue
            by_code = {det.code: det for det in result.determinations}
            for code, expected in gold["expected"].items():
                det = by_code.get(code)
                got = det.outcome if det else "(missing)"
                n_codes += 1
                n_ok += got == expected
                false_approvals += got == "approve" and expected != "approve"
                outcomes[(expected, got)] += 1
                if got != expected:
                    diffs.append(f"{case.name} {code}: outcome gold={expected} got={got}")
                crits = {c.id: c for c in det.criteria} if det else {}
                for cid, st in gold.get("criteria", {}).get(code, {}).items():
                    c = crits.get(cid)
                    got_st = c.status if c else "(missing)"
                    confusion[cid][(st, got_st)] += 1
                    if got_st != st:
                        why = c.rationale if c else ""
                        diffs.append(f"{case.name} {code}/{cid}: gold={st} got={got_st} :: {why}")
    print(f"codes {n_codes}  outcome accuracy {n_ok / max(n_codes, 1):.3f}  false approvals {false_approvals}")
    print("\noutcome confusion (gold -> got):")
    for (g, o), n in sorted(outcomes.items()):
        print(f"  {g:>8} -> {o:<9} {n}")
    print("\nper-criterion confusion (rows gold, columns mednec):")
    head = "".join(f"{s:>14}" for s in STATUSES)
    for cid in sorted(confusion):
        print(f"\n  {cid:<5}{head}")
        for g in STATUSES[:3]:
            row = "".join(f"{confusion[cid][(g, s)]:>14}" for s in STATUSES)
            print(f"  {g:<5}{row}" if len(g) <= 5 else f"  {g[:5]:<5}{row}")
    if args.diff:
        print("\ndisagreements:")
        for line in diffs:
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
