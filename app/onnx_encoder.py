"""A faster runtime for the encoder: ONNX Runtime, fp32 or per-channel int8, built at start-up."""

from __future__ import annotations

import contextlib
import copy
import logging
import os
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import torch

from app.encoder import SentenceEncoder


class _Pooled(torch.nn.Module):
    """The encoder plus mean pooling and normalisation, as one graph to export."""

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        # Keyword arguments: positional ones bind to the wrong inputs under the exporter.
        hidden = self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=-1)


def export(encoder: SentenceEncoder, path: Path, *, int8: bool) -> Path:
    """Write the (adapted) encoder as ONNX, quantised to int8 per channel when asked."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written under private names and renamed at the end: a second worker starting at the
    # same time never reads a half-written file.
    fp32 = path.with_name(f"{path.name}.{os.getpid()}.fp32.tmp")
    final = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    # Export a copy: the exporter leaves the module it traced changed, and the torch
    # encoder must keep giving exactly the scores it gave before.
    clone = copy.deepcopy(encoder.model).eval()
    # Any ids the vocabulary has: the graph is dynamic in batch size and length.
    sample = torch.tensor([[encoder.cls_id, *[encoder.sep_id] * 18, encoder.sep_id]])
    with warnings.catch_warnings():
        # The legacy (TorchScript) exporter is deprecated, but the new one needs onnxscript,
        # and tracing warns about shape-dependent branches that the tests show do no harm.
        warnings.simplefilter("ignore")
        _export(clone, sample, fp32)
    _fuse(fp32, heads=clone.config.num_attention_heads, hidden=clone.config.hidden_size)
    if int8:
        from onnx import TensorProto
        from onnxruntime.quantization import QuantType, quantize_dynamic

        # Per-channel weights keep far more decisions than per-tensor ones. The fused
        # operators carry no type information, hence the default tensor type.
        # It advises "pre-processing" (shape inference) on the root logger; the fused
        # graph needs none, and the service's logs are not the place for that advice.
        with _quiet_root_logger():
            quantize_dynamic(
                str(fp32),
                str(final),
                weight_type=QuantType.QInt8,
                per_channel=True,
                extra_options={"DefaultTensorType": TensorProto.FLOAT},
            )
        fp32.unlink()
    else:
        fp32.replace(final)
    final.replace(path)
    return path


@contextlib.contextmanager
def _quiet_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.setLevel(level)


def _fuse(path: Path, *, heads: int, hidden: int) -> None:
    """Fuse attention, GELU and layer norms into ORT's BERT kernels, in place.

    ORT's session-level optimiser does not find these patterns in an exported graph; the
    fused graph is about a quarter faster in fp32 and quantises to the same int8 kernels.
    """
    from onnxruntime.transformers.optimizer import optimize_model

    logging.getLogger("onnxruntime.transformers").setLevel(logging.WARNING)
    fused = optimize_model(str(path), model_type="bert", num_heads=heads, hidden_size=hidden)
    fused.save_model_to_file(str(path))


def _export(model: torch.nn.Module, sample: torch.Tensor, path: Path) -> None:
    torch.onnx.export(
        _Pooled(model),
        (sample, torch.ones_like(sample)),
        str(path),
        input_names=["input_ids", "attention_mask"],
        output_names=["embedding"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "tokens"},
            "attention_mask": {0: "batch", 1: "tokens"},
            "embedding": {0: "batch"},
        },
        opset_version=17,
        dynamo=False,
    )


class OnnxEncoder(SentenceEncoder):
    """SentenceEncoder whose forward pass runs in ONNX Runtime; windows stay the same."""

    def __init__(self, torch_encoder: SentenceEncoder, model_path: Path, *, threads: int) -> None:
        import onnxruntime as ort

        # Everything but the torch model: tokenizer, ids and sizes. Dropping the model's
        # reference lets its ~90 MB of fp32 weights go once the caller lets go of it too.
        self.__dict__.update({k: v for k, v in torch_encoder.__dict__.items() if k != "model"})
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads:
            options.intra_op_num_threads = threads
        # Spinning ORT threads starve the torch heads and the event loop that run between two
        # forward passes: with it on, one message took 6 ms instead of 2 on this 2-core machine.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )

    def embed_windows(self, windows: Sequence[list[int]], *, batch_size: int = 32) -> torch.Tensor:
        out = np.empty((len(windows), self.dim), dtype=np.float32)
        for idx, input_ids, mask in self.padded_batches(windows, batch_size):
            [embedding] = self.session.run(None, {"input_ids": input_ids, "attention_mask": mask})
            out[idx] = embedding
        return torch.from_numpy(out)
