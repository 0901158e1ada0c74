"""Run every benchmark, each in its own process, and list the reports (``make bench``).

    python -m benchmarks.run            # the standard set
    python -m benchmarks.run demo api   # only some
    python -m benchmarks.run --full     # allocation at every target instance and limit (hours)

Each benchmark writes its own report to benchmarks/results/<name>.md.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# name -> module; each writes benchmarks/results/<name>.md
BENCHMARKS = {
    "demo": "benchmarks.demo.run",
    "api": "benchmarks.api.run",
    "pages": "benchmarks.pages.run",
    "allocation": "benchmarks.allocation.run",
    "allocation-product": "benchmarks.allocation.product",
    "allocation-territory": "benchmarks.allocation.territory",
    "load": "benchmarks.load.run",
}


def main(argv: list[str]) -> int:
    full = "--full" in argv
    names = [a for a in argv if not a.startswith("--")] or list(BENCHMARKS)
    failures = []
    for name in names:
        module = BENCHMARKS[name]
        args = [sys.executable, "-m", module]
        if name == "allocation" and not full:
            args.append("--standard")
        if name == "allocation-product" and full:
            args.append("--huge")
        print(f"== {name} ==", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call(args, cwd=ROOT)
        print(f"   {name}: exit {rc} after {time.perf_counter() - t0:.0f} s", flush=True)
        if rc != 0:
            failures.append(name)
    print("reports:", ", ".join(sorted(p.name for p in (ROOT / "benchmarks" / "results").glob("*.md"))))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
