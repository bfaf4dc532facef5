"""The shipped personas folder, and breaking a copy of it on purpose (tests of clear errors)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

SHIPPED_PERSONAS = Path(__file__).resolve().parents[1] / "personas"


def rewrite_yaml(path: Path, change: Callable[[dict], object]) -> None:
    """Load a YAML file, let ``change`` edit the data in place, and write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
