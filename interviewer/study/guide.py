"""The preparation guide's shape of a schedule, read from ``study/guide.yaml``."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import ConfigError
from ..paths import study_dir

GUIDE_FILE = "guide.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LoopDays(_Strict):
    min_days: int = Field(ge=1)
    loops: int = Field(ge=0)


class Guide(_Strict):
    version: int = 1
    first_block_days: int = Field(default=6, ge=1)
    rest_every_days: int = Field(default=7, ge=2)
    loop_days: list[LoopDays] = Field(min_length=1)
    round_minutes: float = Field(default=15, gt=0)
    rounds: dict[str, str] = Field(default_factory=dict, description="round -> what a day holds")

    def loops_for(self, days: int) -> int:
        fitting = [
            d.loops for d in sorted(self.loop_days, key=lambda d: d.min_days) if days >= d.min_days
        ]
        return fitting[-1] if fitting else 0


def load_guide(path: Path | None = None) -> Guide:
    file = path or study_dir() / GUIDE_FILE
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
        return Guide.model_validate(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the study guide {file}: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{file}: {where}: {first['msg']}") from exc
