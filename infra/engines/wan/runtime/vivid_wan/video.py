"""Image fitting and video/poster writing, kept apart from the model so they test on their own."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

FPS = 16


def fit_image(image: Image.Image, width: int, height: int) -> Image.Image:
    """Fits the source image to exactly width×height: scale to cover, then crop the centre.

    The image keeps its aspect ratio and is scaled (Lanczos) by the smallest factor that makes
    it cover the whole frame; what overhangs is cut equally from both sides. Nothing is
    stretched and no borders are added. EXIF orientation is applied first.
    """
    image = ImageOps.exif_transpose(image).convert("RGB")
    return ImageOps.fit(image, (width, height), method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))


def to_uint8_frames(frames: np.ndarray) -> np.ndarray:
    """Pipeline output (frames, height, width, 3) floats in 0..1 → uint8."""
    return (np.clip(frames, 0.0, 1.0) * 255.0).round().astype(np.uint8)


def write_mp4(frames: np.ndarray, path: str | Path, fps: int = FPS, preset: str = "medium") -> None:
    """Writes uint8 frames (n, height, width, 3) as H.264 (libx264, yuv420p) MP4, one video frame per input frame.

    `preset` is x264's speed/size trade: the same frames and preset always give the same file.
    """
    import imageio_ffmpeg

    n, height, width, _ = frames.shape
    writer = imageio_ffmpeg.write_frames(
        str(path),
        (width, height),
        fps=fps,
        codec="libx264",
        pix_fmt_in="rgb24",
        pix_fmt_out="yuv420p",
        macro_block_size=1,
        quality=None,
        ffmpeg_log_level="error",
        # Bit-exact output: the same frames give the same file; +faststart lets players begin at once.
        output_params=["-crf", "18", "-preset", preset, "-threads", "1", "-movflags", "+faststart", "-fflags", "+bitexact", "-map_metadata", "-1"],
    )
    writer.send(None)
    for i in range(n):
        writer.send(np.ascontiguousarray(frames[i]))
    writer.close()


def write_poster(frame: np.ndarray, path: str | Path) -> None:
    """The first frame as a JPEG."""
    Image.fromarray(frame).save(str(path), format="JPEG", quality=90)
