"""How fast this machine runs Python now: the time of a fixed piece of pure-Python work.

Benchmark and load figures are only comparable on machines (and moments) of the same
speed: on 2 December 2026 the same code on two machines of the same kind measured 3x
apart. The benchmark and `bash dev load` print this gauge beside their figures, so a
reader can tell a slower page from a slower machine. `python -m plp.bench.gauge` prints it.
"""

import statistics
import time

WORK = 1_000_000  # additions in a Python loop


def cpu_gauge(runs: int = 5) -> float:
    """Milliseconds for WORK additions in a Python loop: the median of `runs`."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        total = 0
        for i in range(WORK):
            total += i
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def describe(ms: float) -> str:
    return f"CPU gauge: {WORK:,} Python additions in {ms:.0f} ms (median of 5; lower is faster)"


if __name__ == "__main__":
    print(describe(cpu_gauge()))
