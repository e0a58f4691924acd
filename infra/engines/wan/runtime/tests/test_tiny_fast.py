from __future__ import annotations

import torch
from diffusers.models.transformers.transformer_wan import WanAttnProcessor

from vivid_wan.engine import WanEngine
from vivid_wan.tiny_fast import ATTENTION_BLOCK, frames_from_latents, make_block_attention_processor
from vivid_wan.video import to_uint8_frames


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


def test_frames_from_latents_equal_a_float_decode_then_diffusers_postprocessing(engine: WanEngine) -> None:
    from diffusers.video_processor import VideoProcessor

    vae = engine.pipe.vae
    t, s = vae.config.scale_factor_temporal, vae.config.scale_factor_spatial
    torch.manual_seed(0)
    latents = torch.randn(1, vae.config.z_dim, 3, 4, 5) * 2
    # The float path: un-normalise as the pipeline does, take RGB, upsample, postprocess, to bytes.
    mean = torch.tensor(vae.config.latents_mean).view(1, -1, 1, 1, 1)
    std = torch.tensor(vae.config.latents_std).view(1, -1, 1, 1, 1)
    rgb = (latents * std + mean)[:, :3]
    video = torch.cat([rgb[:, :, :1], rgb[:, :, 1:].repeat_interleave(t, dim=2)], dim=2)
    video = video.repeat_interleave(s, dim=3).repeat_interleave(s, dim=4).clamp(-1, 1)
    expected = to_uint8_frames(VideoProcessor(vae_scale_factor=s).postprocess_video(video, output_type="np")[0])

    got = frames_from_latents(vae, latents)
    assert got.dtype == expected.dtype and got.shape == expected.shape == (1 + 2 * t, 4 * s, 5 * s, 3)
    # Rounding at a float's last bit may differ by one level, never more.
    assert int(abs(got.astype(int) - expected.astype(int)).max()) <= 1
    assert (got == expected).mean() > 0.999
