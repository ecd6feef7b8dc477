"""Load and validate the rule files shipped in ``pipeline/resources``.

Rules are data: target rules, ConText modifiers, section titles, synonyms and the
knowledge base are JSONL or YAML files read with ``importlib.resources`` and checked
against pydantic schemas, so a bad rule fails at load time with the file and line.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mednec.core.errors import ResourceError

_PACKAGE = "mednec.pipeline"
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: same data, ~10x faster
M = TypeVar("M", bound=BaseModel)
F = TypeVar("F", bound=Callable[..., Any])
# The suffixes of the rule files (pyproject's package data ships the same ones).
RULE_SUFFIXES = (".jsonl", ".yaml", ".txt", ".md")

# The rule set in use: None is the one shipped in pipeline/resources; a directory is one a
# saved pipeline brought (``nlp.to_disk`` writes it, ``spacy.load`` activates it).
_active_dir: Path | None = None
# Every cache built from the rules, so a change of rule set rebuilds them all.
_rule_caches: list[Any] = []


def rule_cache(fn: F | None = None, *, maxsize: int | None = 1) -> Any:
    """``functools.lru_cache`` for anything built from the rule files.

    The cache is registered, so :func:`use_resources` empties it when the rule set
    changes: nothing derived from the old rules outlives them.
    """

    def wrap(f: F) -> F:
        cached = lru_cache(maxsize=maxsize)(f)
        _rule_caches.append(cached)
        return cached  # type: ignore[return-value]

    return wrap(fn) if fn is not None else wrap


def use_resources(directory: str | Path | None) -> None:
    """Make ``directory`` the rule set of this process (None: the shipped one).

    The rules are one set per process (the fact builders read them as well as the spaCy
    components), so switching empties every rule cache; components built before the
    switch keep the rules they were built with until rebuilt.
    """
    global _active_dir
    new = Path(directory).resolve() if directory is not None else None
    if new is not None and not new.is_dir():
        raise ResourceError("not a directory of rule files", new)
    if new != _active_dir:
        _active_dir = new
        for cache in _rule_caches:
            cache.cache_clear()


def active_resources() -> Path | None:
    """The directory of the rule set in use, or None for the shipped one."""
    return _active_dir


def resource_names() -> list[str]:
    """The rule files of the rule set in use, sorted."""
    if _active_dir is not None:
        return sorted(p.name for p in _active_dir.iterdir() if p.is_file() and p.suffix in RULE_SUFFIXES)
    folder = resources.files(_PACKAGE).joinpath("resources")
    return sorted(p.name for p in folder.iterdir() if p.is_file() and Path(p.name).suffix in RULE_SUFFIXES)


def resources_digest() -> dict[str, str]:
    """sha256 of every rule file in use, by name (a saved pipeline's manifest)."""
    return {name: hashlib.sha256(resource_text(name).encode("utf-8")).hexdigest() for name in resource_names()}


class _Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ContextRuleSpec(_Rule):
    """One ConText modifier (medspaCy ``ConTextRule`` fields)."""

    literal: str = Field(min_length=1)
    category: Literal[
        "NEGATED_EXISTENCE", "POSSIBLE_EXISTENCE", "HISTORICAL", "HYPOTHETICAL", "FAMILY",
        "PLANNED", "REPORTED", "PSEUDO", "TERMINATE", "CURRENT",
    ]
    direction: Literal["FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"] = "FORWARD"
    pattern: list[dict[str, Any]] | str | None = None
    max_scope: int | None = Field(default=None, ge=1)
    max_targets: int | None = Field(default=None, ge=1)
    allowed_types: list[str] | None = None
    excluded_types: list[str] | None = None
    terminated_by: list[str] | None = None
    comment: str | None = None


def resource_path(name: str) -> str:
    """Where a rule file of the rule set in use lives, for error messages."""
    return str(_active_dir / name) if _active_dir is not None else f"pipeline/resources/{name}"


def resource_text(name: str) -> str:
    """Text of one rule file of the rule set in use."""
    try:
        if _active_dir is not None:
            return (_active_dir / name).read_text(encoding="utf-8")
        return resources.files(_PACKAGE).joinpath("resources", name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ResourceError("resource file not found", resource_path(name)) from exc


def iter_jsonl(name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, object) for each non-blank, non-comment line of a JSONL resource."""
    for lineno, line in enumerate(resource_text(name).splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("//") or stripped.startswith("#"):
            continue
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ResourceError(f"line {lineno}: not JSON ({exc.msg})", resource_path(name)) from exc
        if not isinstance(obj, dict):
            raise ResourceError(f"line {lineno}: expected an object", resource_path(name))
        yield lineno, obj


def load_jsonl(name: str, model: type[M]) -> list[M]:
    """Validate every line of a JSONL resource against ``model``."""
    out: list[M] = []
    for lineno, obj in iter_jsonl(name):
        try:
            out.append(model.model_validate(obj))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ResourceError(f"line {lineno}: {where}: {first['msg']}", resource_path(name)) from exc
    return out


def load_yaml(name: str, model: type[M]) -> M:
    """Validate a YAML resource against ``model``."""
    try:
        data = yaml.load(resource_text(name), Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        raise ResourceError(f"not valid YAML ({exc})", resource_path(name)) from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ResourceError(f"{where}: {first['msg']}", resource_path(name)) from exc


@rule_cache
def context_rule_specs() -> tuple[ContextRuleSpec, ...]:
    """The ConText assertion modifiers (negation, uncertainty, history, hypothetical, family, plan)."""
    return tuple(load_jsonl("context_rules.jsonl", ContextRuleSpec))


def to_medspacy_context_rules(specs: tuple[ContextRuleSpec, ...]) -> list[Any]:
    """Build medspaCy ``ConTextRule`` objects from validated specs."""
    from medspacy.context import ConTextRule

    rules = []
    for spec in specs:
        kwargs = spec.model_dump(exclude={"comment"}, exclude_none=True)
        for key in ("allowed_types", "excluded_types", "terminated_by"):
            if key in kwargs:
                kwargs[key] = set(kwargs[key])
        rules.append(ConTextRule(**kwargs))
    return rules
