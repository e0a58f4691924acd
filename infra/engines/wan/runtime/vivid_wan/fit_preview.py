"""Fits the preview map's 16×3 factors and bias against a real Wan VAE.

    python -m vivid_wan.fit_preview --model-dir DIR [IMAGE ...] [--size 480x832] [--device cuda]

Each image is fitted to the size, encoded by the model's VAE into normalised latents (the space
the pipeline denoises in, see preview.py), and decoded again; the decoded RGB, averaged over each
latent pixel's 8×8 block, is regressed on the latents by least squares: rgb ≈ latents · F + b.
With no images it uses smooth random colour fields. It prints F and b as Python lists to paste
over WAN21_LATENT_RGB_FACTORS / WAN21_LATENT_RGB_BIAS, and the fit's RMS error (RGB in -1..1) for
those and for the factors in use now. Real weights are needed for factors worth having; on the
tiny random-weight model it only shows that the script runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from .preview import WAN21_LATENT_RGB_BIAS, WAN21_LATENT_RGB_FACTORS


def _images(paths: list[str], width: int, height: int, count: int, seed: int) -> list[np.ndarray]:
    """RGB in -1..1, (3, height, width) each."""
    from PIL import Image

    from .video import fit_image

    if paths:
        out = []
        for p in paths:
            with Image.open(p) as img:
                out.append(np.asarray(fit_image(img, width, height), dtype=np.float32) / 127.5 - 1.0)
        return [o.transpose(2, 0, 1) for o in out]
    rng = np.random.default_rng(seed)
    fields = []
    for _ in range(count):
        coarse = rng.uniform(-1, 1, (3, 4, 4)).astype(np.float32)
        img = Image.fromarray(((coarse.transpose(1, 2, 0) + 1) * 127.5).astype(np.uint8)).resize((width, height), Image.Resampling.BICUBIC)
        fields.append((np.asarray(img, dtype=np.float32) / 127.5 - 1.0).transpose(2, 0, 1))
    return fields


def fit(latents: np.ndarray, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least squares of rgb (n, 3) on latents (n, 16) with a constant term: (factors (16, 3), bias (3,))."""
    design = np.concatenate([latents, np.ones((latents.shape[0], 1), dtype=latents.dtype)], axis=1)
    solution, *_ = np.linalg.lstsq(design, rgb, rcond=None)
    return solution[:-1], solution[-1]


def rms(latents: np.ndarray, rgb: np.ndarray, factors: np.ndarray, bias: np.ndarray) -> float:
    return float(np.sqrt(np.mean((latents @ factors + bias - rgb) ** 2)))


def collect(model_dir: str, images: list[np.ndarray], device: str) -> tuple[np.ndarray, np.ndarray]:
    """(latents (n, 16), decoded rgb (n, 3)) over every latent pixel of every image."""
    import torch
    from diffusers import AutoencoderKLWan

    vae = AutoencoderKLWan.from_pretrained(model_dir, subfolder="vae", dtype=torch.float32).to(device).eval()
    mean = torch.tensor(vae.config.latents_mean, device=device).view(1, -1, 1, 1, 1)
    std = torch.tensor(vae.config.latents_std, device=device).view(1, -1, 1, 1, 1)
    scale = vae.config.scale_factor_spatial if hasattr(vae.config, "scale_factor_spatial") else 8
    xs, ys = [], []
    with torch.inference_mode():
        for img in images:
            video = torch.from_numpy(img).to(device)[None, :, None]  # (1, 3, 1, H, W)
            raw = vae.encode(video).latent_dist.mode()
            decoded = vae.decode(raw, return_dict=False)[0].clamp(-1, 1)  # (1, 3, 1, H, W)
            normalised = (raw - mean) / std  # what the pipeline denoises
            pooled = torch.nn.functional.avg_pool2d(decoded[:, :, 0], scale)  # (1, 3, h, w)
            xs.append(normalised[0, :, 0].flatten(1).T.cpu().numpy())
            ys.append(pooled[0].flatten(1).T.cpu().numpy())
    return np.concatenate(xs), np.concatenate(ys)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="vivid_wan.fit_preview")
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("images", nargs="*")
    ap.add_argument("--size", default="480x832", help="HEIGHTxWIDTH the images are fitted to")
    ap.add_argument("--random", type=int, default=16, help="random colour fields to use when no image is given")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    height, width = (int(v) for v in args.size.lower().split("x"))
    latents, rgb = collect(args.model_dir, _images(args.images, width, height, args.random, args.seed), args.device)
    factors, bias = fit(latents, rgb)
    print(f"# fitted on {latents.shape[0]} latent pixels from {Path(args.model_dir).name}")
    print("WAN21_LATENT_RGB_FACTORS =", np.round(factors, 4).tolist())
    print("WAN21_LATENT_RGB_BIAS =", np.round(bias, 4).tolist())
    fitted, current = rms(latents, rgb, factors, bias), rms(latents, rgb, WAN21_LATENT_RGB_FACTORS, WAN21_LATENT_RGB_BIAS)
    print(f"# RMS error: fitted {fitted:.4f}, in use now {current:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
