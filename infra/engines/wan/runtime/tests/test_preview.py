from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from vivid_wan.preview import WAN21_LATENT_RGB_BIAS, WAN21_LATENT_RGB_FACTORS, denoised_estimate, latents_to_rgb, preview_frame, write_preview


def expected_colour(rgb: np.ndarray) -> tuple[int, ...]:
    return tuple(int(round(float(v))) for v in np.clip((rgb + 1) / 2, 0, 1) * 255)


def test_the_factors_are_sixteen_channels_by_rgb() -> None:
    assert WAN21_LATENT_RGB_FACTORS.shape == (16, 3)
    assert WAN21_LATENT_RGB_BIAS.shape == (3,)


def test_a_latent_frame_becomes_an_rgb_image_of_its_size() -> None:
    out = latents_to_rgb(np.random.default_rng(0).standard_normal((16, 6, 10)).astype(np.float32))
    assert out.shape == (6, 10, 3)
    assert out.dtype == np.uint8


def test_values_stay_in_range_however_large_the_latents() -> None:
    big = np.full((16, 2, 2), 1e6, dtype=np.float32)
    for latent in (big, -big):
        out = latents_to_rgb(latent)
        assert out.min() >= 0 and out.max() <= 255
    # Extremes saturate: each channel ends at 0 or 255 when the sum of its factors is not zero.
    assert set(np.unique(latents_to_rgb(big))) <= {0, 255}


def test_a_zero_latent_gives_the_bias_colour() -> None:
    out = latents_to_rgb(np.zeros((16, 1, 1), dtype=np.float32))
    # ((-0.1835, -0.0868, -0.3360) + 1) / 2 * 255
    assert tuple(out[0, 0]) == (104, 116, 85)


def test_one_channel_gives_its_own_colour() -> None:
    latent = np.zeros((16, 1, 1), dtype=np.float32)
    latent[2] = 1.0
    # Channel 2's factors (0.3568, 0.2548, 0.1747) plus the bias.
    assert tuple(latents_to_rgb(latent)[0, 0]) == (150, 149, 107)
    latent[2] = 0.0
    latent[6] = 2.0
    assert tuple(latents_to_rgb(latent)[0, 0]) == expected_colour(2 * WAN21_LATENT_RGB_FACTORS[6] + WAN21_LATENT_RGB_BIAS)


def test_a_wrong_shape_is_refused() -> None:
    with pytest.raises(ValueError):
        latents_to_rgb(np.zeros((4, 2, 2), dtype=np.float32))


def test_the_denoised_estimate_undoes_an_euler_step() -> None:
    rng = np.random.default_rng(1)
    clean, noise = rng.standard_normal((2, 16, 3, 4, 4))
    at = lambda sigma: (1 - sigma) * clean + sigma * noise  # noqa: E731 - flow matching's straight path
    np.testing.assert_allclose(denoised_estimate(at(0.6), at(0.8), 0.6, 0.8), clean, atol=1e-9)
    np.testing.assert_allclose(denoised_estimate(at(0.6), None, 0.6, 0.8), at(0.6))


def test_the_preview_is_the_middle_frame_written_small(tmp_path) -> None:
    latents = np.zeros((1, 16, 5, 4, 6), dtype=np.float32)
    latents[0, 2, 2] = 1.0  # only the middle frame carries channel 2
    rgb = preview_frame(latents)
    assert tuple(rgb[0, 0]) == (150, 149, 107)
    path = tmp_path / "preview.jpg"
    write_preview(rgb, path, max_side=60)
    with Image.open(path) as img:
        assert img.format == "JPEG"
        assert img.size == (60, 40)


def test_the_fit_recovers_a_known_linear_map() -> None:
    from vivid_wan.fit_preview import fit, rms

    rng = np.random.default_rng(2)
    latents = rng.standard_normal((500, 16))
    factors, bias = rng.standard_normal((16, 3)), rng.standard_normal(3)
    got_factors, got_bias = fit(latents, latents @ factors + bias)
    np.testing.assert_allclose(got_factors, factors, atol=1e-9)
    np.testing.assert_allclose(got_bias, bias, atol=1e-9)
    assert rms(latents, latents @ factors + bias, got_factors, got_bias) < 1e-9


def test_the_fit_script_runs_against_a_vae(tiny_model_dir, capsys) -> None:
    from vivid_wan.fit_preview import main

    assert main(["--model-dir", str(tiny_model_dir), "--size", "32x48", "--random", "2"]) == 0
    printed = capsys.readouterr().out
    assert "WAN21_LATENT_RGB_FACTORS =" in printed and "RMS error" in printed


def _render(engine, source_image, out, steps: int, wanted, every: int = 2):
    import threading

    from vivid_wan.engine import PreviewRequest, RenderParams

    p = RenderParams.parse({"prompt": "a kite", "cfg": 5.0, "width": 48, "height": 32, "length": 5, "steps": steps, "seed": 3})
    made: list[tuple[int, str]] = []
    request = PreviewRequest(every=every, wanted=wanted, on_preview=lambda step, path, _s: made.append((step, path)))
    result = engine.render(p, str(source_image), str(out), on_step=lambda *_: None, cancel=threading.Event(), preview=request)
    return result, made


def test_a_watched_render_writes_a_preview_every_few_steps(engine, source_image, tmp_path) -> None:
    _, made = _render(engine, source_image, tmp_path, steps=6, wanted=lambda: True)
    assert [step for step, _ in made] == [2, 4, 6]
    for _, path in made:
        with Image.open(path) as img:
            assert img.format == "JPEG"
            # 48×32 frames are 6×4 latents, scaled up to at most 320 px.
            assert img.size == (318, 212)


def test_previews_stop_when_no_one_watches_and_never_change_the_video(engine, source_image, tmp_path) -> None:
    steps_seen: list[int] = []

    def watched_until_step_3() -> bool:
        steps_seen.append(1)
        return len(steps_seen) <= 2

    watched, made = _render(engine, source_image, tmp_path / "a", steps=6, wanted=watched_until_step_3)
    assert [step for step, _ in made] == [2]
    unwatched, none = _render(engine, source_image, tmp_path / "b", steps=6, wanted=lambda: False)
    assert none == []
    assert not list((tmp_path / "b").glob("preview-*"))
    with open(watched.video, "rb") as a, open(unwatched.video, "rb") as b:
        assert a.read() == b.read()
