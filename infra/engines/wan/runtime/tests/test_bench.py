from __future__ import annotations

from pathlib import Path

from vivid_wan.bench import run


def test_the_benchmark_runs_on_the_tiny_model(tiny_model_dir: Path) -> None:
    report = run(["--model-dir", str(tiny_model_dir), "--device", "cpu", "--width", "32", "--height", "32", "--length", "5", "--steps", "3"])
    assert report["device"] == "cpu" and report["load_seconds"] > 0
    assert len(report["runs"]) == 2
    assert all(r["frames"] == 5 and r["seconds_per_step"] > 0 and r["first_step_seconds"] > 0 for r in report["runs"])
