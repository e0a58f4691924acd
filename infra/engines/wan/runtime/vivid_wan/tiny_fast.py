"""Makes the tiny development model cheap at every size the API accepts, on a CPU.

Its transformer is random, so nothing is lost by doing less arithmetic. Two costs grow with the
frame: full self-attention over every latent token (75,600 at the contract's 1280×720, 81 frames),
and the VAE's 3D convolutions at full resolution (minutes on a CPU). The tiny model attends
within blocks of tokens, and its VAE's encode and decode become pooling and nearest-neighbour
upsampling with the real VAE's shapes. The pipeline, scheduler, text and image encoders and the
transformer's other layers run unchanged.
"""

from __future__ import annotations

from types import SimpleNamespace

ATTENTION_BLOCK = 256


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
        # Frame 0 alone, then one latent frame per `t` frames: the real VAE's causal layout.
        first, rest = video[:, :, :1], video[:, :, 1:]
        frames = [first] + ([F.avg_pool3d(rest, (t, 1, 1))] if rest.shape[2] else [])
        pooled = F.avg_pool3d(torch.cat(frames, dim=2), (1, s, s))
        reps = -(-z_dim // pooled.shape[1])
        latents = pooled.repeat(1, reps, 1, 1, 1)[:, :z_dim]
        return SimpleNamespace(latents=latents) if return_dict else (latents,)

    return encode


def _decode(vae):
    import torch

    t, s = vae.config.scale_factor_temporal, vae.config.scale_factor_spatial

    def decode(latents, return_dict=True):
        rgb = latents[:, :3]
        frames = torch.cat([rgb[:, :, :1], rgb[:, :, 1:].repeat_interleave(t, dim=2)], dim=2)
        video = frames.repeat_interleave(s, dim=3).repeat_interleave(s, dim=4).clamp(-1, 1)
        return SimpleNamespace(sample=video) if return_dict else (video,)

    return decode


def make_fast(pipe) -> None:
    """Applies both changes to a loaded tiny pipeline (never to real weights)."""
    pipe.transformer.set_attn_processor(make_block_attention_processor())
    pipe.vae.encode = _encode(pipe.vae)
    pipe.vae.decode = _decode(pipe.vae)
