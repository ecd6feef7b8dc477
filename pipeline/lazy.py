"""Defer imports that medspaCy pulls in but mednec never uses (cold start).

``import medspacy`` (any sub-module) imports ``medspacy.util``, which imports QuickUMLS,
which imports NLTK, which imports SciPy's statistics: about a second of a cold start spent
on modules mednec's pipeline never calls. :func:`defer` puts a placeholder module in
``sys.modules``: ``import nltk`` then returns at once, and the real module loads on the
first attribute access (or sub-module import), so a caller that does use it sees no change.

(``importlib.util.LazyLoader`` cannot do this on Python 3.11: the import statement itself
reads ``__spec__`` of a module found in ``sys.modules``, which makes it load at once.)
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

DEFERRED = ("nltk", "scipy.stats")
"""Modules loaded on first use instead of on import."""


class _Deferred(types.ModuleType):
    """Stands in for a module in ``sys.modules`` until one of its attributes is read."""

    def __getattr__(self, attr: str) -> object:
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
        real = importlib.import_module(name)
        self.__dict__.update(real.__dict__)
        return getattr(real, attr)


def defer(names: tuple[str, ...] = DEFERRED) -> None:
    """Have each module of ``names`` load on first use instead of on import (idempotent)."""
    for name in names:
        if name in sys.modules:
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None:
            continue
        placeholder = _Deferred(name)
        placeholder.__spec__ = spec
        sys.modules[name] = placeholder
