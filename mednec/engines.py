"""Engines of ``mednec triage``: where the per-case function runs.

Two engines run the same function, :func:`mednec.worker.process_case`, so their outputs are
byte-identical:

* ``local`` (default): forked children on this machine (``mednec.runner``), at most
  ``--workers`` at a time, each with the per-case time limit;
* ``dask``: the tasks of a Dask distributed cluster (``mednec.dask_engine``), a
  ``LocalCluster`` when no scheduler address is given.

A worker process (the local parent before it forks, each Dask worker) first runs
:func:`mednec.worker.warm`.
"""

from __future__ import annotations

ENGINES = ("local", "dask")
"""Names accepted by ``mednec triage --engine``."""


def check_engine(engine: str, scheduler: str | None) -> str | None:
    """Why ``engine`` with ``scheduler`` cannot run (``None``: it can)."""
    if engine not in ENGINES:
        return f"--engine: unknown engine {engine!r} (local or dask)"
    if scheduler and engine != "dask":
        return "--scheduler needs --engine dask"
    if engine == "dask":
        try:
            import dask.distributed  # noqa: F401
        except ImportError:
            return "--engine dask needs Dask: pip install 'mednec[dask]'"
    return None
