"""Independent training runs side by side, one worker process per CPU core.

A seed sweep trains the same small model several times. Each run uses one thread (more
threads do not help models this small), so on a machine with two or more cores the runs can
go in parallel. Every run seeds itself, so it computes the same numbers in a worker as in a
plain loop: only the wall-clock time changes.

``parallel_map(fn, items)`` is ``[fn(item) for item in items]``, computed by forked workers
that take the next item as soon as they are free. It falls back to the plain loop

* when one worker is asked for (``processes=1``, or the environment variable
  ``RNNBOOK_PROCESSES=1``), when there is one item or one core;
* when a GPU is present: the runs then share the GPU one after the other (CUDA does not
  survive a fork);
* inside a worker (no nested pools);
* off Linux: macOS and Windows have no safe ``fork`` for a process that has loaded torch.

``fn`` may be a lambda or a function defined in a notebook: the workers are forked, so they
inherit it instead of receiving it pickled. What ``fn`` returns travels back pickled
(a trained model, a dict of numbers).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import torch

__all__ = ["parallel_map", "worker_count"]

T = TypeVar("T")

# What the forked workers run: set just before the pool forks, read by _run_one in the workers.
_TASK: tuple[Callable[[Any], Any], list[Any]] | None = None
_IN_WORKER = False


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(n_items: int, processes: int | None = None) -> int:
    """How many workers ``parallel_map`` uses for ``n_items`` items (1 means a plain loop)."""
    if processes is None:
        processes = int(os.environ.get("RNNBOOK_PROCESSES", _cores()))
    if processes < 1:
        raise ValueError(f"expected processes >= 1, received {processes}")
    if _IN_WORKER or torch.cuda.is_available() or not sys.platform.startswith("linux"):
        return 1
    return max(1, min(processes, n_items))


def _start_worker() -> None:
    global _IN_WORKER
    _IN_WORKER = True
    torch.set_num_threads(1)


def _run_one(index: int) -> Any:
    fn, items = _TASK
    return fn(items[index])


def parallel_map(
    fn: Callable[[Any], T], items: Iterable[Any], processes: int | None = None
) -> list[T]:
    """``[fn(item) for item in items]``, in up to ``processes`` forked workers (default: the cores).

    The results come back in the order of ``items``. An exception in a run is raised here,
    with the worker's traceback attached.
    """
    global _TASK
    items = list(items)
    workers = worker_count(len(items), processes)
    if workers == 1:
        return [fn(item) for item in items]
    _TASK = (fn, items)
    try:
        with mp.get_context("fork").Pool(workers, initializer=_start_worker) as pool:
            return pool.map(_run_one, range(len(items)), chunksize=1)
    finally:
        _TASK = None
