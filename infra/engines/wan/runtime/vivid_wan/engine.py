"""The resident Wan 2.1 I2V pipeline: loaded once, then renders job after job."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import preview as previews
from . import speed as speed_options
from . import tiny_fast, tiny_model
from .speed import SpeedOptions
from .video import FPS, fit_image, to_uint8_frames, write_mp4, write_poster

# Wan 2.1's recommended flow shift: 3.0 for 480P-class frames, 5.0 for 720P-class frames.
FLOW_SHIFT_480P = 3.0
FLOW_SHIFT_720P = 5.0


def flow_shift_for(width: int, height: int) -> float:
    """720P-class (the shorter side is at least 720 px) → 5.0; anything smaller → 3.0."""
    return FLOW_SHIFT_720P if min(width, height) >= 720 else FLOW_SHIFT_480P


def resolve_device(requested: str) -> str:
    """`auto` → cuda when there is one, else cpu; a cuda device must exist."""
    import torch

    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested.startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError(f"device {requested} requested but CUDA is not available to this runtime")
    return requested


class RenderFailure(Exception):
    """A render that failed for a reason the caller can name: kind is OutOfMemory, InvalidInput or Cancelled."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class _Cancelled(Exception):
    pass


@dataclass(frozen=True)
class RenderParams:
    prompt: str
    negative_prompt: str
    cfg: float
    width: int
    height: int
    length: int
    steps: int
    seed: int

    @staticmethod
    def parse(raw: dict) -> RenderParams:
        try:
            p = RenderParams(
                prompt=str(raw["prompt"]),
                negative_prompt=str(raw.get("negative_prompt", "")),
                cfg=float(raw["cfg"]),
                width=int(raw["width"]),
                height=int(raw["height"]),
                length=int(raw["length"]),
                steps=int(raw["steps"]),
                seed=int(raw["seed"]),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise RenderFailure("InvalidInput", f"Bad render parameters: {err}") from err
        if p.width % 16 or p.height % 16 or p.width <= 0 or p.height <= 0:
            raise RenderFailure("InvalidInput", f"width and height must be positive multiples of 16 (got {p.width}×{p.height}).")
        if p.length < 1 or (p.length - 1) % 4:
            raise RenderFailure("InvalidInput", f"length must be of the form 4k+1 (got {p.length}).")
        if p.steps < 1:
            raise RenderFailure("InvalidInput", f"steps must be at least 1 (got {p.steps}).")
        if not 0 <= p.seed <= 2**32 - 1:
            raise RenderFailure("InvalidInput", f"seed must be in 0..4294967295 (got {p.seed}).")
        return p


@dataclass(frozen=True)
class PreviewRequest:
    """Previews every `every` steps while `wanted()` says someone watches; each written one goes to `on_preview(step, path, seconds)`."""

    every: int
    wanted: Callable[[], bool]
    on_preview: Callable[[int, str, float], None]


@dataclass(frozen=True)
class RenderResult:
    video: str
    poster: str
    frames: int
    seconds: float


class WanEngine:
    def __init__(
        self, model_dir: str, device: str = "auto", cpu_offload: bool = False, step_delay: float = 0.0, speed: SpeedOptions | None = None
    ) -> None:
        self.model_dir = model_dir
        self.requested_device = device
        self.cpu_offload = cpu_offload
        self.step_delay = step_delay
        self.speed = speed or SpeedOptions()
        self.pipe = None
        self.tiny = False
        self.device = "cpu"
        self.load_seconds = 0.0

    def load(self, build: Callable[[str], object] | None = None) -> float:
        """Loads the pipeline onto its device and applies the speed options; returns the seconds it took.

        Raises on a bad model folder, or on a speed option this device cannot run (before reading any
        weights). `build(device)`, when given, makes the pipeline instead of the folder: the benchmark's
        random-weight 14B model, which has no folder.
        """
        start = time.monotonic()
        folder = Path(self.model_dir)
        if build is None and not (folder / "model_index.json").is_file():
            raise FileNotFoundError(
                f"{folder} is not a diffusers Wan I2V model folder (no model_index.json); "
                "expected e.g. a copy of Wan-AI/Wan2.1-I2V-14B-480P-Diffusers"
            )
        device = self.device = resolve_device(self.requested_device)
        speed_options.check(self.speed, device)
        pipe = build(device) if build is not None else self._from_folder(folder, device)
        pipe.set_progress_bar_config(disable=True)
        if self.cpu_offload and device.startswith("cuda"):
            pipe.enable_model_cpu_offload(device=device)
        else:
            pipe.to(device)
        self.tiny = build is None and (folder / tiny_model.MARKER).is_file()
        if self.tiny:
            tiny_fast.make_fast(pipe)
        self.pipe = pipe
        speed_options.apply(pipe, self.speed, device)
        self.load_seconds = time.monotonic() - start
        return self.load_seconds

    def set_speed(self, speed: SpeedOptions) -> float:
        """Applies speed options to the loaded pipeline (the benchmark's engine run, after its plain reference run); returns seconds."""
        start = time.monotonic()
        speed_options.apply(self.pipe, speed, self.device)
        self.speed = speed
        return time.monotonic() - start

    @staticmethod
    def _from_folder(folder: Path, device: str):
        import torch
        import transformers
        from diffusers import AutoencoderKLWan, WanImageToVideoPipeline

        if device.startswith("cuda"):
            # bf16 for the transformer and text encoder; the VAE and image encoder stay fp32 as Wan recommends.
            vae = AutoencoderKLWan.from_pretrained(folder, subfolder="vae", dtype=torch.float32)
            # The image encoder's class as the folder names it (CLIPVisionModel in Wan-AI's diffusers copies).
            encoder_class = getattr(transformers, json.loads((folder / "model_index.json").read_text())["image_encoder"][1])
            image_encoder = encoder_class.from_pretrained(folder, subfolder="image_encoder", dtype=torch.float32)
            return WanImageToVideoPipeline.from_pretrained(folder, vae=vae, image_encoder=image_encoder, dtype=torch.bfloat16)
        return WanImageToVideoPipeline.from_pretrained(folder, dtype=torch.float32)

    def _set_flow_shift(self, shift: float) -> None:
        sched = self.pipe.scheduler
        key = "flow_shift" if "flow_shift" in sched.config else "shift"
        if sched.config.get(key) != shift:
            self.pipe.scheduler = type(sched).from_config(sched.config, **{key: shift})

    def render(
        self,
        params: RenderParams,
        image_path: str,
        out_dir: str,
        on_step: Callable[[int, int], None],
        cancel: threading.Event,
        preview: PreviewRequest | None = None,
    ) -> RenderResult:
        import torch
        from PIL import Image

        assert self.pipe is not None, "load() first"
        start = time.monotonic()
        try:
            with Image.open(image_path) as src:
                image = fit_image(src, params.width, params.height)
        except (OSError, ValueError) as err:
            raise RenderFailure("InvalidInput", f"The source image could not be read: {err}") from err
        self._set_flow_shift(flow_shift_for(params.width, params.height))
        # A CPU generator: the initial noise is the same bits on every device for a given seed.
        generator = torch.Generator(device="cpu").manual_seed(params.seed)
        delay = self.step_delay
        out_path = Path(out_dir)
        out_path.mkdir(parents=True, exist_ok=True)
        # The latents one step before a preview step, kept only then: the clean estimate needs two.
        before_preview: list = [None]

        def make_preview(pipe, i, latents) -> None:
            step = i + 1
            if preview is None or preview.every <= 0 or latents is None:
                return
            # Only the middle frame is shown, so only it is kept and estimated.
            middle = latents.shape[2] // 2
            latents = latents[:, :, middle : middle + 1]
            if step % preview.every == 0 and preview.wanted():
                began = time.monotonic()
                sigmas = getattr(pipe.scheduler, "sigmas", None)
                clean = latents
                if sigmas is not None and before_preview[0] is not None and i + 1 < len(sigmas):
                    clean = previews.denoised_estimate(latents, before_preview[0], float(sigmas[i + 1]), float(sigmas[i]))
                path = out_path / f"preview-{step}.jpg"
                previews.write_preview(previews.preview_frame(clean), path)
                preview.on_preview(step, str(path), time.monotonic() - began)
                before_preview[0] = None
            elif (step + 1) % preview.every == 0 and preview.wanted():
                before_preview[0] = latents.detach().clone()

        def step_end(pipe, i, _t, kwargs):
            on_step(i + 1, params.steps)
            make_preview(pipe, i, kwargs.get("latents"))
            if delay:
                time.sleep(delay)
            if cancel.is_set():
                # Stop now: no further step, and no VAE decode of a video nobody wants.
                pipe._interrupt = True
                raise _Cancelled()
            return kwargs

        if self.speed.step_cache:
            speed_options.reset_step_cache(self.pipe)
        try:
            with torch.inference_mode():
                out = self.pipe(
                    image=image,
                    prompt=params.prompt,
                    negative_prompt=params.negative_prompt,
                    height=params.height,
                    width=params.width,
                    num_frames=params.length,
                    num_inference_steps=params.steps,
                    guidance_scale=params.cfg,
                    generator=generator,
                    callback_on_step_end=step_end,
                    **(tiny_fast.pipeline_options() if self.tiny else {"output_type": "np"}),
                )
        except _Cancelled:
            raise RenderFailure("Cancelled", "The render was cancelled.") from None
        except torch.OutOfMemoryError as err:
            self._free_memory()
            raise RenderFailure(
                "OutOfMemory",
                f"The GPU ran out of memory rendering {params.width}×{params.height}, {params.length} frames: "
                f"{str(err).splitlines()[0]} Use a smaller size or fewer frames, or a pool with more GPU memory.",
            ) from err
        finally:
            self._free_memory()
        frames = tiny_fast.frames_from_latents(self.pipe.vae, out.frames) if self.tiny else to_uint8_frames(out.frames[0])
        if frames.shape[0] != params.length or frames.shape[1:3] != (params.height, params.width):
            raise RuntimeError(f"pipeline returned frames of shape {frames.shape}, expected ({params.length}, {params.height}, {params.width}, 3)")
        video = out_path / "video.mp4"
        poster = out_path / "poster.jpg"
        write_mp4(frames, video, fps=FPS, preset=tiny_fast.VIDEO_PRESET if self.tiny else "medium")
        write_poster(frames[0], poster)
        return RenderResult(video=str(video), poster=str(poster), frames=int(frames.shape[0]), seconds=time.monotonic() - start)

    def _free_memory(self) -> None:
        import torch

        if self.device.startswith("cuda"):
            torch.cuda.empty_cache()
