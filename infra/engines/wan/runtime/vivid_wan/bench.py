"""Wan render benchmark on one device, for a GPU machine (and, on the tiny model, any CPU).

    python -m vivid_wan.bench --model-dir DIR [--width 832 --height 480 --length 81 --steps 40 --runs 2]

Prints one JSON object: model load seconds, then per run the seconds to the first denoising step
(warm start), seconds per step, total seconds, and peak GPU memory. Compare with the figures in
shared/FACTS.md (Wan 2.1 I2V 14B, 480p, 81 frames, 40 steps, CFG, one H100: diffusers ≈ 9.8 s/step).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time

from PIL import Image

from .engine import RenderParams, WanEngine


def run(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(prog="vivid_wan.bench")
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--cpu-offload", action="store_true")
    ap.add_argument("--width", type=int, default=832)
    ap.add_argument("--height", type=int, default=480)
    ap.add_argument("--length", type=int, default=81)
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--cfg", type=float, default=5.0)
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args(argv)

    import torch

    engine = WanEngine(args.model_dir, device=args.device, cpu_offload=args.cpu_offload)
    load_seconds = engine.load()
    cuda = engine.device.startswith("cuda")
    report: dict = {
        "device": torch.cuda.get_device_name() if cuda else "cpu",
        "torch": torch.__version__,
        "params": {"width": args.width, "height": args.height, "length": args.length, "steps": args.steps, "cfg": args.cfg},
        "load_seconds": round(load_seconds, 3),
        "runs": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        image = f"{tmp}/source.png"
        Image.new("RGB", (args.width, args.height), (90, 120, 200)).save(image)
        for i in range(args.runs):
            if cuda:
                torch.cuda.reset_peak_memory_stats()
            marks: list[float] = []
            start = time.monotonic()
            params = RenderParams.parse(
                {
                    "prompt": "a slow push-in on a quiet harbour at dusk",
                    "negative_prompt": "",
                    "cfg": args.cfg,
                    "width": args.width,
                    "height": args.height,
                    "length": args.length,
                    "steps": args.steps,
                    "seed": i,
                }
            )
            result = engine.render(
                params, image, f"{tmp}/run{i}", on_step=lambda *_, marks=marks: marks.append(time.monotonic()), cancel=threading.Event()
            )
            total = time.monotonic() - start
            per_step = (marks[-1] - marks[0]) / (len(marks) - 1) if len(marks) > 1 else marks[0] - start
            report["runs"].append(
                {
                    "first_step_seconds": round(marks[0] - start, 3),
                    "seconds_per_step": round(per_step, 4),
                    "total_seconds": round(total, 3),
                    "frames": result.frames,
                    "peak_gpu_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2) if cuda else None,
                }
            )
    return report


def main() -> int:
    print(json.dumps(run(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
