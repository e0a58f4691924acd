from __future__ import annotations

import threading
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

from vivid_wan.engine import RenderParams, WanEngine
from vivid_wan.speed import BlockRunCounter, SpeedOptionError, SpeedOptions


def params(steps: int = 4) -> RenderParams:
    raw = {"prompt": "a kite", "negative_prompt": "", "cfg": 5.0, "width": 32, "height": 32, "length": 5, "steps": steps, "seed": 3}
    return RenderParams.parse(raw)


def frames(path: str) -> np.ndarray:
    reader = imageio_ffmpeg.read_frames(path)
    meta = next(reader)
    w, h = meta["size"]
    return np.stack([np.frombuffer(f, dtype=np.uint8).reshape(h, w, 3) for f in reader]).astype(np.int16)


def render(engine: WanEngine, image: Path, out: Path, steps: int = 4) -> np.ndarray:
    result = engine.render(params(steps), str(image), str(out), on_step=lambda *_: None, cancel=threading.Event())
    assert result.frames == 5
    return frames(result.video)


def loaded(model_dir: Path, **options) -> WanEngine:
    engine = WanEngine(str(model_dir), device="cpu", speed=SpeedOptions(**options))
    engine.load()
    return engine


@pytest.fixture
def restore_attention_backend():
    # set_attention_backend also sets diffusers' process-wide default, which other tests' engines would inherit.
    yield
    from diffusers.models.attention_dispatch import AttentionBackendName, _AttentionBackendRegistry

    _AttentionBackendRegistry.set_active_backend(AttentionBackendName.NATIVE)


def test_all_options_are_off_by_default_and_the_default_is_exact() -> None:
    assert SpeedOptions().describe() == {"attention": "native", "compile": False, "fp8": False, "step_cache": 0.0, "exact": True}
    assert SpeedOptions(attention="_native_flash", compile=True).exact
    assert not SpeedOptions(attention="sage").exact and not SpeedOptions(fp8=True).exact and not SpeedOptions(step_cache=0.05).exact


@pytest.mark.parametrize(
    ("options", "needle"),
    [
        ({"fp8": True}, r"FP8 needs a CUDA GPU of compute capability 8\.9 or newer .* this runtime is on cpu"),
        ({"attention": "fastest"}, r"Unknown attention backend 'fastest'; diffusers knows: .*_native_flash"),
        ({"step_cache": 1.5}, r"step cache threshold must be in \[0, 1\)"),
    ],
)
def test_an_option_this_runtime_cannot_run_fails_at_load_with_a_clear_message(tiny_model_dir: Path, options: dict, needle: str) -> None:
    engine = WanEngine(str(tiny_model_dir), device="cpu", speed=SpeedOptions(**options))
    with pytest.raises(SpeedOptionError, match=needle):
        engine.load()
    assert engine.pipe is None  # refused before any weights were read


def test_the_step_cache_skips_blocks_and_still_makes_the_video(engine: WanEngine, tiny_model_dir: Path, source_image: Path, tmp_path: Path) -> None:
    cached = loaded(tiny_model_dir, step_cache=0.5)
    counter = BlockRunCounter(cached.pipe)
    first = render(cached, source_image, tmp_path / "a", steps=6)
    runs_first = counter.full
    second = render(cached, source_image, tmp_path / "b", steps=6)
    counter.close()
    assert runs_first < 12  # 6 steps × 2 forwards (CFG), some skipped
    assert counter.full == 2 * runs_first and np.array_equal(first, second)  # no state carried from one render to the next
    assert first.shape == (5, 32, 32, 3) and first.std() > 0
    exact = render(engine, source_image, tmp_path / "exact", steps=6)
    assert not np.array_equal(first, exact)  # skipping blocks changes the result: the documented quality cost


def test_an_exact_attention_kernel_gives_the_same_video(
    engine: WanEngine, tiny_model_dir: Path, source_image: Path, tmp_path: Path, restore_attention_backend
) -> None:
    math = loaded(tiny_model_dir, attention="_native_math")
    assert {p._attention_backend.value for p in math.pipe.transformer.attn_processors.values()} == {"_native_math"}
    diff = np.abs(render(math, source_image, tmp_path / "math") - render(engine, source_image, tmp_path / "native"))
    assert diff.mean() < 1.0


def test_compiling_the_repeated_blocks_gives_the_same_video(engine: WanEngine, tiny_model_dir: Path, source_image: Path, tmp_path: Path) -> None:
    compiled = loaded(tiny_model_dir, compile=True)
    assert all(block._compiled_call_impl is not None for block in compiled.pipe.transformer.blocks)
    diff = np.abs(render(compiled, source_image, tmp_path / "compiled") - render(engine, source_image, tmp_path / "eager"))
    assert diff.mean() < 1.0
