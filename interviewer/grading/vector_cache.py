"""Sentence vectors kept on disk, so that re-grading a session does not embed it again.

One SQLite file in the user cache (``sentence-vectors.sqlite``), keyed by a hash of the model
and the text, each vector stored as 384 float16 numbers (768 bytes). A cache that cannot be
opened or written (a read-only home, a locked file) is skipped: the vectors are computed.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from pathlib import Path

import numpy as np

from ..paths import cache_dir

log = logging.getLogger(__name__)

CACHE_FILE = "sentence-vectors.sqlite"
DIM = 384


class VectorCache:
    def __init__(self, model_id: str, path: Path | None = None) -> None:
        self.model_id = model_id
        self.path = path or cache_dir() / CACHE_FILE
        self._db: sqlite3.Connection | None = None
        self._broken = False
        self._lock = threading.Lock()

    def _key(self, text: str) -> str:
        return hashlib.sha1(f"{self.model_id}\0{text}".encode()).hexdigest()

    def _open(self) -> sqlite3.Connection | None:
        if self._db is None and not self._broken:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=2, check_same_thread=False)
                db.execute("CREATE TABLE IF NOT EXISTS v (k TEXT PRIMARY KEY, x BLOB)")
                self._db = db
            except (OSError, sqlite3.Error) as exc:
                log.info("no sentence-vector cache at %s: %s", self.path, exc)
                self._broken = True
        return self._db

    def get(self, texts: list[str]) -> dict[str, np.ndarray]:
        with self._lock:
            db = self._open()
            if db is None or not texts:
                return {}
            keys = {self._key(t): t for t in texts}
            found: dict[str, np.ndarray] = {}
            try:
                items = list(keys.items())
                for lo in range(0, len(items), 500):
                    chunk = [k for k, _ in items[lo : lo + 500]]
                    marks = ",".join("?" * len(chunk))
                    for k, blob in db.execute(f"SELECT k, x FROM v WHERE k IN ({marks})", chunk):
                        vec = np.frombuffer(blob, dtype=np.float16)
                        if vec.shape == (DIM,):
                            found[keys[k]] = vec.astype(np.float32)
            except sqlite3.Error as exc:
                log.info("sentence-vector cache unreadable: %s", exc)
            return found

    def put(self, vectors: dict[str, np.ndarray]) -> None:
        with self._lock:
            db = self._open()
            if db is None or not vectors:
                return
            try:
                with db:
                    db.executemany(
                        "INSERT OR REPLACE INTO v VALUES (?, ?)",
                        [
                            (self._key(t), v.astype(np.float16).tobytes())
                            for t, v in vectors.items()
                        ],
                    )
            except sqlite3.Error as exc:
                log.info("sentence-vector cache not written: %s", exc)
