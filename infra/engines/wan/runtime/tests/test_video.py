from __future__ import annotations

import imageio_ffmpeg
import numpy as np
from PIL import Image

from vivid_wan.video import fit_image, to_uint8_frames, write_mp4, write_poster


def test_fit_image_scales_to_cover_then_crops_the_centre() -> None:
    # 200×100, left half red and right half blue, fitted into 50×50: scaled to 100×50, then the
    # centre 50 columns kept, so the left half of the result is red and the right half blue.
    src = Image.new("RGB", (200, 100), (255, 0, 0))
    src.paste((0, 0, 255), (100, 0, 200, 100))
    out = fit_image(src, 50, 50)
    assert out.size == (50, 50)
    assert out.getpixel((5, 25))[0] > 200 and out.getpixel((44, 25))[2] > 200


def test_fit_image_upscales_small_images_and_converts_to_rgb() -> None:
    out = fit_image(Image.new("L", (10, 20), 77), 64, 32)
    assert out.size == (64, 32) and out.mode == "RGB"


def test_mp4_has_every_frame_at_16_fps_in_h264(tmp_path) -> None:
    frames = to_uint8_frames(np.random.default_rng(0).random((9, 48, 64, 3)))
    path = tmp_path / "v.mp4"
    write_mp4(frames, path)
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    decoded = list(reader)
    assert meta["size"] == (64, 48)
    assert meta["fps"] == 16
    assert "h264" in meta["codec"]
    assert len(decoded) == 9


def test_poster_is_a_jpeg_of_the_first_frame(tmp_path) -> None:
    frame = np.full((32, 48, 3), 200, dtype=np.uint8)
    write_poster(frame, tmp_path / "p.jpg")
    with Image.open(tmp_path / "p.jpg") as img:
        assert img.format == "JPEG" and img.size == (48, 32)
