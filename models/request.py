"""The request of a case folder (request.json, contract v1)."""

from __future__ import annotations

import re
from typing import Any, Literal

from mednec.models.base import Frozen
from pydantic import ConfigDict, Field, field_validator, model_validator


class _Input(Frozen):
    # request.json comes from outside systems that add their own fields (payer, member id,
    # units): the contract's fields are validated strictly, unknown ones are ignored.
    model_config = ConfigDict(frozen=True, extra="ignore")

_CODE = re.compile(r"^(?P<code>\d{5})(?:-(?P<mod>LT|RT))?$")


class RequestedCode(_Input):
    """One requested procedure code, with its side when the request names one."""

    code: str = Field(pattern=r"^\d{5}$")
    side: Literal["left", "right"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        # CONTRACT: a code may be written "27076-LT" as a plain string.
        if isinstance(value, str):
            m = _CODE.match(value.strip().upper())
            if not m:
                raise ValueError(f"malformed code {value!r} (expected 5 digits, optional -LT/-RT)")
            side = {"LT": "left", "RT": "right", None: None}[m.group("mod")]
            return {"code": m.group("code"), "side": side}
        if isinstance(value, dict) and isinstance(value.get("side"), str):
            value = {**value, "side": value["side"].strip().lower()}
        if isinstance(value, dict) and isinstance(value.get("code"), str):
            m = _CODE.match(value["code"].strip().upper())
            if m and m.group("mod") and not value.get("side"):
                value = {**value, "code": m.group("code"),
                         "side": "left" if m.group("mod") == "LT" else "right"}
            elif m:
                value = {**value, "code": m.group("code")}
        return value


class Patient(_Input):
    """Optional patient details of the request."""

    age: int | None = Field(default=None, ge=0, le=130)
    sex: str | None = None


class CaseRequest(_Input):
    """request.json: the case id, the requested codes and optional patient details."""

    case_id: str = Field(min_length=1, max_length=200)
    requested: tuple[RequestedCode, ...] = Field(min_length=1)
    patient: Patient | None = None

    @field_validator("case_id")
    @classmethod
    def _safe_case_id(cls, value: str) -> str:
        # The case id names output files: never let it leave OUT_DIR.
        if "/" in value or "\\" in value or value in {".", ".."} or ".." in value or "\x00" in value:
            raise ValueError(f"case_id {value!r} contains a path separator or '..'")
        if value.startswith("."):
            raise ValueError(f"case_id {value!r} must not start with '.'")
        return value
