#!/usr/bin/env python3
"""Time every solution notebook in a fresh kernel, then the reference training run.

    python3 scripts/benchmark_notebooks.py [--no-training] [notebook names ...]

One BLAS/OpenMP thread (OMP/OPENBLAS/MKL_NUM_THREADS=1, inherited by every kernel).
Each notebook runs headless with nbclient, from its own folder, with tutorial/ on
PYTHONPATH, as the tests do; the time includes starting the kernel. Afterwards
scripts/benchmark_training.py prints the training figures (time, final loss).
This is a measurement, not a test: it prints figures and never fails on a slow machine
(it exits 1 only if a notebook raises an error).
"""
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import argparse  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TUTORIAL = REPO / "tutorial"
SOLUTIONS = TUTORIAL / "solutions"


def run_notebook(path):
    """Execute one notebook in a fresh kernel; return (seconds, error text or None)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    try:
        client.execute()
        error = None
    except CellExecutionError as exc:
        error = str(exc).strip().splitlines()[-1]
    return time.perf_counter() - start, error


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook stems, e.g. 07_training (default: all)")
    parser.add_argument("--no-training", action="store_true", help="skip scripts/benchmark_training.py")
    args = parser.parse_args()

    os.environ["PYTHONPATH"] = str(TUTORIAL) + (os.pathsep + os.environ["PYTHONPATH"]
                                                if os.environ.get("PYTHONPATH") else "")
    os.environ.pop("MPLBACKEND", None)
    paths = sorted(SOLUTIONS.glob("*.ipynb"))
    if args.names:
        paths = [p for p in paths if p.stem in args.names or p.name in args.names]
    print("solution notebooks, each in a fresh kernel, 1 BLAS thread:")
    total, failed = 0.0, False
    for path in paths:
        seconds, error = run_notebook(path)
        total += seconds
        failed |= error is not None
        print(f"  {path.stem:24s} {seconds:6.1f} s" + (f"   ERROR: {error}" if error else ""), flush=True)
    print(f"  {'total':24s} {total:6.1f} s  ({len(paths)} notebooks)", flush=True)

    if not args.no_training:
        print("\nreference training run (scripts/benchmark_training.py):", flush=True)
        subprocess.run([sys.executable, str(REPO / "scripts" / "benchmark_training.py")], check=False)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
