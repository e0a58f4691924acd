from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
import torch

from vivid_wan.engine import FLOW_SHIFT_480P, FLOW_SHIFT_720P, RenderFailure, RenderParams, WanEngine, flow_shift_for
from vivid_wan.tiny_model import build_tokenizer, is_tiny_model


def params(**over) -> RenderParams:
    base = {
        "prompt": "a red kite over a beach",
        "negative_prompt": "blurry",
        "cfg": 5.0,
        "width": 48,
        "height": 32,
        "length": 5,
        "steps": 3,
        "seed": 7,
    }
    base.update(over)
    return RenderParams.parse(base)


def render(
    engine: WanEngine,
    image: Path,
    out: Path,
    p: RenderParams,
    cancel: threading.Event | None = None,
    on_step=None,
    steps: list[tuple[int, int]] | None = None,
):
    """Renders and returns the result with the (step, total) events; pass `steps` to keep them when the render raises."""
    steps = [] if steps is None else steps

    def record(step: int, total: int) -> None:
        steps.append((step, total))
        if on_step:
            on_step(step)

    result = engine.render(p, str(image), str(out), on_step=record, cancel=cancel or threading.Event())
    return result, steps


def decoded_frames(path: str) -> tuple[dict, list[bytes]]:
    reader = imageio_ffmpeg.read_frames(path)
    meta = next(reader)
    return meta, [bytes(f) for f in reader]


def test_the_tokenizer_is_built_in_code() -> None:
    tok = build_tokenizer()
    ids = tok("Hi 2", padding="max_length", max_length=8, truncation=True)["input_ids"]
    assert len(ids) == 8 and ids[-1] == tok.pad_token_id and tok.eos_token_id in ids


def test_tiny_model_folder_is_marked_as_a_development_model(tiny_model_dir: Path) -> None:
    assert is_tiny_model(tiny_model_dir)
    assert (tiny_model_dir / "model_index.json").is_file()


def test_render_makes_the_requested_video_with_a_step_event_per_step(engine: WanEngine, source_image: Path, tmp_path: Path) -> None:
    result, steps = render(engine, source_image, tmp_path, params())
    assert steps == [(1, 3), (2, 3), (3, 3)]
    meta, frames = decoded_frames(result.video)
    assert (meta["size"], meta["fps"], len(frames), result.frames) == ((48, 32), 16, 5, 5)
    assert Path(result.poster).read_bytes()[:2] == b"\xff\xd8"


def test_the_same_seed_gives_the_same_frames_and_another_seed_does_not(engine: WanEngine, source_image: Path, tmp_path: Path) -> None:
    a, _ = render(engine, source_image, tmp_path / "a", params(seed=11))
    b, _ = render(engine, source_image, tmp_path / "b", params(seed=11))
    c, _ = render(engine, source_image, tmp_path / "c", params(seed=12))
    assert decoded_frames(a.video)[1] == decoded_frames(b.video)[1]
    assert hashlib.sha256(Path(a.video).read_bytes()).digest() == hashlib.sha256(Path(b.video).read_bytes()).digest()
    assert decoded_frames(a.video)[1] != decoded_frames(c.video)[1]


def test_cancel_stops_after_the_current_step(engine: WanEngine, source_image: Path, tmp_path: Path) -> None:
    cancel = threading.Event()
    steps: list[tuple[int, int]] = []
    with pytest.raises(RenderFailure) as failure:
        render(engine, source_image, tmp_path, params(steps=20), cancel=cancel, on_step=lambda step: step == 2 and cancel.set(), steps=steps)
    assert failure.value.kind == "Cancelled"
    # Cancelled during step 2: that step ends, no third begins.
    assert steps == [(1, 20), (2, 20)]
    assert not (tmp_path / "video.mp4").exists()
    # The engine is usable again at once.
    result, steps = render(engine, source_image, tmp_path / "next", params(steps=2))
    assert len(steps) == 2 and Path(result.video).is_file()


def test_flow_shift_follows_the_resolution(engine: WanEngine, source_image: Path, tmp_path: Path) -> None:
    assert flow_shift_for(832, 480) == FLOW_SHIFT_480P == 3.0
    assert flow_shift_for(1280, 720) == flow_shift_for(720, 1280) == FLOW_SHIFT_720P == 5.0

    # The tiny model's scheduler is built with 3.0, so a 720P-class render must move it to 5.0 and a
    # 480P-class one back; the shift is read while the render runs, from the scheduler it steps with.
    def shift_during_render(width: int, height: int) -> list[float]:
        seen: list[float] = []
        p = params(width=width, height=height, length=1, steps=1)
        render(engine, source_image, tmp_path / f"{width}x{height}", p, on_step=lambda _: seen.append(engine.pipe.scheduler.config["shift"]))
        return seen

    assert shift_during_render(1280, 720) == [5.0]
    assert shift_during_render(832, 480) == [3.0]


def test_out_of_memory_is_reported_as_such(engine: WanEngine, source_image: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def oom(*_a, **_k):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")

    monkeypatch.setattr(engine, "pipe", type("P", (), {"__call__": oom, "scheduler": engine.pipe.scheduler})())
    with pytest.raises(RenderFailure) as failure:
        render(engine, source_image, tmp_path, params())
    assert failure.value.kind == "OutOfMemory"
    assert "ran out of memory" in str(failure.value) and "20.00 GiB" in str(failure.value)


@pytest.mark.parametrize(
    ("over", "needle"),
    [({"width": 50}, "multiples of 16"), ({"length": 6}, "4k+1"), ({"steps": 0}, "steps"), ({"seed": -1}, "seed")],
)
def test_bad_parameters_are_invalid_input(over: dict, needle: str) -> None:
    with pytest.raises(RenderFailure) as failure:
        params(**over)
    assert failure.value.kind == "InvalidInput" and needle in str(failure.value)


def test_a_folder_without_a_model_fails_to_load_with_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="not a diffusers Wan I2V model folder"):
        WanEngine(str(tmp_path), device="cpu").load()


def test_frames_are_not_all_equal(engine: WanEngine, source_image: Path, tmp_path: Path) -> None:
    result, _ = render(engine, source_image, tmp_path, params())
    _, frames = decoded_frames(result.video)
    assert np.frombuffer(frames[0], dtype=np.uint8).std() > 0


@pytest.mark.parametrize(
    ("width", "height", "length", "steps"),
    # The contract's default size, length and steps, then the widest, the tallest and the longest the API accepts.
    [(1280, 720, 81, 30), (1920, 480, 5, 1), (16, 1920, 5, 1), (1280, 720, 161, 1)],
)
def test_the_tiny_model_renders_the_defaults_and_the_largest_sizes_the_api_accepts(
    engine: WanEngine, source_image: Path, tmp_path: Path, width: int, height: int, length: int, steps: int
) -> None:
    # Before rope_max_seq_len covered them, any side over 512 px failed: shape '[1, 1, 33, -1]' is invalid.
    result, seen = render(engine, source_image, tmp_path, params(width=width, height=height, length=length, steps=steps))
    meta, frames = decoded_frames(result.video)
    assert (meta["size"], len(frames), len(seen)) == ((width, height), length, steps)
