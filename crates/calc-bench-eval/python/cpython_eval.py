#!/usr/bin/env python3
"""Times CPython on the calcnet evaluator benchmark inputs.

Reads `ID<TAB>SOURCE` lines (from the `eval-cases` binary) on stdin and
prints `ID<TAB>NANOSECONDS<TAB>ITERATIONS<TAB>REPR` lines: the median time of
one `repr(eval(compile(SOURCE, "<expr>", "eval"), NS))`, the same
parse + evaluate + format work the Rust runners do, with calc-core's
namespace (crates/calc-core/python/calc_namespace.py).
Time is the thread's CPU time (time.thread_time), the clock the Rust
benchmarks use too: on a shared machine it leaves out the moments the
thread waits for a core.

usage: eval-cases | python3 cpython_eval.py [--repeat N]

With --serve it times bursts on request instead, for the paired rounds of
the `eval-pairs` binary: each `ID<TAB>MILLISECONDS<TAB>SOURCE` line on stdin
is answered, once that much CPU time has been spent evaluating SOURCE in
batches, with `ID<TAB>NANOSECONDS` per evaluation.

usage: python3 cpython_eval.py --serve
"""

import os
import statistics
import sys
import time
import timeit

# The namespace, generated from calc-core's names (`cargo xtask namespace`).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "calc-core", "python"))
from calc_namespace import NS  # noqa: E402


def evaluator(src):
    """One parse + evaluate + format of `src`, as a function of no arguments."""
    def once():
        return repr(eval(compile(src, "<expr>", "eval"), NS))
    return once


def measure(src, repeat):
    """Median seconds per evaluation over `repeat` runs of an autoranged count."""
    once = evaluator(src)
    result = once()
    timer = timeit.Timer(once, timer=time.thread_time)
    number, _ = timer.autorange()
    runs = timer.repeat(repeat=repeat, number=number)
    return statistics.median(runs) / number, number * repeat, result


def burst(src, seconds):
    """CPU seconds per evaluation over batches lasting `seconds` in all."""
    once = evaluator(src)
    # Batches of about a millisecond: the clock is read once a batch.
    start = time.thread_time()
    once()
    first = max(time.thread_time() - start, 1e-7)
    batch = max(1, int(1e-3 / first))
    done = 1
    while True:
        for _ in range(batch):
            once()
        done += batch
        spent = time.thread_time() - start
        if spent >= seconds:
            return spent / done


def serve():
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line:
            continue
        ident, ms, src = line.split("\t", 2)
        secs = burst(src, float(ms) / 1e3)
        print(f"{ident}\t{secs * 1e9:.1f}", flush=True)
    return 0


def main():
    repeat = 5
    args = sys.argv[1:]
    if args == ["--serve"]:
        return serve()
    if args[:1] == ["--repeat"] and len(args) == 2:
        repeat = int(args[1])
    elif args:
        print(__doc__, file=sys.stderr)
        return 2
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line:
            continue
        ident, src = line.split("\t", 1)
        secs, iters, result = measure(src, repeat)
        if len(result) > 60:
            result = result[:57] + "..."
        print(f"{ident}\t{secs * 1e9:.1f}\t{iters}\t{result}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
