"""The HTML templates of the saved reports and of the `interviewer serve` pages: one Jinja2
environment with autoescaping, so text from a session (the candidate's words, a persona's
lines) can never become markup. The saved report inlines its CSS and script from here too,
so it stays one self-contained file.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

__all__ = ["Markup", "environment", "render"]


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent),
        autoescape=select_autoescape(["html", "htm", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["url"] = lambda path, **_: path  # pages of the server replace it (web/app.py)
    return env


def render(name: str, **context: Any) -> str:
    """The template ``name`` filled with ``context`` (autoescaped)."""
    return environment().get_template(name).render(**context)
