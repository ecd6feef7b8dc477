"""Every adaptation of medspaCy that reaches past its public API, in one place.

medspaCy 1.3 keeps the parts mednec needs to change behind name-mangled attributes, and offers
no hook for them:

- ``ConText`` holds its ``MedspacyMatcher`` as ``_ConText__matcher`` and exposes no accessor; a
  ConText that runs one sentence at a time (``pipeline/context.py``) must call that matcher
  itself.
- ``MedspacyMatcher`` holds its token, phrase and regex matchers as ``_MedspacyMatcher__matcher``,
  ``__phrase_matcher`` and ``__regex_matcher``, and prunes overlapping matches with
  ``medspacy.common.util.prune_overlapping_matches``, which pops a Python list from the front
  (quadratic in the matches); there is no parameter to pass another pruning function.
- ``RegexMatcher`` runs every pattern over ``doc.text`` (which spaCy rebuilds at each access)
  and offers no way to run a pattern only where it can match.

So the two matchers are given a subclass of their own class (``__class__`` assignment, the
state stays medspaCy's) whose ``__call__`` returns the same matches in the same order. The
attribute names were read from medspaCy 1.3.1; :func:`check_version` refuses another minor
version with a coded error (``[E302]``) instead of a silent misreading, and the tests in
``tests/pipeline/test_medspacy_compat.py`` compare each adapted matcher with medspaCy's own.
Nothing else in mednec touches a private medspaCy name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from mednec.pipeline.prune import prune_overlapping

from mednec.core.errors import MedspacyVersionError

TESTED_VERSIONS = ("1.3",)
"""medspaCy minor versions whose private attribute names this module was written against."""


def check_version(version: str | None = None) -> None:
    """Raise ``[E302]`` unless medspaCy ``version`` (default: the installed one) is a tested minor version."""
    if version is None:
        import medspacy

        version = getattr(medspacy, "__version__", "unknown")
    minor = ".".join(version.split(".")[:2])
    if minor not in TESTED_VERSIONS:
        raise MedspacyVersionError(
            f"medspaCy {version} is installed; mednec's matcher adaptations (pipeline/medspacy_compat.py) "
            f"were written for {', '.join(TESTED_VERSIONS)}.x: pin medspacy~={TESTED_VERSIONS[-1]}.0")


def context_matcher(ctx: Any) -> Any:
    """The ``MedspacyMatcher`` of a medspaCy ``ConText`` (kept name-mangled, no accessor)."""
    return ctx._ConText__matcher


def regex_matcher(matcher: Any) -> Any:
    """The ``RegexMatcher`` inside a ``MedspacyMatcher``."""
    return matcher._MedspacyMatcher__regex_matcher


def regex_patterns(matcher: Any) -> Iterator[Any]:
    """Every compiled pattern of a ``MedspacyMatcher``'s regex matcher."""
    for patterns in regex_matcher(matcher)._patterns.values():
        yield from patterns


def linear_prune(matcher: Any) -> None:
    """Make a pruning ``MedspacyMatcher`` prune with :func:`mednec.pipeline.prune.prune_overlapping`
    (same matches, same order, linear per pass), measuring a match without its whitespace tokens."""
    from medspacy.common.medspacy_matcher import MedspacyMatcher

    check_version()

    class LinearPruneMatcher(MedspacyMatcher):
        def __call__(self, doc):  # noqa: ANN001, ANN204 - medspaCy matcher protocol
            matches = self._MedspacyMatcher__matcher(doc)
            matches += self._MedspacyMatcher__phrase_matcher(doc)
            matches += self._MedspacyMatcher__regex_matcher(doc)
            if self._prune:
                spaces = [t.is_space for t in doc]
                matches = prune_overlapping(matches, lambda x: (x[2] - x[1]) - sum(spaces[x[1]: x[2]]))
            return matches

    matcher.__class__ = LinearPruneMatcher


def filtered_regex(matcher: Any, finditer: Callable[[Any], Callable[[Any], Iterator[Any]]]) -> None:
    """Make a ``MedspacyMatcher``'s regex matcher find each pattern's matches with ``finditer(doc)(pattern)``
    instead of ``pattern.finditer(doc.text)`` (which must give the same matches), in medspaCy's order."""
    from medspacy.common.regex_matcher import RegexMatcher

    check_version()

    class FilteredRegexMatcher(RegexMatcher):
        def __call__(self, doc):  # noqa: ANN001, ANN204 - medspaCy matcher protocol
            find = finditer(doc)
            matches = []
            for match_id, patterns in self._patterns.items():
                on_match = self._callbacks[match_id]
                for pattern in patterns:
                    for m in find(pattern):
                        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                        if span is not None and len(span):
                            matches.append((match_id, span.start, span.end))
                        if on_match is not None:
                            on_match(self, doc, len(matches) - 1, matches)
            return matches

    regex_matcher(matcher).__class__ = FilteredRegexMatcher
