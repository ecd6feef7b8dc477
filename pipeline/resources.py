"""Load and validate the rule files shipped in ``pipeline/resources``.

Rules are data: target rules, ConText modifiers, section titles, synonyms and the
knowledge base are JSONL or YAML files read with ``importlib.resources`` and checked
against pydantic schemas, so a bad rule fails at load time with the file and line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mednec.core.errors import ResourceError

_PACKAGE = "mednec.pipeline"
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: same data, ~10x faster
M = TypeVar("M", bound=BaseModel)


class _Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ContextRuleSpec(_Rule):
    """One ConText modifier (medspaCy ``ConTextRule`` fields)."""

    literal: str = Field(min_length=1)
    category: Literal[
        "NEGATED_EXISTENCE", "POSSIBLE_EXISTENCE", "HISTORICAL", "HYPOTHETICAL", "FAMILY",
        "PLANNED", "PSEUDO", "TERMINATE", "CURRENT",
    ]
    direction: Literal["FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"] = "FORWARD"
    pattern: list[dict[str, Any]] | str | None = None
    max_scope: int | None = Field(default=None, ge=1)
    max_targets: int | None = Field(default=None, ge=1)
    allowed_types: list[str] | None = None
    excluded_types: list[str] | None = None
    terminated_by: list[str] | None = None
    comment: str | None = None


def resource_text(name: str) -> str:
    """Text of one shipped resource file."""
    try:
        return resources.files(_PACKAGE).joinpath("resources", name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ResourceError("resource file not found", f"pipeline/resources/{name}") from exc


def iter_jsonl(name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, object) for each non-blank, non-comment line of a JSONL resource."""
    for lineno, line in enumerate(resource_text(name).splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("//") or stripped.startswith("#"):
            continue
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ResourceError(f"line {lineno}: not JSON ({exc.msg})", f"pipeline/resources/{name}") from exc
        if not isinstance(obj, dict):
            raise ResourceError(f"line {lineno}: expected an object", f"pipeline/resources/{name}")
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
            raise ResourceError(f"line {lineno}: {where}: {first['msg']}", f"pipeline/resources/{name}") from exc
    return out


def load_yaml(name: str, model: type[M]) -> M:
    """Validate a YAML resource against ``model``."""
    try:
        data = yaml.load(resource_text(name), Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        raise ResourceError(f"not valid YAML ({exc})", f"pipeline/resources/{name}") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ResourceError(f"{where}: {first['msg']}", f"pipeline/resources/{name}") from exc


@lru_cache(maxsize=1)
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
