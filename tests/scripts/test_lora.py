"""Training-time adapters merge into exactly the model the service runs."""

import torch
from transformers import BertConfig, BertModel

from scripts.lora import LoRALinear, add_lora, lora_state, merge_lora


def tiny_bert() -> BertModel:
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=30,
        hidden_size=16,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=32,
    )
    return BertModel(config).eval()


def test_add_lora_wraps_every_block_linear_and_freezes_the_rest() -> None:
    model = tiny_bert()
    config = add_lora(model, rank=4, alpha=8)
    assert config["modules"] == 2 * 6  # q, k, v, attention output, intermediate, output
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert trainable and all("lora_" in n for n in trainable)
    assert not isinstance(model.pooler.dense, LoRALinear)


def test_merged_model_computes_what_the_adapted_one_did() -> None:
    model = tiny_bert()
    add_lora(model, rank=4, alpha=8)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, LoRALinear):
                module.lora_B.normal_()  # as if trained: B starts at zero
    ids = torch.tensor([[2, 5, 7, 9, 3]])
    with torch.no_grad():
        adapted = model(input_ids=ids).last_hidden_state
    state = lora_state(model)
    merge_lora(model)
    assert not any(isinstance(m, LoRALinear) for m in model.modules())
    with torch.no_grad():
        merged = model(input_ids=ids).last_hidden_state
    torch.testing.assert_close(adapted, merged, atol=1e-4, rtol=1e-4)
    assert len(state) == 2 * 2 * 6
