"""Makes the tiny development model cheap at every size the API accepts, on a CPU.

Its transformer is random, so nothing is lost by doing less arithmetic. The costs that grow with
the frame: self-attention over every latent token (75,600 at the contract's 1280×720, 81 frames),
cross-attention from each of them to the 512 padded text tokens, the VAE's 3D convolutions at full
resolution (minutes on a CPU), and turning 81 full-size float frames into bytes. The tiny model
attends within small blocks of tokens and to the first 64 text tokens; its VAE's encode becomes
pooling with the real VAE's shapes, and its decode happens on bytes at latent size, upsampled by
repetition. The pipeline, scheduler, text and image encoders and the transformer's other layers
run unchanged.
"""

from __future__ import annotations

from types import SimpleNamespace

# Flash attention on a CPU costs per block as much as per token at this head size; 64 is the fastest
# block measured at the contract's defaults (0.29 s a transformer call, against 0.36 s at 256).
ATTENTION_BLOCK = 64
# Cross-attention to 64 text tokens instead of 512 padded ones: 0.17 s a call instead of 0.29 s.
# The tokenizer is one token per character, so a prompt's first 64 characters steer the noise.
TEXT_TOKENS = 64
# The tiny model's videos are noise: x264's fastest preset encodes 81 frames of 720p in under a
# second, where `medium` (right for real renders) takes about 6 s on a CPU.
VIDEO_PRESET = "ultrafast"


def make_block_attention_processor():
    import torch
    from diffusers.models.transformers.transformer_wan import WanAttnProcessor

    class BlockSelfAttention(WanAttnProcessor):
        """Self-attention within consecutive blocks of tokens; cross-attention as diffusers does it."""

        def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None, rotary_emb=None):
            n = hidden_states.shape[1]
            if encoder_hidden_states is not None or rotary_emb is None or n <= ATTENTION_BLOCK:
                return super().__call__(attn, hidden_states, encoder_hidden_states, attention_mask, rotary_emb)
            cos, sin = rotary_emb
            batch, whole = hidden_states.shape[0], n - n % ATTENTION_BLOCK
            blocks = whole // ATTENTION_BLOCK

            def as_blocks(t):
                # (1 or batch, whole, ...) → (batch × blocks, ATTENTION_BLOCK, ...): one attention call for every block.
                t = t[:, :whole].reshape(t.shape[0] * blocks, ATTENTION_BLOCK, *t.shape[2:])
                return t.repeat(batch // (t.shape[0] // blocks), *([1] * (t.dim() - 1)))

            # Projections, norms and rotary embeddings are per token, so blocks of them are exact.
            out = super().__call__(attn, as_blocks(hidden_states), None, None, (as_blocks(cos), as_blocks(sin)))
            parts = [out.reshape(batch, whole, *out.shape[2:])]
            if whole < n:
                parts.append(super().__call__(attn, hidden_states[:, whole:], None, None, (cos[:, whole:], sin[:, whole:])))
            return torch.cat(parts, dim=1)

    return BlockSelfAttention()


def _encode(vae):
    import torch
    import torch.nn.functional as F

    z_dim = vae.config.z_dim
    t, s = vae.config.scale_factor_temporal, vae.config.scale_factor_spatial

    def encode(video, return_dict=True):
        # Space first, so the full-size video is read once; then frame 0 alone and one latent frame
        # per `t` frames: the real VAE's causal layout.
        small = F.avg_pool3d(video, (1, s, s))
        first, rest = small[:, :, :1], small[:, :, 1:]
        pooled = torch.cat([first] + ([F.avg_pool3d(rest, (t, 1, 1))] if rest.shape[2] else []), dim=2)
        reps = -(-z_dim // pooled.shape[1])
        latents = pooled.repeat(1, reps, 1, 1, 1)[:, :z_dim]
        return SimpleNamespace(latents=latents) if return_dict else (latents,)

    return encode


def pipeline_options() -> dict:
    """What the engine passes the pipeline for the tiny model: latents out, decoded by `frames_from_latents`."""
    return {"max_sequence_length": TEXT_TOKENS, "output_type": "latent"}


def frames_from_latents(vae, latents):
    """The pipeline's latents → uint8 frames (frames, height, width, 3), as the real VAE's shapes have them.

    The same values a decode to floats followed by `video.to_uint8_frames` gives (the first three
    latent channels, un-normalised, as RGB in -1..1), computed at latent size: repetition commutes
    with every per-pixel step, so the frame is only ever full size as bytes.
    """
    import numpy as np
    import torch

    t, s = vae.config.scale_factor_temporal, vae.config.scale_factor_spatial
    mean = torch.tensor(vae.config.latents_mean[:3]).view(3, 1, 1, 1)
    std = torch.tensor(vae.config.latents_std[:3]).view(3, 1, 1, 1)
    rgb = (latents[0, :3].float().cpu() * std + mean).clamp(-1, 1)
    small = ((rgb / 2 + 0.5) * 255.0).round().to(torch.uint8).permute(1, 2, 3, 0).numpy()
    counts = np.full(small.shape[0], t)
    counts[0] = 1
    return small.repeat(counts, axis=0).repeat(s, axis=1).repeat(s, axis=2)


def make_fast(pipe) -> None:
    """Applies the block attention and the pooling encode to a loaded tiny pipeline (never to real weights)."""
    pipe.transformer.set_attn_processor(make_block_attention_processor())
    pipe.vae.encode = _encode(pipe.vae)
