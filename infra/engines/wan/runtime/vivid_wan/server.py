"""The long-lived Wan runtime process: newline-delimited JSON on stdin (commands) and stdout (events).

    python -m vivid_wan.server --model-dir DIR [--device auto|cpu|cuda] [--cpu-offload] [--step-delay S]
                               [--attention NAME] [--compile] [--fp8] [--step-cache T]   (see speed.py)

At start it loads the model and emits {"event":"ready","load_seconds":...,"speed":{...}} (or {"event":"fatal",...}
and exits 3). Commands:
    {"cmd":"render","id":ID,"params":{prompt,negative_prompt,cfg,width,height,length,steps,seed},
     "image":PATH,"out_dir":DIR,"preview_every":N,"preview_wanted":BOOL}
        → {"event":"started","id":ID} then {"event":"step","id":ID,"step":i,"steps":n} per denoising step,
          {"event":"preview","id":ID,"step":i,"path":JPEG,"seconds":s} every N steps while previews are wanted,
          then {"event":"done","id":ID,"video":PATH,"poster":PATH,"frames":n,"seconds":s}
          or {"event":"error","id":ID,"kind":"OutOfMemory"|"InvalidInput"|"Cancelled"|"RenderError","message":...}
    {"cmd":"cancel","id":ID}   stops that render after its current step
    {"cmd":"preview","id":ID,"wanted":true|false}   starts or stops that render's previews (at first as
        its render command's "preview_wanted" says; a preview command for a render not yet sent is ignored)
    {"cmd":"shutdown"} or end of stdin: exit once the current render is over.
One render at a time; anything else written to stdout by libraries is sent to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import sys
import threading
import traceback

from . import speed
from .engine import PreviewRequest, RenderFailure, RenderParams, WanEngine


class Channel:
    """Protocol output on a private copy of fd 1; fd 1 itself then points at stderr."""

    def __init__(self) -> None:
        fd = os.dup(1)
        os.dup2(2, 1)
        sys.stdout = sys.stderr
        self._out = os.fdopen(fd, "w", buffering=1, encoding="utf-8")
        self._lock = threading.Lock()

    def emit(self, event: dict) -> None:
        line = json.dumps(event, separators=(",", ":"))
        with self._lock:
            self._out.write(line + "\n")
            self._out.flush()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="vivid_wan.server")
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--cpu-offload", action="store_true")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    ap.add_argument("--step-delay", type=float, default=0.0, help="seconds to wait after each step (tests only)")
    speed.add_arguments(ap)
    args = ap.parse_args(argv)
    channel = Channel()

    engine = WanEngine(args.model_dir, device=args.device, cpu_offload=args.cpu_offload, step_delay=args.step_delay, speed=speed.from_args(args))
    try:
        if args.threads > 0:
            import torch

            torch.set_num_threads(args.threads)
        seconds = engine.load()
    except Exception as err:  # noqa: BLE001 - any load failure is reported whole, then the process ends
        traceback.print_exc()
        channel.emit({"event": "fatal", "message": f"Loading the Wan model from {args.model_dir} failed: {err}"})
        return 3
    ready = {"event": "ready", "load_seconds": round(seconds, 3), "device": engine.device, "pid": os.getpid(), "speed": engine.speed.describe()}
    channel.emit(ready)

    jobs: queue.Queue[dict | None] = queue.Queue()
    current: dict[str, threading.Event] = {}
    watched: dict[str, threading.Event] = {}
    current_lock = threading.Lock()

    def read_commands() -> None:
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            try:
                msg = json.loads(line)
            except json.JSONDecodeError:
                channel.emit({"event": "protocol_error", "message": f"not JSON: {line[:200]}"})
                continue
            cmd = msg.get("cmd")
            if cmd == "render":
                with current_lock:
                    current[str(msg.get("id"))] = threading.Event()
                    wanted = watched[str(msg.get("id"))] = threading.Event()
                    if msg.get("preview_wanted"):
                        wanted.set()
                jobs.put(msg)
            elif cmd == "preview":
                with current_lock:
                    flag = watched.get(str(msg.get("id")))
                if flag is not None:
                    flag.set() if msg.get("wanted") else flag.clear()
            elif cmd == "cancel":
                with current_lock:
                    ev = current.get(str(msg.get("id")))
                if ev is not None:
                    ev.set()
            elif cmd == "shutdown":
                break
            else:
                channel.emit({"event": "protocol_error", "message": f"unknown command {cmd!r}"})
        else:
            # End of input without a shutdown: the worker is gone, so nobody waits for the render; free the GPU.
            with current_lock:
                for ev in current.values():
                    ev.set()
        jobs.put(None)

    threading.Thread(target=read_commands, name="commands", daemon=True).start()

    while (msg := jobs.get()) is not None:
        job_id = str(msg.get("id"))
        with current_lock:
            cancel = current[job_id]
            wanted = watched[job_id]
        channel.emit({"event": "started", "id": job_id})
        try:
            if cancel.is_set():
                raise RenderFailure("Cancelled", "The render was cancelled before it started.")
            params = RenderParams.parse(msg.get("params") or {})
            result = engine.render(
                params,
                str(msg["image"]),
                str(msg["out_dir"]),
                on_step=lambda step, steps, job_id=job_id: channel.emit({"event": "step", "id": job_id, "step": step, "steps": steps}),
                cancel=cancel,
                preview=PreviewRequest(
                    every=int(msg.get("preview_every") or 0),
                    wanted=wanted.is_set,
                    on_preview=lambda step, path, seconds, job_id=job_id: channel.emit(
                        {"event": "preview", "id": job_id, "step": step, "path": path, "seconds": round(seconds, 4)}
                    ),
                ),
            )
            channel.emit(
                {
                    "event": "done",
                    "id": job_id,
                    "video": result.video,
                    "poster": result.poster,
                    "frames": result.frames,
                    "seconds": round(result.seconds, 3),
                }
            )
        except RenderFailure as err:
            channel.emit({"event": "error", "id": job_id, "kind": err.kind, "message": str(err)})
        except Exception as err:  # noqa: BLE001 - the worker decides whether to retry
            traceback.print_exc()
            channel.emit({"event": "error", "id": job_id, "kind": "RenderError", "message": f"The render failed: {err}"})
        finally:
            with current_lock:
                current.pop(job_id, None)
                watched.pop(job_id, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
