"""Rubrics are data: a YAML file of dimensions, each with four behaviourally anchored levels.

The schema is documented in ``docs/rubrics.md``. A dimension names the evidence-based
*scorer* that measures it (a key of ``scorers.SCORERS``, checked when the file is read) and
may tune that scorer's thresholds through ``params``; which words count as evidence lives in
code (``evidence.py``) so that a rubric cannot accidentally make the grader gameable.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..catalog.rounds import RoundType
from ..errors import ConfigError
from ..paths import rubrics_dir
from .scorers import SCORERS

log = logging.getLogger(__name__)

DEFAULT_RUBRIC_FILE = "default.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Dimension(_Strict):
    """One thing the grader scores, with what a person at each level visibly does."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    description: str = ""
    scorer: str | None = Field(default=None, description="defaults to the dimension id")
    applies_to: list[RoundType] = Field(min_length=1)
    weight: float = Field(default=1.0, gt=0)
    anchors: dict[int, str]
    practise: str = Field(default="", description="what to practise when this is weak")
    params: dict[str, float] = Field(default_factory=dict)

    @field_validator("anchors")
    @classmethod
    def _four_levels(cls, anchors: dict[int, str]) -> dict[int, str]:
        if sorted(anchors) != [1, 2, 3, 4]:
            raise ValueError(f"needs exactly the levels 1, 2, 3 and 4, got {sorted(anchors)}")
        if any(not text.strip() for text in anchors.values()):
            raise ValueError("every level needs a description of what the candidate does")
        return anchors

    @model_validator(mode="after")
    def _known_scorer(self) -> Dimension:
        if self.scorer_id not in SCORERS:
            raise ValueError(
                f"scorer {self.scorer_id!r} is unknown; choose one of {', '.join(SCORERS)}"
            )
        return self

    @property
    def scorer_id(self) -> str:
        return self.scorer or self.id

    def param(self, name: str, default: float) -> float:
        return float(self.params.get(name, default))


class Rubric(_Strict):
    id: str
    name: str
    version: int = 1
    level_names: dict[int, str] = Field(
        default_factory=lambda: {1: "Not yet", 2: "Developing", 3: "Solid", 4: "Strong"}
    )
    dimensions: list[Dimension] = Field(min_length=1)

    @field_validator("dimensions")
    @classmethod
    def _unique_ids(cls, dims: list[Dimension]) -> list[Dimension]:
        seen: set[str] = set()
        for dim in dims:
            if dim.id in seen:
                raise ValueError(f"dimension id {dim.id!r} appears twice")
            seen.add(dim.id)
        return dims

    def dimension(self, dim_id: str) -> Dimension:
        for dim in self.dimensions:
            if dim.id == dim_id:
                return dim
        raise KeyError(dim_id)

    def dimensions_for(self, round: str) -> list[Dimension]:
        """The dimensions that apply to ``round``, in rubric order."""
        return [dim for dim in self.dimensions if round in dim.applies_to]


def _field_path(loc: tuple[Any, ...], raw: Any) -> str:
    """'dimensions[2] (honesty).anchors' instead of 'dimensions.2.anchors'."""
    parts: list[str] = []
    node = raw
    for item in loc:
        if isinstance(item, int):
            label = f"[{item}]"
            if isinstance(node, list) and item < len(node):
                node = node[item]
                if isinstance(node, dict) and "id" in node:
                    label += f" ({node['id']})"
            else:
                node = None
            parts.append(label)
        else:
            parts.append(("." if parts else "") + str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts)


def parse_rubric(raw: Any, shown: str) -> Rubric:
    """Validate a parsed rubric, naming the file and field that is wrong."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{shown}: a rubric must be a mapping with 'id', 'name', 'dimensions'")
    try:
        return Rubric.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _field_path(tuple(first["loc"]), raw) or "(top level)"
        raise ConfigError(
            f"{shown}: {where}: {first['msg']}",
            hint="the rubric schema is described in docs/rubrics.md",
        ) from exc


def load_rubric(path: Path | str | None = None) -> Rubric:
    """Read a rubric file; ``None`` means the default rubric shipped with the project."""
    file = Path(path) if path is not None else rubrics_dir() / DEFAULT_RUBRIC_FILE
    if not file.is_file():
        raise ConfigError(f"rubric file not found: {file}")
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read rubric {file}: {exc}") from exc
    return parse_rubric(raw, str(file))
