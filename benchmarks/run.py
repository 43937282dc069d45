"""Run every benchmark of the book, one after another, and print their tables.

    python benchmarks/run.py           # full figures (about 15 minutes on 2 cores)
    python benchmarks/run.py --quick   # rough figures, and no test or build timing

Each script also runs on its own; see benchmarks/README.md. Not part of the tests.
"""

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="rough figures, skip test and build")
    quick = parser.parse_args().quick
    runs = [
        ["bench_samplers.py"] + (["--quick"] if quick else []),
        ["bench_networks.py"] + (["--quick"] if quick else []),
        ["bench_explorers.py"],
        ["bench_book.py"] + (["--skip-tests", "--skip-build"] if quick else []),
    ]
    failed = []
    for script, *args in runs:
        print(f"\n=== {script} {' '.join(args)}".rstrip(), flush=True)
        if subprocess.run([sys.executable, str(HERE / script), *args]).returncode != 0:
            failed.append(script)
    if failed:
        print(f"\nfailed or missed a target: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
