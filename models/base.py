"""Shared configuration for every model: frozen, and unknown fields are errors."""

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """Base of all mednec models: immutable, ``extra="forbid"``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
