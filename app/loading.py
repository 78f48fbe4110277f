"""Loading what an engine is built from: the response bank and the model, as settings say."""

from __future__ import annotations

import logging

import torch

from app.bank import BankError, ResponseBank
from app.classifier import MiniLMClassifier
from app.config import Settings
from app.errors import BankInvalidError

log = logging.getLogger("triage.loading")


def load_bank(settings: Settings) -> ResponseBank:
    """The packaged bank, or the team's own, plus any extension files, in name order."""
    extensions = sorted(settings.bank_extensions.glob("*.yaml")) if settings.bank_extensions else []
    try:
        if settings.bank_path:
            bank = ResponseBank.load(settings.bank_path)
        else:
            bank = ResponseBank.default()
        for path in extensions:
            bank = bank.extended(ResponseBank.load(path), source=str(path))
    except BankError as exc:
        raise BankInvalidError(str(exc)) from exc
    return bank


def load_classifier(settings: Settings) -> MiniLMClassifier:
    """The shipped model on the configured runtime (ONNX files are exported once, then cached)."""
    model = MiniLMClassifier.load(settings.models_dir, encoder_dir=settings.encoder_dir)
    if settings.runtime != "torch":
        try:
            model = model.with_onnx(
                settings.data_dir / "onnx",
                int8=settings.runtime == "onnx-int8",
                threads=settings.torch_threads,
            )
        except Exception as exc:
            # A slower service beats none: the torch model gives the reference answers.
            log.error(
                "ONNX runtime unavailable, serving with torch",
                extra={"runtime": settings.runtime, "error": f"{type(exc).__name__}: {exc}"},
            )
            return model
        # Only the small heads run in torch now, between ONNX passes: torch's thread pool
        # would contend with ONNX Runtime's for the same cores (6 ms a message instead of 2).
        torch.set_num_threads(1)
    return model
