"""Embedding: model loading errors, normalisation, and the on-disk vector cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from summarizer.embed import encode_cached, load_embedder, normalise
from summarizer.errors import ModelError


def test_unknown_model_name_raises_model_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no-such-model"):
        load_embedder(str(tmp_path / "no-such-model"))


def test_normalise_gives_unit_rows_and_keeps_zero_rows() -> None:
    out = normalise(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert out.dtype == np.float32
    assert np.allclose(out, [[0.6, 0.8], [0.0, 0.0]])


def test_second_call_on_same_texts_encodes_nothing(fake_embedder, tmp_path: Path) -> None:
    texts = ["The summit opened.", "Leaders met in Minsk.", "The summit opened."]
    first = encode_cached(fake_embedder, texts, tmp_path)
    second = encode_cached(fake_embedder, texts, tmp_path)
    assert (first.encoded, first.cache_hits) == (2, 0)
    assert (second.encoded, second.cache_hits) == (0, 3)
    assert fake_embedder.encoded == 2
    assert np.array_equal(first.vectors, second.vectors)


def test_cached_vectors_match_fresh_ones_in_input_order(fake_embedder, tmp_path: Path) -> None:
    encode_cached(fake_embedder, ["b text", "a text"], tmp_path)
    out = encode_cached(fake_embedder, ["a text", "new text", "b text"], tmp_path)
    assert out.encoded == 1
    assert np.allclose(out.vectors, fake_embedder.encode(["a text", "new text", "b text"]))


def test_cache_is_keyed_by_model_name(fake_embedder, tmp_path: Path) -> None:
    encode_cached(fake_embedder, ["same text"], tmp_path)
    fake_embedder.name = "other-model"
    assert encode_cached(fake_embedder, ["same text"], tmp_path).encoded == 1


def test_empty_input_gives_empty_matrix(fake_embedder, tmp_path: Path) -> None:
    out = encode_cached(fake_embedder, [], tmp_path)
    assert out.vectors.shape[0] == 0 and out.encoded == 0


@pytest.mark.model
def test_real_model_loads_offline_and_encodes_unit_vectors(real_embedder) -> None:
    vectors = real_embedder.encode(["The CSTO summit was held in Bishkek.", "Leaders met in Bishkek for the CSTO."])
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float(vectors[0] @ vectors[1]) > 0.7
