"""Fuzzing suite: generated inputs thrown at the readers and the coder.

Shared here: the Hypothesis settings of every fuzz test, the per-example time
limit that turns a hang into a failure, and the tally of generated inputs that
``conftest.py`` reports and checks. ``REALPOLITIK_FUZZ_SCALE=10`` multiplies
every example budget for a longer campaign.
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import HealthCheck, settings

SCALE = float(os.environ.get("REALPOLITIK_FUZZ_SCALE", "1"))
MIN_GENERATED = 10_000  # generated inputs a default run of the whole suite must reach
WALL_FACTOR = 4  # a loaded machine may stretch wall time; CPU time is the real bound

GENERATED: Counter[str] = Counter()  # test name -> generated inputs run


# The default run is derandomized, so CI sees the examples a developer saw; set
# REALPOLITIK_FUZZ_RANDOM=1 (with REALPOLITIK_FUZZ_SCALE) for an exploring campaign.
RANDOM = os.environ.get("REALPOLITIK_FUZZ_RANDOM") == "1"


def fuzz_settings(max_examples: int) -> settings:
    """Settings for one fuzz test: ``max_examples`` (times SCALE), no deadline, no example database.

    The deadline is replaced by :func:`time_limit`, which also stops a real
    hang; the database is off so runs leave nothing behind in the work tree.
    """
    return settings(
        max_examples=max(1, round(max_examples * SCALE)),
        deadline=None,
        database=None,
        print_blob=True,
        derandomize=not RANDOM,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.filter_too_much,
        ],
    )


def tally(test: str) -> None:
    """Count one generated input for ``test``."""
    GENERATED[test] += 1


class _OutOfTime(BaseException):
    """Raised by the timer; a BaseException so the code under test's ``except Exception`` cannot swallow it."""


@contextmanager
def time_limit(cpu_seconds: float, what: str) -> Iterator[None]:
    """Fail with AssertionError when the block uses more than ``cpu_seconds`` of CPU time.

    A wall-clock timer of ``WALL_FACTOR`` times as long also runs, for hangs that
    block without using CPU. Signal timers: main thread, POSIX only.
    """

    def on_timer(signum: int, frame: object) -> None:
        raise _OutOfTime(signum)

    handlers = {sig: signal.signal(sig, on_timer) for sig in (signal.SIGPROF, signal.SIGALRM)}
    signal.setitimer(signal.ITIMER_PROF, cpu_seconds)
    signal.setitimer(signal.ITIMER_REAL, cpu_seconds * WALL_FACTOR)
    try:
        yield
    except _OutOfTime as exc:
        kind = "CPU" if exc.args[0] == signal.SIGPROF else "wall-clock"
        raise AssertionError(
            f"{what}: still running after the {kind} limit ({cpu_seconds:g}s CPU / {cpu_seconds * WALL_FACTOR:g}s wall)"
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
