from __future__ import annotations

import torch
from diffusers.models.transformers.transformer_wan import WanAttnProcessor

from vivid_wan.engine import WanEngine
from vivid_wan.tiny_fast import ATTENTION_BLOCK, make_block_attention_processor


def test_block_attention_in_one_call_equals_attending_block_by_block(engine: WanEngine) -> None:
    attn = engine.pipe.transformer.blocks[0].attn1
    dim = attn.to_q.in_features
    head_dim = dim // attn.heads
    n = 3 * ATTENTION_BLOCK + 37  # whole blocks and a remainder
    torch.manual_seed(0)
    for batch in (1, 2):
        hidden = torch.randn(batch, n, dim)
        cos, sin = torch.randn(1, n, 1, head_dim), torch.randn(1, n, 1, head_dim)
        expected = torch.cat(
            [
                WanAttnProcessor()(
                    attn, hidden[:, i : i + ATTENTION_BLOCK], None, None, (cos[:, i : i + ATTENTION_BLOCK], sin[:, i : i + ATTENTION_BLOCK])
                )
                for i in range(0, n, ATTENTION_BLOCK)
            ],
            dim=1,
        )
        got = make_block_attention_processor()(attn, hidden, None, None, (cos, sin))
        assert got.shape == (batch, n, dim)
        torch.testing.assert_close(got, expected)
        # Attention really stays within blocks: changing the last block leaves the first unchanged.
        changed = hidden.clone()
        changed[:, -1] += 1
        again = make_block_attention_processor()(attn, changed, None, None, (cos, sin))
        torch.testing.assert_close(again[:, :ATTENTION_BLOCK], got[:, :ATTENTION_BLOCK])
        assert not torch.allclose(again[:, -1], got[:, -1])
