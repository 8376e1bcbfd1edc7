"""Start-up of the `jixiao` command: `jixiao --help` and `jixiao queue` on an empty store.

    python bench/bench_startup.py [--runs 7]

Each command runs --runs times as a fresh process; prints the fastest and the median wall time and
the CPU time (user + system, from the children's rusage), which holds on a loaded machine.
Also checks that no command loads OpenCV or onnxruntime. Target: < 0.3 s each.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {"jixiao --help": ["--help"], "jixiao queue": ["queue"]}
HEAVY = ("cv2", "onnxruntime")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_command(args: list[str], runs: int, env: dict[str, str]) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    for _ in range(runs):
        cpu, wall = _cpu(), time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "extractor.cli", *args],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        walls.append(time.perf_counter() - wall)
        cpus.append(_cpu() - cpu)
    return walls, cpus


def heavy_modules_loaded(env: dict[str, str]) -> list[str]:
    probe = (
        "import sys, runpy; sys.argv = ['jixiao', 'queue']\n"
        "try: runpy.run_module('extractor.cli', run_name='__main__')\n"
        "except SystemExit: pass\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "JIXIAO_HOME": tmp}
        subprocess.run(
            [sys.executable, "-m", "extractor.cli", "queue"], env=env, cwd=ROOT, check=True, capture_output=True
        )  # the store's migrations run once, not in the timed runs
        bare, _ = time_command_python(args.runs, env)
        print(f"python itself: {bare:.3f} s (fastest wall)")
        for name, argv in COMMANDS.items():
            walls, cpus = time_command(argv, args.runs, env)
            print(
                f"{name:<14} wall fastest {min(walls):.3f} s, median {statistics.median(walls):.3f} s; "
                f"CPU fastest {min(cpus):.3f} s, median {statistics.median(cpus):.3f} s  (target < 0.3 s)"
            )
        loaded = heavy_modules_loaded(env)
        print(f"`jixiao queue` loads {' '.join(loaded) if loaded else 'neither OpenCV nor onnxruntime'}")


def time_command_python(runs: int, env: dict[str, str]) -> tuple[float, float]:
    walls = []
    for _ in range(runs):
        wall = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=env, check=True)
        walls.append(time.perf_counter() - wall)
    return min(walls), statistics.median(walls)


if __name__ == "__main__":
    main()
