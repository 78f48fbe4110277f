"""The floor: how fast the model could possibly run here, from its arithmetic and this CPU.

Work per message is counted from the encoder's weights (every linear layer, plus the
attention products, which grow with the square of the length); the rate is measured on
the one operation that dominates it, a 384 -> 1536 projection of a batch of tokens, in
the same kernels the service uses (ONNX Runtime's dynamic int8 MatMul, and fp32).
Embedding lookups, layer norms, softmax and the heads are left out: the floor is a bound.
"""

from __future__ import annotations

import os
import statistics
import time
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

BATCH_TOKENS = 32 * 24  # a full micro-batch of chat messages


@dataclass(frozen=True)
class Floor:
    tokens_per_message: float
    flops_per_message: float
    int8_gops: float  # measured, ONNX Runtime dynamic int8 MatMul
    fp32_gflops: float  # measured, ONNX Runtime fp32 MatMul

    @property
    def messages_per_s(self) -> float:
        """The int8 floor: messages per second if every core did nothing but the arithmetic."""
        return self.int8_gops * 1e9 / self.flops_per_message

    @property
    def fp32_messages_per_s(self) -> float:
        return self.fp32_gflops * 1e9 / self.flops_per_message

    def describe(self) -> str:
        return (
            f"floor: {self.flops_per_message / 1e6:.0f} M multiply-adds x2 per message "
            f"({self.tokens_per_message:.1f} tokens on average); measured here "
            f"{self.int8_gops:.0f} G int8 ops/s and {self.fp32_gflops:.0f} GFLOP/s fp32 -> "
            f"at most {self.messages_per_s:.0f} messages/s int8 "
            f"({1000 / self.messages_per_s:.2f} ms each on all cores), "
            f"{self.fp32_messages_per_s:.0f}/s fp32"
        )

    def as_dict(self) -> dict:
        return {
            **asdict(self),
            "messages_per_s": self.messages_per_s,
            "fp32_messages_per_s": self.fp32_messages_per_s,
        }


def flops_per_message(encoder: torch.nn.Module, tokens: Sequence[int]) -> float:
    """2 x multiply-adds of the encoder's linear layers and attention, averaged over messages."""
    linear = sum(
        m.in_features * m.out_features
        for name, m in encoder.named_modules()
        if isinstance(m, torch.nn.Linear) and "pooler" not in name  # the pooler is unused
    )
    config = encoder.config
    per_message = [
        2 * t * linear + 2 * 2 * t * t * config.hidden_size * config.num_hidden_layers
        for t in tokens
    ]
    return float(statistics.mean(per_message))


def _projection_model(path: Path, *, int8: bool) -> Path:
    from app.model.onnx_export import quantize_int8

    layer = torch.nn.Linear(384, 1536)
    fp32 = path.with_suffix(".fp32.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            layer,
            (torch.randn(BATCH_TOKENS, 384),),
            str(fp32),
            input_names=["x"],
            dynamic_axes={"x": {0: "rows"}},
            dynamo=False,
        )
    if not int8:
        return fp32
    quantize_int8(fp32, path)  # as the service quantises its encoder
    return path


def measure_rate(work_dir: Path, *, int8: bool, seconds: float = 2.0) -> float:
    """Billions of multiply-add x2 per second for the projection, all cores, best window."""
    import onnxruntime as ort

    work_dir.mkdir(parents=True, exist_ok=True)
    path = _projection_model(work_dir / f"projection-{'int8' if int8 else 'fp32'}.onnx", int8=int8)
    options = ort.SessionOptions()
    options.intra_op_num_threads = os.cpu_count() or 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    x = np.random.default_rng(0).standard_normal((BATCH_TOKENS, 384)).astype(np.float32)
    work = 2 * BATCH_TOKENS * 384 * 1536
    best, deadline = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        for _ in range(10):
            session.run(None, {"x": x})
        best = max(best, 10 * work / (time.perf_counter() - started))
    return best / 1e9


def measure_floor(encoder: torch.nn.Module, tokens: Sequence[int], work_dir: Path) -> Floor:
    return Floor(
        tokens_per_message=float(statistics.mean(tokens)),
        flops_per_message=flops_per_message(encoder, tokens),
        int8_gops=measure_rate(work_dir / "floor", int8=True),
        fp32_gflops=measure_rate(work_dir / "floor", int8=False),
    )
