"""Language-model backends behind one interface (see :mod:`interviewer.llm.base`).

Importing this package is cheap: llama_cpp and openai are imported only when a backend is built.
"""

from .base import ChatMessage, Completion, LLMBackend
from .factory import describe, make_backend
from .settings import LLMSettings

__all__ = ["ChatMessage", "Completion", "LLMBackend", "LLMSettings", "describe", "make_backend"]
