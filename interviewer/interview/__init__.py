"""The interview: the runner on top, its policy (``policy/``), where answers come from
(``answers/``) and the live turn's threads (``live/``); ``pipeline.py`` assembles them."""
