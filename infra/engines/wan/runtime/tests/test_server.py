from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

RUNTIME_ROOT = Path(__file__).resolve().parents[1]


def start(model_dir: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "vivid_wan.server", "--model-dir", str(model_dir), "--device", "cpu", *extra],
        cwd=RUNTIME_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def events(proc: subprocess.Popen):
    assert proc.stdout is not None
    for line in proc.stdout:
        yield json.loads(line)


def send(proc: subprocess.Popen, msg: dict) -> None:
    assert proc.stdin is not None
    proc.stdin.write(json.dumps(msg) + "\n")
    proc.stdin.flush()


def render_cmd(job_id: str, image: Path, out: Path, steps: int) -> dict:
    p = {"prompt": "x", "negative_prompt": "", "cfg": 4.0, "width": 32, "height": 32, "length": 5, "steps": steps, "seed": 1}
    return {"cmd": "render", "id": job_id, "params": p, "image": str(image), "out_dir": str(out)}


def test_protocol_ready_steps_done_and_cancel(tiny_model_dir: Path, source_image: Path, tmp_path: Path) -> None:
    proc = start(tiny_model_dir, "--step-delay", "0.05")
    try:
        stream = events(proc)
        ready = next(stream)
        assert ready["event"] == "ready" and ready["load_seconds"] > 0 and ready["device"] == "cpu"

        send(proc, render_cmd("one", source_image, tmp_path / "one", 2))
        got = [next(stream) for _ in range(4)]
        assert [e["event"] for e in got] == ["started", "step", "step", "done"]
        assert Path(got[-1]["video"]).is_file()

        send(proc, render_cmd("two", source_image, tmp_path / "two", 50))
        assert next(stream)["event"] == "started"
        assert next(stream) == {"event": "step", "id": "two", "step": 1, "steps": 50}
        send(proc, {"cmd": "cancel", "id": "two"})
        rest = []
        for e in stream:
            rest.append(e)
            if e["event"] == "error":
                break
        assert rest[-1]["kind"] == "Cancelled"
        assert len(rest) <= 3  # at most the step in flight and the next one before it stops

        send(proc, {"cmd": "shutdown"})
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()


def test_a_bad_model_folder_is_fatal_at_start(tmp_path: Path) -> None:
    proc = start(tmp_path)
    out, _ = proc.communicate(timeout=60)
    event = json.loads(out.splitlines()[0])
    assert event["event"] == "fatal" and str(tmp_path) in event["message"] and "model_index.json" in event["message"]
    assert proc.returncode == 3


def test_speed_options_are_arguments_and_the_ready_event_says_which(tiny_model_dir: Path) -> None:
    proc = start(tiny_model_dir, "--step-cache", "0.1", "--attention", "_native_math")
    try:
        ready = next(events(proc))
        assert ready["event"] == "ready"
        assert ready["speed"] == {"attention": "_native_math", "compile": False, "fp8": False, "step_cache": 0.1, "exact": False}
        send(proc, {"cmd": "shutdown"})
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()


def test_fp8_on_a_cpu_is_fatal_at_start_with_a_clear_message(tiny_model_dir: Path) -> None:
    proc = start(tiny_model_dir, "--fp8")
    out, _ = proc.communicate(timeout=60)
    event = json.loads(out.splitlines()[0])
    assert event["event"] == "fatal" and "FP8 needs a CUDA GPU of compute capability 8.9 or newer" in event["message"]
    assert proc.returncode == 3


def test_a_render_watched_from_its_start_makes_previews_without_a_preview_command(tiny_model_dir: Path, source_image: Path, tmp_path: Path) -> None:
    proc = start(tiny_model_dir)
    try:
        stream = events(proc)
        assert next(stream)["event"] == "ready"
        # Sent before its render, this names no render yet and is dropped: the render command says it instead.
        send(proc, {"cmd": "preview", "id": "watched", "wanted": True})
        send(proc, {**render_cmd("watched", source_image, tmp_path / "watched", 4), "preview_every": 2, "preview_wanted": True})
        send(proc, {**render_cmd("unwatched", source_image, tmp_path / "unwatched", 4), "preview_every": 2})
        seen: dict[str, list[str]] = {"watched": [], "unwatched": []}
        for e in stream:
            seen[e["id"]].append(e["event"])
            if e["id"] == "unwatched" and e["event"] in ("done", "error"):
                break
        assert seen["watched"].count("preview") == 2 and seen["watched"][-1] == "done"
        assert "preview" not in seen["unwatched"] and seen["unwatched"][-1] == "done"
        send(proc, {"cmd": "shutdown"})
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()
