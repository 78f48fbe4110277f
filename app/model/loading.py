"""Loading the model on the runtime the settings name; torch is imported only when it serves."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.config import Settings
from app.core.errors import ModelLoadError
from app.model.base import Classifier, fingerprint, onnx_file_name
from app.model.head_specs import check_models_dir, read_meta
from app.model.lexical import LexicalScorer
from app.model.onnx_model import OnnxClassifier
from app.model.salience import NegativityScorer
from app.model.tokenizer import default_encoder_dir

if TYPE_CHECKING:  # torch is imported only when the torch runtime serves
    from app.model.torch_model import MiniLMClassifier

log = logging.getLogger("triage.loading")
EXPORT_TIMEOUT_S = 900


def load_classifier(settings: Settings) -> Classifier:
    """The shipped model on the configured runtime.

    The ONNX runtimes serve an exported graph, built once into the data dir by a separate
    process, so this process never imports torch. If that fails the torch model serves.
    """
    if settings.runtime == "torch":
        return load_torch_classifier(settings)
    check_models_dir(settings.models_dir)  # a broken model is no reason to try torch
    try:
        return load_onnx_classifier(settings)
    except Exception as exc:
        # A slower service beats none: the torch model gives the reference answers.
        log.error(
            "ONNX runtime unavailable, serving with torch",
            extra={"runtime": settings.runtime, "error": f"{type(exc).__name__}: {exc}"},
        )
        return load_torch_classifier(settings)


def load_torch_classifier(settings: Settings) -> MiniLMClassifier:
    from app.model.torch_model import MiniLMClassifier

    if settings.torch_threads:
        import torch

        torch.set_num_threads(settings.torch_threads)
    return MiniLMClassifier.load(
        settings.models_dir,
        encoder_dir=settings.encoder_dir,
        max_windows=settings.long_text_max_windows,
    )


def load_onnx_classifier(settings: Settings) -> OnnxClassifier:
    int8 = settings.runtime == "onnx-int8"
    version = str(read_meta(settings.models_dir).get("version", "unversioned"))
    name = onnx_file_name(version, fingerprint(settings.models_dir), int8=int8)
    path = settings.data_dir / "onnx" / name
    encoder_dir = settings.encoder_dir or default_encoder_dir()
    if not path.exists():
        export_in_subprocess(settings.models_dir, encoder_dir, path, int8=int8)
    return OnnxClassifier(
        path,
        encoder_dir,
        model_version=version,
        threads=settings.torch_threads,
        max_windows=settings.long_text_max_windows,
        rank=NegativityScorer.load(settings.models_dir),
        lexical=LexicalScorer.load(settings.models_dir),
    )


def export_in_subprocess(models_dir: Path, encoder_dir: Path, path: Path, *, int8: bool) -> None:
    """Export with app.model.onnx_export in its own process: torch's memory goes when it exits."""
    log.info("exporting the model to ONNX, once", extra={"path": str(path), "int8": int8})
    command = [sys.executable, "-m", "app.model.onnx_export", "--models", str(models_dir)]
    command += ["--encoder", str(encoder_dir), "--out", str(path)]
    command += ["--int8"] if int8 else []
    root = Path(__file__).resolve().parents[2]  # where `app` imports from, installed or not
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=EXPORT_TIMEOUT_S, cwd=root
    )
    if done.returncode != 0 or not path.exists():
        raise ModelLoadError(f"ONNX export failed ({done.returncode}): {done.stderr[-2000:]}")
