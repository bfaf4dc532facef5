"""The page's buttons and the phrase each sends (``buttons.yaml``): a button is a shortcut
for words the candidate could say, so the policy reads both the same way."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from ..errors import ConfigError

BUTTONS_FILE = Path(__file__).with_name("buttons.yaml")


class Button(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z_]+$")
    label: str
    say: str = Field(min_length=1)
    request: str | None = None
    done: bool = False


class Buttons(BaseModel):
    model_config = ConfigDict(extra="forbid")

    buttons: list[Button]
    run_tests: str = Field(min_length=1)


@lru_cache(maxsize=1)
def load_buttons(path: Path = BUTTONS_FILE) -> Buttons:
    try:
        return Buttons.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise ConfigError(f"{path.name}: cannot read the page's buttons: {exc}") from exc
