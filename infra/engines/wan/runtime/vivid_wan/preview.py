"""Live preview frames: the latents of a running render turned into a small picture without the VAE.

Wan 2.1's VAE has 16 latent channels; a fixed linear map from those channels to RGB gives a
blurry but recognisable picture for a tiny fraction of a decode's cost. This is the approach of
ComfyUI's latent previews (`Latent2RGBPreviewer` in comfy/latent_preview.py: `linear(latent,
factors, bias)`, then `(x + 1) / 2` clamped to 0..1). The factors below are ComfyUI's published
ones for Wan 2.1's latent space: comfyanonymous/ComfyUI, comfy/latent_formats.py, class `Wan21`,
`latent_rgb_factors` and `latent_rgb_factors_bias`. They apply to the latents as diffusers'
WanImageToVideoPipeline denoises them, which are already normalised by the VAE's
`latents_mean`/`latents_std` (ComfyUI's `process_in` space). `python -m vivid_wan.fit_preview`
fits new factors against the real VAE when real weights are at hand.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

# Rows: latent channels 0..15; columns: R, G, B.
WAN21_LATENT_RGB_FACTORS = np.array(
    [
        [-0.1299, -0.1692, 0.2932],
        [0.0671, 0.0406, 0.0442],
        [0.3568, 0.2548, 0.1747],
        [0.0372, 0.2344, 0.1420],
        [0.0313, 0.0189, -0.0328],
        [0.0296, -0.0956, -0.0665],
        [-0.3477, -0.4059, -0.2925],
        [0.0166, 0.1902, 0.1975],
        [-0.0412, 0.0267, -0.1364],
        [-0.1293, 0.0740, 0.1636],
        [0.0680, 0.3019, 0.1128],
        [0.0032, 0.0581, 0.0639],
        [-0.1251, 0.0927, 0.1699],
        [0.0060, -0.0633, 0.0005],
        [0.3477, 0.2275, 0.2950],
        [0.1984, 0.0913, 0.1861],
    ],
    dtype=np.float32,
)
WAN21_LATENT_RGB_BIAS = np.array([-0.1835, -0.0868, -0.3360], dtype=np.float32)

# The longest side of a stored preview: a thumbnail to watch, not a frame to keep.
PREVIEW_MAX_SIDE = 320


def latents_to_rgb(latent: np.ndarray, factors: np.ndarray = WAN21_LATENT_RGB_FACTORS, bias: np.ndarray = WAN21_LATENT_RGB_BIAS) -> np.ndarray:
    """One latent frame (16, h, w) → uint8 RGB (h, w, 3): the linear map, then [-1, 1] → 0..255."""
    if latent.ndim != 3 or latent.shape[0] != factors.shape[0]:
        raise ValueError(f"expected a latent frame of shape ({factors.shape[0]}, h, w), got {latent.shape}")
    rgb = np.tensordot(latent.astype(np.float32), factors, axes=([0], [0])) + bias
    return (np.clip((rgb + 1.0) / 2.0, 0.0, 1.0) * 255.0).round().astype(np.uint8)


def denoised_estimate(latents, previous, sigma: float, previous_sigma: float):
    """The model's estimate of the clean latents after a flow-matching Euler step.

    Euler moves x by (sigma - previous_sigma) * v, so v follows from two consecutive latents, and
    the clean estimate is x - sigma * v: what ComfyUI previews (x0), not the still-noisy latents.
    """
    if previous is None or sigma == previous_sigma:
        return latents
    velocity = (latents - previous) / (sigma - previous_sigma)
    return latents - sigma * velocity


def preview_frame(latents) -> np.ndarray:
    """The middle latent frame of pipeline latents (batch, 16, frames, h, w), as uint8 RGB."""
    frames = latents.shape[2]
    frame = latents[0, :, frames // 2]
    if hasattr(frame, "detach"):
        frame = frame.detach().float().cpu().numpy()
    return latents_to_rgb(np.asarray(frame))


def write_preview(rgb: np.ndarray, path: str | Path, max_side: int = PREVIEW_MAX_SIDE) -> None:
    """Writes a JPEG, scaled up (bilinear) so that its longest side is at most max_side pixels."""
    from PIL import Image

    image = Image.fromarray(rgb)
    scale = max(1, max_side // max(image.size))
    if scale > 1:
        image = image.resize((image.width * scale, image.height * scale), Image.Resampling.BILINEAR)
    image.save(path, format="JPEG", quality=80)
