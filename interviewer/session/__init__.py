"""Sessions: the recorded interview, its file format and its folder store."""

from .models import SCHEMA_VERSION, Session, Turn, Word
from .store import SessionStore, SessionWriter, load_session

__all__ = [
    "SCHEMA_VERSION",
    "Session",
    "SessionStore",
    "SessionWriter",
    "Turn",
    "Word",
    "load_session",
]
