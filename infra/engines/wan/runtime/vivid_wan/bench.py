"""Wan render benchmark: our engine against plain diffusers on the same pipeline, in one process.

    python -m vivid_wan.bench (--model-dir DIR | --random-14b) [--device auto] [--sizes 832x480,1280x720]
        [--length 81] [--steps 30] [--video-steps 30] [--cfg 5.0] [--warmup-steps 2] [--no-reference]
        [--attention NAME] [--compile] [--fp8] [--step-cache T]

For each size, first the reference: what a diffusers user writes, `pipe(image=..., prompt=...,
negative_prompt="", height=..., width=..., num_frames=..., num_inference_steps=...,
guidance_scale=..., generator=...)` then `export_to_video`. Then, with the speed options applied
(see speed.py; they change the pipeline for good, hence this order), our engine's render of the
same inputs. Each timed run follows an untimed warm-up of --warmup-steps steps at the same size;
with --compile that warm-up is the compile, and its seconds are reported.

Prints one line per size and side, then one JSON object: load (or build) seconds, and per run
seconds per step (the mean interval between step ends, GPU synchronised), seconds per video
(measured at --steps, and at --video-steps: the measured video with its steps rescaled),
peak GPU memory, and how often the last block really ran (fewer with the step cache); per size,
the ratios engine / reference. --random-14b builds a random-weight Wan 2.1 I2V 14B transformer in
memory (random_model.py says what is full size); compare with shared/FACTS.md (one H100, 480p,
81 frames: diffusers ≈ 9.8 s/step).
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

from PIL import Image

from . import speed
from .engine import RenderParams, WanEngine, flow_shift_for, resolve_device
from .video import FPS

PROMPT = "a slow push-in on a quiet harbour at dusk"


def parse_sizes(text: str) -> list[tuple[int, int]]:
    sizes = []
    for part in text.split(","):
        w, _, h = part.strip().lower().partition("x")
        sizes.append((int(w), int(h)))
    return sizes


def source_image(path: Path, width: int, height: int) -> Path:
    img = Image.new("RGB", (width, height))
    img.putdata([(x * 255 // width, y * 255 // height, 128) for y in range(height) for x in range(width)])
    img.save(path)
    return path


class Timer:
    """Step-end marks, with the GPU synchronised so a mark is when the step's work is done."""

    def __init__(self, cuda: bool) -> None:
        import torch

        self._sync = torch.cuda.synchronize if cuda else (lambda: None)
        self.cuda = cuda
        self.marks: list[float] = []
        self.start = 0.0

    def begin(self) -> None:
        import torch

        gc.collect()
        if self.cuda:
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()
        self._sync()
        self.marks.clear()
        self.start = time.monotonic()

    def mark(self) -> None:
        self._sync()
        self.marks.append(time.monotonic())

    def result(self, steps: int, video_steps: int) -> dict:
        import torch

        total = time.monotonic() - self.start
        m = self.marks
        per_step = (m[-1] - m[0]) / (len(m) - 1) if len(m) > 1 else m[0] - self.start
        return {
            "steps": steps,
            "first_step_seconds": round(m[0] - self.start, 3),
            "seconds_per_step": round(per_step, 4),
            "seconds_per_video": round(total, 3),
            f"seconds_per_video_at_{video_steps}_steps": round(total + (video_steps - steps) * per_step, 3),
            "peak_gpu_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2) if self.cuda else None,
        }


def reference_run(pipe, image: Path, out: Path, width: int, height: int, length: int, steps: int, cfg: float, timer: Timer) -> None:
    """Plain diffusers, as its documentation's Wan I2V example calls it (plus a step-end timing callback)."""
    import torch
    from diffusers.utils import export_to_video

    generator = torch.Generator(device="cpu").manual_seed(0)
    with Image.open(image) as img:
        output = pipe(
            image=img.convert("RGB"),
            prompt=PROMPT,
            negative_prompt="",
            height=height,
            width=width,
            num_frames=length,
            num_inference_steps=steps,
            guidance_scale=cfg,
            generator=generator,
            callback_on_step_end=lambda _p, _i, _t, kwargs: (timer.mark(), kwargs)[1],
        )
    export_to_video(output.frames[0], str(out), fps=FPS)


def engine_run(engine: WanEngine, image: Path, out: Path, width: int, height: int, length: int, steps: int, cfg: float, timer: Timer) -> None:
    p = {"prompt": PROMPT, "negative_prompt": "", "cfg": cfg, "width": width, "height": height, "length": length, "steps": steps, "seed": 0}
    engine.render(RenderParams.parse(p), str(image), str(out), on_step=lambda *_: timer.mark(), cancel=threading.Event())


def measure(side: str, run_once, engine: WanEngine, args, width: int, height: int, tmp: Path, timer: Timer) -> dict:
    image = source_image(tmp / f"source-{width}x{height}.png", width, height)
    # Both sides at the same flow shift: the engine sets it per size, the reference keeps what is set.
    engine._set_flow_shift(flow_shift_for(width, height))
    record: dict = {"side": side, "size": f"{width}x{height}", "frames": args.length}
    counter = speed.BlockRunCounter(engine.pipe)
    try:
        if args.warmup_steps > 0:
            timer.begin()
            run_once(image, tmp / f"{side}-warmup.mp4", width, height, args.length, args.warmup_steps, args.cfg, timer)
            record["warmup_seconds"] = round(time.monotonic() - timer.start, 3)
        counter.full = 0
        timer.begin()
        run_once(image, tmp / f"{side}-{width}x{height}.mp4", width, height, args.length, args.steps, args.cfg, timer)
        record.update(timer.result(args.steps, args.video_steps))
    finally:
        counter.close()
    record["transformer_forwards"] = args.steps * (2 if args.cfg > 1 else 1)
    # Inside a compiled block the counting hook does not run: no count rather than a wrong one.
    record["last_block_runs"] = None if side == "engine" and engine.speed.compile else counter.full
    return record


def run(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(prog="vivid_wan.bench")
    model = ap.add_mutually_exclusive_group(required=True)
    model.add_argument("--model-dir")
    model.add_argument("--random-14b", action="store_true", help="random-weight Wan 2.1 I2V 14B built in memory (timing only)")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--cpu-offload", action="store_true")
    ap.add_argument("--sizes", type=parse_sizes, default=parse_sizes("832x480,1280x720"), help="WxH[,WxH...]")
    ap.add_argument("--length", type=int, default=81)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--video-steps", type=int, default=30, help="steps of the video whose time is reported from the measured one")
    ap.add_argument("--cfg", type=float, default=5.0)
    ap.add_argument("--warmup-steps", type=int, default=2)
    ap.add_argument("--no-reference", action="store_true", help="the engine alone")
    speed.add_arguments(ap)
    args = ap.parse_args(argv)
    options = speed.from_args(args)

    import diffusers
    import torch

    engine = WanEngine(args.model_dir or "random-14b", device=args.device, cpu_offload=args.cpu_offload)
    # The options are checked before a 14B model is built, though applied only after the reference runs.
    speed.check(options, resolve_device(args.device))
    if args.random_14b:
        from .random_model import SMALL_ENCODERS_NOTE, build_random_14b_pipeline

        load_seconds = engine.load(build=build_random_14b_pipeline)
        model_note = f"Wan 2.1 I2V 14B shape, {SMALL_ENCODERS_NOTE}; load_seconds is the in-memory build"
    else:
        load_seconds = engine.load()
        model_note = args.model_dir
    cuda = engine.device.startswith("cuda")
    report: dict = {
        "device": torch.cuda.get_device_name() if cuda else "cpu",
        "torch": torch.__version__,
        "diffusers": diffusers.__version__,
        "model": model_note,
        "params": {
            "sizes": [f"{w}x{h}" for w, h in args.sizes],
            "length": args.length,
            "steps": args.steps,
            "video_steps": args.video_steps,
            "cfg": args.cfg,
        },
        "load_seconds": round(load_seconds, 3),
        "load_note": "one pipeline serves both sides: the reference's load is the same",
        "speed": options.describe(),
        "runs": [],
        "ratios": {},
    }
    timer = Timer(cuda)
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        if not args.no_reference:
            for w, h in args.sizes:
                report["runs"].append(measure("reference", lambda *a: reference_run(engine.pipe, *a), engine, args, w, h, tmp, timer))
        report["speed_setup_seconds"] = round(engine.set_speed(options), 3)
        for w, h in args.sizes:
            report["runs"].append(measure("engine", lambda *a: engine_run(engine, *a), engine, args, w, h, tmp, timer))
    for w, h in args.sizes:
        by_side = {r["side"]: r for r in report["runs"] if r["size"] == f"{w}x{h}"}
        if "reference" in by_side:
            ours, theirs = by_side["engine"], by_side["reference"]
            report["ratios"][f"{w}x{h}"] = {
                "seconds_per_step": round(ours["seconds_per_step"] / theirs["seconds_per_step"], 3),
                "seconds_per_video": round(ours["seconds_per_video"] / theirs["seconds_per_video"], 3),
            }
    return report


def summary(report: dict) -> list[str]:
    lines = []
    video_steps = report["params"]["video_steps"]
    for r in report["runs"]:
        peak = f", peak {r['peak_gpu_gib']} GiB" if r["peak_gpu_gib"] is not None else ""
        lines.append(
            f"{r['side']:>9} {r['size']}x{r['frames']}: {r['seconds_per_step']} s/step, "
            f"{r[f'seconds_per_video_at_{video_steps}_steps']} s/video at {video_steps} steps{peak}, "
            f"last block ran {'?' if r['last_block_runs'] is None else r['last_block_runs']}/{r['transformer_forwards']}"
        )
    for size, ratio in report["ratios"].items():
        lines.append(f"    ratio {size}: engine/reference {ratio['seconds_per_step']} per step, {ratio['seconds_per_video']} per video")
    return lines


def main() -> int:
    try:
        report = run()
    except speed.SpeedOptionError as err:
        print(f"vivid_wan.bench: {err}", file=sys.stderr)
        return 2
    print("\n".join(summary(report)))
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
