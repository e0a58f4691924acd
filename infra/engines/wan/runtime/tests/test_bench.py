from __future__ import annotations

from pathlib import Path

import pytest

from vivid_wan.bench import run
from vivid_wan.speed import SpeedOptionError

TINY_RUN = ["--device", "cpu", "--sizes", "32x32,48x32", "--length", "5", "--steps", "3", "--warmup-steps", "1"]


def test_the_engine_and_the_plain_diffusers_reference_run_on_the_same_inputs(tiny_model_dir: Path) -> None:
    report = run(["--model-dir", str(tiny_model_dir), *TINY_RUN, "--video-steps", "30"])
    assert report["device"] == "cpu" and report["load_seconds"] > 0 and report["speed"]["exact"]
    assert [(r["side"], r["size"]) for r in report["runs"]] == [
        ("reference", "32x32"),
        ("reference", "48x32"),
        ("engine", "32x32"),
        ("engine", "48x32"),
    ]
    for r in report["runs"]:
        assert r["frames"] == 5 and r["steps"] == 3 and r["seconds_per_step"] > 0 and r["warmup_seconds"] > 0
        # Rescaled to 30 steps from the measured 3: 27 more steps at the measured pace.
        assert r["seconds_per_video_at_30_steps"] == pytest.approx(r["seconds_per_video"] + 27 * r["seconds_per_step"], abs=0.01)
        assert r["last_block_runs"] == r["transformer_forwards"] == 6  # CFG: two forwards a step, none skipped
    assert set(report["ratios"]) == {"32x32", "48x32"}
    assert all(v > 0 for ratio in report["ratios"].values() for v in ratio.values())


def test_the_step_cache_skips_blocks_in_the_engine_only(tiny_model_dir: Path) -> None:
    report = run(["--model-dir", str(tiny_model_dir), *TINY_RUN, "--sizes", "32x32", "--steps", "6", "--step-cache", "0.5"])
    reference, engine = report["runs"]
    assert reference["last_block_runs"] == reference["transformer_forwards"] == 12
    assert engine["side"] == "engine" and engine["last_block_runs"] < engine["transformer_forwards"]
    assert report["speed"] == {"attention": "native", "compile": False, "fp8": False, "step_cache": 0.5, "exact": False}


def test_the_engine_alone_and_an_option_this_machine_cannot_run(tiny_model_dir: Path) -> None:
    report = run(["--model-dir", str(tiny_model_dir), *TINY_RUN, "--sizes", "32x32", "--no-reference"])
    assert [r["side"] for r in report["runs"]] == ["engine"] and report["ratios"] == {}
    with pytest.raises(SpeedOptionError, match="compute capability 8.9"):
        run(["--model-dir", str(tiny_model_dir), *TINY_RUN, "--fp8"])
