"""What live previews cost: a render with a preview after every step against the same render without.

    python -m vivid_wan.preview_cost --model-dir DIR [--steps 20] [--size 32x48] [--device cpu]

Prints seconds per step both ways, the mean seconds of one preview (estimate, map, JPEG), and the
same preview work alone on latents the size of a 480p and a 720p 81-frame render.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

import numpy as np

from . import preview
from .engine import PreviewRequest, RenderParams, WanEngine


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="vivid_wan.preview_cost")
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--size", default="32x48", help="HEIGHTxWIDTH")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--image", required=True)
    ap.add_argument("--out", default="/tmp/vivid-preview-cost")
    args = ap.parse_args(argv)
    height, width = (int(v) for v in args.size.lower().split("x"))
    engine = WanEngine(args.model_dir, device=args.device)
    engine.load()
    raw = {"prompt": "a kite", "cfg": 5.0, "width": width, "height": height, "length": 9, "steps": args.steps, "seed": 1}
    params = RenderParams.parse(raw)
    timings: dict[str, list[float]] = {"off": [], "every step": []}
    seconds: list[float] = []
    for run in range(3):
        for mode in ("off", "every step"):
            request = PreviewRequest(every=1, wanted=lambda mode=mode: mode != "off", on_preview=lambda _s, _p, took: seconds.append(took))
            start = time.monotonic()
            engine.render(params, args.image, f"{args.out}/{run}-{mode}", on_step=lambda *_: None, cancel=threading.Event(), preview=request)
            timings[mode].append((time.monotonic() - start) / args.steps)
    for mode, values in timings.items():
        print(f"seconds per step, previews {mode}: {statistics.median(values):.4f}")
    print(f"seconds per preview: {statistics.mean(seconds):.4f} ({len(seconds)} previews)")
    for name, shape in (("480p", (1, 16, 21, 60, 104)), ("720p", (1, 16, 21, 90, 160))):
        latents = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
        start = time.monotonic()
        for _ in range(5):
            # As the engine does: the middle frame only.
            middle = latents[:, :, shape[2] // 2 : shape[2] // 2 + 1]
            clean = preview.denoised_estimate(middle, middle * 0.9, 0.5, 0.6)
            preview.write_preview(preview.preview_frame(clean), f"{args.out}/{name}.jpg")
        print(f"seconds per preview of {name} latents {shape}: {(time.monotonic() - start) / 5:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
