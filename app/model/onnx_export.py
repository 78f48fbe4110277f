"""The whole model as one ONNX graph (encoder, pooling, every head), fp32 or per-channel int8.

Exported once and cached; the service then runs it with app.model.onnx_model, without torch.
Run as a module, it exports in a separate process, so the serving process never has to
import torch (about 200 MB resident) to build it:

    python -m app.model.onnx_export --models models --out data/onnx/model-int8.onnx --int8
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import logging
import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import onnx
import torch

from app.model.base import onnx_file_name
from app.model.heads import calibrated_probabilities
from app.model.onnx_model import OnnxClassifier
from app.model.torch_model import MiniLMClassifier


class _WholeModel(torch.nn.Module):
    """Encoder, mean pooling, normalisation and each head's calibrated probabilities."""

    def __init__(self, classifier: MiniLMClassifier) -> None:
        super().__init__()
        # A copy: the exporter leaves the module it traced changed, and the torch model
        # must keep giving exactly the scores it gave before.
        self.encoder = copy.deepcopy(classifier.encoder.model).eval()
        self.heads = torch.nn.ModuleDict(copy.deepcopy(classifier.heads.modules)).eval()
        self.temperatures = {
            name: classifier.heads.temperatures.get(name, 1.0) for name in self.heads
        }

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, ...]:
        # Keyword arguments: positional ones bind to the wrong inputs under the exporter.
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        probabilities = calibrated_probabilities(
            self.heads, self.temperatures, out.last_hidden_state, attention_mask
        )
        return tuple(probabilities[name] for name in self.heads)


def export(classifier: MiniLMClassifier, path: Path, *, int8: bool) -> Path:
    """Write the (adapted) model as ONNX, the encoder quantised to int8 per channel if asked."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written under private names and renamed at the end: a second worker starting at the
    # same time never reads a half-written file.
    fp32 = path.with_name(f"{path.name}.{os.getpid()}.fp32.tmp")
    final = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    whole = _WholeModel(classifier)
    encoder = classifier.encoder
    # Any ids the vocabulary has: the graph is dynamic in batch size and length.
    sample = torch.tensor([[encoder.cls_id, *[encoder.sep_id] * 18, encoder.sep_id]])
    with warnings.catch_warnings():
        # The legacy (TorchScript) exporter is deprecated, but the new one needs onnxscript,
        # and tracing warns about shape-dependent branches that the tests show do no harm.
        warnings.simplefilter("ignore")
        _export(whole, sample, fp32)
    config = whole.encoder.config
    _fuse(fp32, heads=config.num_attention_heads, hidden=config.hidden_size)
    if int8:
        # The heads stay fp32: they are a sliver of the work and sit right on the decisions.
        quantize_int8(fp32, final, exclude=_head_nodes(fp32, list(whole.heads)))
        fp32.unlink()
    else:
        fp32.replace(final)
    final.replace(path)
    return path


def to_onnx(
    classifier: MiniLMClassifier, cache_dir: Path, *, int8: bool, threads: int = 0
) -> OnnxClassifier:
    """The same model, heads included, run by ONNX Runtime (exported once into cache_dir)."""
    name = onnx_file_name(classifier.model_version, classifier.fingerprint, int8=int8)
    path = cache_dir / name
    if not path.exists():
        export(classifier, path, int8=int8)
    return OnnxClassifier(
        path,
        classifier.encoder.encoder_dir,
        model_version=classifier.model_version,
        threads=threads,
        max_tokens=classifier.encoder.max_tokens,
        max_windows=classifier.encoder.windower.max_windows,
        rank=classifier.encoder.windower.rank,
        lexical=classifier.lexical,
    )


def quantize_int8(fp32: Path, out: Path, *, exclude: Sequence[str] = ()) -> None:
    """Dynamic int8 quantisation, weights per output channel, except the `exclude` nodes.

    Per-channel weights keep far more decisions than per-tensor ones. Fused operators carry
    no type information, hence the default tensor type.
    """
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # It advises "pre-processing" (shape inference) on the root logger; the fused graph
    # needs none, and the service's logs are not the place for that advice.
    with _quiet_root_logger():
        quantize_dynamic(
            str(fp32),
            str(out),
            weight_type=QuantType.QInt8,
            per_channel=True,
            extra_options={"DefaultTensorType": TensorProto.FLOAT},
            nodes_to_exclude=list(exclude),
        )


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


def _head_nodes(path: Path, heads: list[str]) -> list[str]:
    """The heads' nodes: the exporter names each after its module, "/<head>/<head>.0/Gemm".

    The quantiser first splits each Gemm into "<name>_MatMul" and "<name>_Add", then
    looks names up: both spellings are listed.
    """
    prefixes = tuple(f"/{name}/" for name in heads)
    names = [n.name for n in onnx.load(str(path)).graph.node if n.name.startswith(prefixes)]
    return [*names, *(f"{name}_MatMul" for name in names)]


def _export(model: _WholeModel, sample: torch.Tensor, path: Path) -> None:
    names = list(model.heads)
    torch.onnx.export(
        model,
        (sample, torch.ones_like(sample)),
        str(path),
        input_names=["input_ids", "attention_mask"],
        output_names=names,
        dynamic_axes={
            "input_ids": {0: "batch", 1: "tokens"},
            "attention_mask": {0: "batch", 1: "tokens"},
            **{name: {0: "batch"} for name in names},
        },
        opset_version=17,
        dynamo=False,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Export the trained model to ONNX.")
    parser.add_argument("--models", type=Path, required=True, help="the trained model's folder")
    parser.add_argument("--encoder", type=Path, help="the base encoder (default: packaged)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--int8", action="store_true", help="quantise the encoder to int8")
    args = parser.parse_args(argv)
    classifier = MiniLMClassifier.load(args.models, encoder_dir=args.encoder)
    export(classifier, args.out, int8=args.int8)
    return 0


if __name__ == "__main__":
    sys.exit(main())
